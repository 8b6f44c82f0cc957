import { isolateForDirection, resolveDirection } from '../../../src/templates';

const LRI = '\u2066';
const RLI = '\u2067';
const PDI = '\u2069';

describe('resolveDirection', () => {
  it('returns an explicit direction unchanged, whatever the text', () => {
    expect(resolveDirection('rtl', 'Hello')).toBe('rtl');
    expect(resolveDirection('ltr', 'مرحبا')).toBe('ltr');
  });

  it('resolves auto to rtl when the first strong character is Arabic or Hebrew', () => {
    expect(resolveDirection('auto', 'مرحبا John')).toBe('rtl');
    expect(resolveDirection('auto', 'שלום John')).toBe('rtl');
  });

  it('resolves auto to ltr when the first strong character is Latin, even with Arabic later', () => {
    expect(resolveDirection('auto', 'Hello مرحبا')).toBe('ltr');
  });

  it('skips digits and punctuation when looking for the first strong character', () => {
    expect(resolveDirection('auto', '2026-12-01: موعدك')).toBe('rtl');
    expect(resolveDirection('auto', '١٢٣ - ok')).toBe('ltr');
  });

  it('skips text inside an isolate, as the Unicode bidi algorithm does', () => {
    expect(resolveDirection('auto', `${LRI}John${PDI} مرحبا`)).toBe('rtl');
  });

  it('defaults auto to ltr when there is no strong character', () => {
    expect(resolveDirection('auto', '')).toBe('ltr');
    expect(resolveDirection('auto', '12:30 - !')).toBe('ltr');
  });
});

describe('isolateForDirection', () => {
  it('wraps a Latin name in LRI…PDI inside right-to-left text', () => {
    expect(isolateForDirection('John', 'rtl')).toBe(`${LRI}John${PDI}`);
  });

  it('wraps dates, phone numbers, URLs and codes in LRI…PDI inside right-to-left text', () => {
    for (const value of ['2026-12-01', '+966 55 123 4567', 'https://example.com/a?b=1', 'AB-1234']) {
      expect(isolateForDirection(value, 'rtl')).toBe(`${LRI}${value}${PDI}`);
    }
  });

  it('wraps an Arabic value in RLI…PDI inside left-to-right text', () => {
    expect(isolateForDirection('محمد', 'ltr')).toBe(`${RLI}محمد${PDI}`);
  });

  it('isolates a mixed value in the direction of its first strong character', () => {
    expect(isolateForDirection('محمد Smith', 'rtl')).toBe(`${RLI}محمد Smith${PDI}`);
    expect(isolateForDirection('Smith محمد', 'ltr')).toBe(`${LRI}Smith محمد${PDI}`);
  });

  it('leaves values that already match the base direction alone', () => {
    expect(isolateForDirection('John 42', 'ltr')).toBe('John 42');
    expect(isolateForDirection('محمد', 'rtl')).toBe('محمد');
  });

  it('leaves Arabic-Indic digits alone in right-to-left text, where they already read correctly', () => {
    expect(isolateForDirection('١٢/٠٣', 'rtl')).toBe('١٢/٠٣');
  });

  it('leaves neutral-only values alone', () => {
    for (const value of ['', ' ', '-', '!?', '...']) {
      expect(isolateForDirection(value, 'rtl')).toBe(value);
      expect(isolateForDirection(value, 'ltr')).toBe(value);
    }
  });
});
