import { parseTemplate, TemplateSyntaxError } from '../../../src/templates';

function syntaxErrorOf(body: string): TemplateSyntaxError {
  try {
    parseTemplate(body);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be rejected`);
}

describe('parseTemplate splits a body into text and variables', () => {
  it('returns text and variable parts in order', () => {
    expect(parseTemplate('Hi {FirstName}, see you on {Date}.')).toEqual({
      parts: [
        { kind: 'text', text: 'Hi ' },
        { kind: 'variable', name: 'FirstName', fallback: null },
        { kind: 'text', text: ', see you on ' },
        { kind: 'variable', name: 'Date', fallback: null },
        { kind: 'text', text: '.' },
      ],
      variables: ['FirstName', 'Date'],
    });
  });

  it('reads the text after "|" as the fallback', () => {
    expect(parseTemplate('Hi {FirstName|there}!').parts[1]).toEqual({
      kind: 'variable',
      name: 'FirstName',
      fallback: 'there',
    });
  });

  it('keeps an empty fallback, which makes the variable optional', () => {
    expect(parseTemplate('{Suffix|}').parts).toEqual([{ kind: 'variable', name: 'Suffix', fallback: '' }]);
  });

  it('keeps the fallback verbatim, including spaces and further "|" characters', () => {
    expect(parseTemplate('{Greeting| Hi | Hello}').parts[0]).toEqual({
      kind: 'variable',
      name: 'Greeting',
      fallback: ' Hi | Hello',
    });
  });

  it('trims spaces around the variable name', () => {
    expect(parseTemplate('{ FirstName |there}').parts[0]).toMatchObject({ name: 'FirstName' });
  });

  it('lists each variable once, in order of first appearance', () => {
    expect(parseTemplate('{B} {A|x} {B|y} {C} {A}').variables).toEqual(['B', 'A', 'C']);
  });

  it('returns no parts for an empty body', () => {
    expect(parseTemplate('')).toEqual({ parts: [], variables: [] });
  });

  it('accepts non-Latin variable names and text', () => {
    expect(parseTemplate('مرحبا {الاسم}').variables).toEqual(['الاسم']);
  });
});

describe('parseTemplate treats doubled braces as literal braces', () => {
  it('turns "{{" into "{" and "}}" into "}" inside one text part', () => {
    expect(parseTemplate('Use {{code}} to log in')).toEqual({
      parts: [{ kind: 'text', text: 'Use {code} to log in' }],
      variables: [],
    });
  });

  it('reads "{{{Name}" as a literal brace followed by a variable', () => {
    expect(parseTemplate('{{{Name}}}').parts).toEqual([
      { kind: 'text', text: '{' },
      { kind: 'variable', name: 'Name', fallback: null },
      { kind: 'text', text: '}' },
    ]);
  });
});

describe('parseTemplate rejects invalid syntax with TemplateSyntaxError', () => {
  it('reports an unclosed "{" at its column', () => {
    const error = syntaxErrorOf('Hi {FirstName, welcome');
    expect(error.position).toBe(3);
    expect(error.column).toBe(4);
    expect(error.message).toBe("Unclosed '{' at column 4: end the variable with '}', or write '{{' for a literal '{'");
  });

  it('reports a "{" opened inside a variable as the outer one being unclosed', () => {
    expect(syntaxErrorOf('{First{Name}').position).toBe(0);
  });

  it('reports an empty variable name', () => {
    const error = syntaxErrorOf('Hi {}!');
    expect(error.message).toBe("Empty variable name at column 4: write {FieldName}, or '{{' for a literal '{'");
  });

  it('reports a name made only of spaces or only a fallback as empty', () => {
    expect(syntaxErrorOf('Hi { }').message).toMatch(/^Empty variable name/);
    expect(syntaxErrorOf('Hi {|there}').message).toMatch(/^Empty variable name/);
  });

  it('reports a stray "}" that is not "}}"', () => {
    const error = syntaxErrorOf('Hi FirstName}');
    expect(error.position).toBe(12);
    expect(error.message).toBe("Unexpected '}' at column 13: write '}}' for a literal '}'");
  });

  it('reports a stray "}" left over after an odd run of closing braces', () => {
    expect(syntaxErrorOf('{Name}}').position).toBe(6);
  });

  it('names the line and counts an emoji as one column on multi-line bodies', () => {
    const error = syntaxErrorOf('Hello\r\n😀 {Name');
    expect(error.position).toBe(10);
    expect(error.line).toBe(2);
    expect(error.column).toBe(3);
    expect(error.message).toMatch(/^Unclosed '\{' at line 2, column 3:/);
  });

  it('is an Error named TemplateSyntaxError', () => {
    const error = syntaxErrorOf('}');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TemplateSyntaxError');
  });
});
