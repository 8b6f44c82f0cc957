import { MAX_TEMPLATE_SEGMENTS, measureSms, smartEncode } from '../../../src/templates';

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

describe('measureSms picks the encoding a carrier would use', () => {
  it('keeps every character of the 3GPP 23.038 default alphabet in GSM-7 at one septet each', () => {
    expect(Array.from(GSM_BASIC)).toHaveLength(127); // 128 codes minus the escape
    expect(measureSms(GSM_BASIC)).toEqual({ encoding: 'GSM-7', segments: 1, characters: 127, units: 127 });
  });

  it('uses the real Greek capitals of the alphabet, not Latin look-alikes', () => {
    expect(measureSms('ΔΦΓΛΩΠΨΣΘΞ').encoding).toBe('GSM-7');
    expect(measureSms('\u2126').encoding).toBe('UCS-2'); // OHM SIGN, not GREEK CAPITAL OMEGA
  });

  it('counts each extension-table character (form feed and ^{}\\[~]|€) as two septets', () => {
    expect(measureSms('\f^{}\\[~]|€')).toEqual({ encoding: 'GSM-7', segments: 1, characters: 10, units: 20 });
  });

  it('switches the whole message to UCS-2 for a single emoji (Twilio example)', () => {
    expect(measureSms('Hello world 😀')).toEqual({ encoding: 'UCS-2', segments: 1, characters: 13, units: 14 });
  });

  it('switches to UCS-2 for accented letters outside the alphabet, such as á and lower-case ç', () => {
    expect(measureSms('Mañana').encoding).toBe('GSM-7');
    expect(measureSms('Está').encoding).toBe('UCS-2');
    expect(measureSms('ça').encoding).toBe('UCS-2');
  });

  it('sends Arabic text as UCS-2', () => {
    expect(measureSms('مرحبا جون')).toEqual({ encoding: 'UCS-2', segments: 1, characters: 9, units: 9 });
  });

  it('reports an empty text as zero segments', () => {
    expect(measureSms('')).toEqual({ encoding: 'GSM-7', segments: 0, characters: 0, units: 0 });
  });
});

describe('measureSms counts GSM-7 segments at 160 single and 153 per part', () => {
  it.each([
    [1, 1],
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
    [1530, 10],
    [1531, 11],
  ])('fits %i GSM-7 characters in %i segment(s)', (length, segments) => {
    expect(measureSms('a'.repeat(length))).toMatchObject({ encoding: 'GSM-7', segments, units: length });
  });

  it('counts € twice, so 80 euro signs fill a single segment and 81 need two', () => {
    expect(measureSms('€'.repeat(80))).toMatchObject({ segments: 1, characters: 80, units: 160 });
    expect(measureSms('€'.repeat(81))).toMatchObject({ segments: 2, characters: 81, units: 162 });
  });

  it('never splits an escape pair across parts, so a part may carry only 152 septets', () => {
    // 306 septets would fit two parts of 153, but the € at septets 153-154 moves to the second part.
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(152);
    expect(measureSms(text)).toMatchObject({ encoding: 'GSM-7', units: 306, segments: 3 });
  });
});

describe('measureSms counts UCS-2 segments in UTF-16 units at 70 single and 67 per part', () => {
  it.each([
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
  ])('fits %i UCS-2 characters in %i segment(s)', (length, segments) => {
    expect(measureSms('Ж'.repeat(length))).toMatchObject({ encoding: 'UCS-2', segments, units: length });
  });

  it('counts an emoji as two units but one character', () => {
    expect(measureSms('😀'.repeat(35))).toMatchObject({ segments: 1, characters: 35, units: 70 });
    expect(measureSms('😀'.repeat(36))).toMatchObject({ segments: 2, characters: 36, units: 72 });
  });

  it('never splits a surrogate pair across parts, so a part may carry only 66 units', () => {
    // 134 units would fit two parts of 67, but the emoji at units 67-68 moves to the second part.
    const text = 'Ж'.repeat(66) + '😀' + 'Ж'.repeat(66);
    expect(measureSms(text)).toMatchObject({ encoding: 'UCS-2', units: 134, segments: 3 });
  });

  it('counts a lone surrogate as one unit instead of failing', () => {
    expect(measureSms('a\uD83D')).toMatchObject({ encoding: 'UCS-2', characters: 2, units: 2 });
  });
});

describe('MAX_TEMPLATE_SEGMENTS', () => {
  it('allows ten segments', () => {
    expect(MAX_TEMPLATE_SEGMENTS).toBe(10);
  });
});

describe('smartEncode replaces typographic characters so a message can stay GSM-7', () => {
  it('turns curly quotes, dashes and an ellipsis from a word processor into GSM-7 (Twilio example)', () => {
    const original = '“Hello” — it’s ‘fine’… really – ‚ok‘ „ja“ 5′10″';
    const encoded = smartEncode(original);
    expect(encoded).toBe("\"Hello\" - it's 'fine'... really - 'ok' \"ja\" 5'10\"");
    expect(measureSms(original).encoding).toBe('UCS-2');
    expect(measureSms(encoded).encoding).toBe('GSM-7');
  });

  it('turns non-breaking and other odd spaces into plain spaces and drops invisible characters', () => {
    expect(smartEncode('10\u00A0AM\u2009today\u202F!\u200B\u00AD\uFEFF')).toBe('10 AM today !');
  });

  it('turns bullets and the non-breaking hyphen into hyphens', () => {
    expect(smartEncode('\u2022 item\n\u2011 other')).toBe('- item\n- other');
  });

  it('leaves text that is already GSM-7 unchanged', () => {
    expect(smartEncode('Hi {there} €5 ~ok~')).toBe('Hi {there} €5 ~ok~');
  });

  it('leaves the text alone when something else keeps it UCS-2, because replacements would only add units', () => {
    expect(smartEncode('موعدك غداً…')).toBe('موعدك غداً…');
  });

  it('keeps zero-width joiners that hold an emoji sequence together', () => {
    const family = 'Family: \u{1F468}\u200D\u{1F469}\u200D\u{1F467} “welcome”';
    expect(smartEncode(family)).toBe(family);
  });
});
