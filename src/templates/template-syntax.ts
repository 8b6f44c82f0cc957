/** A run of literal text, with `{{`/`}}` escapes already turned into single braces. */
export interface TemplateTextPart {
  kind: 'text';
  text: string;
}

/** A `{Name}` or `{Name|fallback}` placeholder; fallback is null when the author gave none. */
export interface TemplateVariablePart {
  kind: 'variable';
  name: string;
  fallback: string | null;
}

export type TemplatePart = TemplateTextPart | TemplateVariablePart;

/** A template body split into parts, plus its distinct variable names in order of first appearance. */
export interface ParsedTemplate {
  parts: TemplatePart[];
  variables: string[];
  /** Set when merged messages should have typographic characters replaced so they can stay GSM-7. */
  smartEncoding?: true;
}

/** TemplateOptions are the author's choices that change how a body is merged. */
export interface TemplateOptions {
  smartEncoding?: boolean;
}

/** TemplateSyntaxError reports where a body is malformed so the author can fix it in the editor. */
export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError';

  constructor(
    message: string,
    /** UTF-16 index into the body, i.e. what an editor selection uses. */
    readonly position: number,
    /** 1-based line, counting CRLF, CR and LF as one break each. */
    readonly line: number,
    /** 1-based column in code points, so an emoji earlier on the line counts as one. */
    readonly column: number,
  ) {
    super(message);
  }
}

const FALLBACK_SEPARATOR = '|';
const LINE_BREAK = /\r\n|\r|\n/;

/** parseTemplate splits a body into text and `{Field|fallback}` parts, throwing TemplateSyntaxError on bad braces. */
export function parseTemplate(body: string, options: TemplateOptions = {}): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const variables: string[] = [];
  let text = '';
  let i = 0;

  while (i < body.length) {
    const brace = indexOfBrace(body, i);
    text += body.slice(i, brace);
    if (brace === body.length) break;

    if (body[brace + 1] === body[brace]) {
      // Doubled brace is the escape for a literal one, whichever way it faces.
      text += body[brace];
      i = brace + 2;
      continue;
    }
    if (body[brace] === '}') {
      throw syntaxError(body, brace, "Unexpected '}'", "write '}}' for a literal '}'");
    }

    const close = indexOfBrace(body, brace + 1);
    if (close === body.length || body[close] === '{') {
      throw syntaxError(body, brace, "Unclosed '{'", "end the variable with '}', or write '{{' for a literal '{'");
    }
    const variable = parseVariable(body, brace, close);
    if (text) parts.push({ kind: 'text', text });
    text = '';
    parts.push(variable);
    if (!variables.includes(variable.name)) variables.push(variable.name);
    i = close + 1;
  }

  if (text) parts.push({ kind: 'text', text });
  return options.smartEncoding ? { parts, variables, smartEncoding: true } : { parts, variables };
}

// The name is trimmed because `{ FirstName }` is a common way to write it; the fallback is kept verbatim
// (everything after the first '|') so authors control its spacing, and `{Suffix|}` means "optional, else empty".
function parseVariable(body: string, open: number, close: number): TemplateVariablePart {
  const inner = body.slice(open + 1, close);
  const separator = inner.indexOf(FALLBACK_SEPARATOR);
  const name = (separator === -1 ? inner : inner.slice(0, separator)).trim();
  if (!name) {
    throw syntaxError(body, open, 'Empty variable name', "write {FieldName}, or '{{' for a literal '{'");
  }
  return { kind: 'variable', name, fallback: separator === -1 ? null : inner.slice(separator + 1) };
}

function indexOfBrace(body: string, from: number): number {
  for (let i = from; i < body.length; i++) {
    if (body[i] === '{' || body[i] === '}') return i;
  }
  return body.length;
}

function syntaxError(body: string, position: number, problem: string, fix: string): TemplateSyntaxError {
  const lines = body.slice(0, position).split(LINE_BREAK);
  const line = lines.length;
  const column = Array.from(lines[lines.length - 1]).length + 1;
  const where = line === 1 ? `column ${column}` : `line ${line}, column ${column}`;
  return new TemplateSyntaxError(`${problem} at ${where}: ${fix}`, position, line, column);
}
