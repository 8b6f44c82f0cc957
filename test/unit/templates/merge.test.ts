import { isBlankBody, measureSms, mergeTemplate, missingFields, parseTemplate } from '../../../src/templates';

const LRI = '\u2066';
const RLI = '\u2067';
const PDI = '\u2069';

describe('mergeTemplate fills variables from a recipient', () => {
  it('substitutes values and literal braces', () => {
    const template = parseTemplate('Hi {FirstName}, code {{{Code}}}');
    expect(mergeTemplate(template, { FirstName: 'John', Code: 'X1' }, 'auto')).toEqual({
      ok: true,
      text: 'Hi John, code {X1}',
    });
  });

  it('substitutes every occurrence of a repeated variable', () => {
    const template = parseTemplate('{Name}, {Name}!');
    expect(mergeTemplate(template, { Name: 'Ana' }, 'ltr')).toEqual({ ok: true, text: 'Ana, Ana!' });
  });

  it('leaves a template without variables as its literal text', () => {
    expect(mergeTemplate(parseTemplate('Reply STOP to opt out'), {}, 'auto')).toEqual({
      ok: true,
      text: 'Reply STOP to opt out',
    });
  });
});

describe('mergeTemplate uses fallbacks and skips records it cannot fill', () => {
  const template = parseTemplate('Hi {FirstName|there}, your order {Order} ships soon{Note|}');

  it.each([
    ['missing', {}],
    ['undefined', { FirstName: undefined }],
    ['null', { FirstName: null }],
    ['empty', { FirstName: '' }],
    ['whitespace-only', { FirstName: '  ' }],
  ])('uses the fallback when the value is %s', (_label, fields) => {
    expect(mergeTemplate(template, { ...fields, Order: '42' }, 'ltr')).toEqual({
      ok: true,
      text: 'Hi there, your order 42 ships soon',
    });
  });

  it('skips the record, naming the field, when a variable without fallback has no value', () => {
    expect(mergeTemplate(template, { FirstName: 'Ana', Order: '' }, 'ltr')).toEqual({
      ok: false,
      reason: 'missing_value',
      field: 'Order',
    });
  });

  it('reports the first unfillable variable in body order', () => {
    const twoRequired = parseTemplate('{B} {A}');
    expect(mergeTemplate(twoRequired, {}, 'ltr')).toEqual({ ok: false, reason: 'missing_value', field: 'B' });
  });

  it('never reads inherited object properties as field values', () => {
    expect(mergeTemplate(parseTemplate('{toString}'), {}, 'ltr')).toMatchObject({ ok: false, field: 'toString' });
  });
});

describe('mergeTemplate matches field names exactly first, then case-insensitively', () => {
  it('matches a differently cased column', () => {
    expect(mergeTemplate(parseTemplate('Hi {FirstName}'), { firstname: 'Ana' }, 'ltr')).toEqual({
      ok: true,
      text: 'Hi Ana',
    });
  });

  it('prefers the exactly spelled column over a case-insensitive one', () => {
    const fields = { id: 'lower', ID: 'upper' };
    expect(mergeTemplate(parseTemplate('{ID}'), fields, 'ltr')).toEqual({ ok: true, text: 'upper' });
    expect(mergeTemplate(parseTemplate('{id}'), fields, 'ltr')).toEqual({ ok: true, text: 'lower' });
  });

  it('does not fall through to a case-insensitive column when the exact one is empty', () => {
    const fields = { Name: '', NAME: 'Other' };
    expect(mergeTemplate(parseTemplate('{Name|friend}'), fields, 'ltr')).toEqual({ ok: true, text: 'friend' });
  });
});

describe('mergeTemplate isolates values against the body direction', () => {
  const arabic = parseTemplate('مرحبا {FirstName}، موعدك يوم {Date}');

  it('wraps a Latin name and a date in LRI…PDI inside an Arabic body resolved with auto', () => {
    const result = mergeTemplate(arabic, { FirstName: 'John', Date: '2026-12-01' }, 'auto');
    expect(result).toEqual({ ok: true, text: `مرحبا ${LRI}John${PDI}، موعدك يوم ${LRI}2026-12-01${PDI}` });
  });

  it('measures the merged Arabic message as UCS-2, isolates included', () => {
    const result = mergeTemplate(arabic, { FirstName: 'John', Date: '2026-12-01' }, 'auto');
    if (!result.ok) throw new Error('merge failed');
    // 18 literal characters + 4 + 10 value characters + 4 isolate marks.
    expect(measureSms(result.text)).toEqual({ encoding: 'UCS-2', segments: 1, characters: 36, units: 36 });
  });

  it('leaves an Arabic name unwrapped inside an Arabic body', () => {
    const result = mergeTemplate(arabic, { FirstName: 'محمد', Date: '2026-12-01' }, 'auto');
    expect(result).toEqual({ ok: true, text: `مرحبا محمد، موعدك يوم ${LRI}2026-12-01${PDI}` });
  });

  it('wraps an Arabic name in RLI…PDI inside an English body, and adds no marks for Latin values', () => {
    const english = parseTemplate('Hi {FirstName}, see you on {Date}');
    expect(mergeTemplate(english, { FirstName: 'محمد', Date: '2026-12-01' }, 'auto')).toEqual({
      ok: true,
      text: `Hi ${RLI}محمد${PDI}, see you on 2026-12-01`,
    });
    const latinOnly = mergeTemplate(english, { FirstName: 'John', Date: '2026-12-01' }, 'auto');
    expect(latinOnly.ok && measureSms(latinOnly.text).encoding).toBe('GSM-7');
  });

  it('isolates a Latin fallback used in an Arabic body like any other value', () => {
    const rtl = parseTemplate('مرحبا {FirstName|friend}');
    expect(mergeTemplate(rtl, {}, 'auto')).toEqual({ ok: true, text: `مرحبا ${LRI}friend${PDI}` });
  });

  it('resolves auto from the literal text only, not from the recipient data', () => {
    const neutral = parseTemplate('{FirstName}: {Date}');
    expect(mergeTemplate(neutral, { FirstName: 'محمد', Date: '2026-12-01' }, 'auto')).toEqual({
      ok: true,
      text: `${RLI}محمد${PDI}: 2026-12-01`,
    });
  });

  it('honours an explicit rtl direction on a body without strong characters', () => {
    expect(mergeTemplate(parseTemplate('{Code} ✔'), { Code: 'AB12' }, 'rtl')).toEqual({
      ok: true,
      text: `${LRI}AB12${PDI} ✔`,
    });
  });
});

describe('missingFields lists variables the contact list cannot supply', () => {
  const template = parseTemplate('Hi {FirstName|there}, {Date} at {Branch}');

  it('returns nothing when every variable has a column', () => {
    expect(missingFields(template, ['FirstName', 'Date', 'Branch', 'Phone'])).toEqual([]);
  });

  it('matches columns case-insensitively', () => {
    expect(missingFields(template, ['firstname', 'DATE', 'branch'])).toEqual([]);
  });

  it('lists absent variables in template order, including ones with a fallback, so typos are caught', () => {
    expect(missingFields(template, ['Phone', 'Date'])).toEqual(['FirstName', 'Branch']);
  });
});

describe('isBlankBody finds a merged message that would show nothing', () => {
  it('is blank when empty, only whitespace, or only directional marks', () => {
    const merged = mergeTemplate(parseTemplate('{Note|}'), { Note: ' ' }, 'auto');
    expect(merged).toEqual({ ok: true, text: '' });
    expect(isBlankBody('')).toBe(true);
    expect(isBlankBody(' \n\t')).toBe(true);
    expect(isBlankBody(`${LRI}${PDI}\u200f`)).toBe(true);
  });

  it('is not blank with anything visible', () => {
    expect(isBlankBody('.')).toBe(false);
    expect(isBlankBody(`${RLI}مرحبا${PDI}`)).toBe(false);
  });
});
