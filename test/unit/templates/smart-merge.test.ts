import { measureSms, mergeTemplate, parseTemplate, sampleMerge } from '../../../src/templates';

describe('a template with smart encoding stays GSM-7 when only typographic characters stood in the way', () => {
  it('replaces curly quotes and dashes in the body and in merged values', () => {
    const template = parseTemplate('It’s {Name}’s turn — see you “soon”', { smartEncoding: true });
    const merged = mergeTemplate(template, { Name: 'O’Brien' }, 'auto');
    expect(merged).toEqual({ ok: true, text: "It's O'Brien's turn - see you \"soon\"" });
    expect(measureSms(merged.ok ? merged.text : '').encoding).toBe('GSM-7');
  });

  it('changes nothing without the option', () => {
    const merged = mergeTemplate(parseTemplate('It’s {Name}'), { Name: 'Ann' }, 'auto');
    expect(merged).toEqual({ ok: true, text: 'It’s Ann' });
  });

  it('keeps the typography when an emoji or Arabic keeps the message UCS-2 anyway', () => {
    const merged = mergeTemplate(parseTemplate('“Hi” {Name} 👋', { smartEncoding: true }), { Name: 'Ann' }, 'auto');
    expect(merged).toEqual({ ok: true, text: '“Hi” Ann 👋' });
  });
});

describe('sampleMerge is the text a saved template is measured on', () => {
  it('stands each variable in for itself, or for its fallback, and a doubled brace for one brace', () => {
    expect(sampleMerge(parseTemplate('Hi {FirstName|there}, code {Code} {{ok}}'), 'auto')).toBe(
      'Hi there, code Code {ok}',
    );
  });

  it('includes the isolates a Latin value gets inside an Arabic template', () => {
    const text = sampleMerge(parseTemplate('مرحبا {FirstName}'), 'auto');
    expect(text).toBe('مرحبا \u2066FirstName\u2069');
    expect(measureSms(text)).toMatchObject({ encoding: 'UCS-2', characters: 17 });
  });
});
