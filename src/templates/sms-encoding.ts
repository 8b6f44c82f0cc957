export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** What a carrier bills for a text: `units` are septets for GSM-7 and UTF-16 code units for UCS-2. */
export interface SmsMeasurement {
  encoding: SmsEncoding;
  segments: number;
  characters: number;
  units: number;
}

/** MAX_TEMPLATE_SEGMENTS caps a merged message's length; carriers reject or truncate very long concatenations. */
export const MAX_TEMPLATE_SEGMENTS = 10;

// 3GPP TS 23.038 default alphabet, minus 0x1B which is the escape to the extension table, not a character.
const GSM_BASIC = new Set(
  Array.from(
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
      '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ),
);
// Default extension table: each is sent as ESC + code, so it costs two septets.
const GSM_EXTENSION = new Set(Array.from('\f^{}\\[~]|€'));

interface SegmentLimits {
  single: number;
  perPart: number;
}
// A concatenated part loses room to the 6-byte user data header (UDH): 7 septets or 3 UTF-16 units.
const GSM_LIMITS: SegmentLimits = { single: 160, perPart: 153 };
const UCS2_LIMITS: SegmentLimits = { single: 70, perPart: 67 };

/** measureSms counts encoding, segments, characters and units the way carriers bill a message. */
export function measureSms(text: string): SmsMeasurement {
  const { encoding, weights, limits } = classify(text);
  return measure(encoding, weights, limits);
}

/** SmsParts is a text cut where its segments end: what a carrier sends as the parts of a concatenated message. */
export interface SmsParts {
  encoding: SmsEncoding;
  /** One string per segment (a single one when the text fits one); never an escape or surrogate pair split. */
  parts: string[];
}

/** splitSms cuts a text into its segments exactly where measureSms counts them (its part count is `segments`). */
export function splitSms(text: string): SmsParts {
  const codePoints = Array.from(text);
  const { encoding, weights, limits } = classify(text);
  const units = weights.reduce((sum, w) => sum + w, 0);
  if (units <= limits.single) return { encoding, parts: units === 0 ? [] : [text] };
  const parts: string[] = [];
  let current = '';
  let used = 0;
  weights.forEach((w, i) => {
    if (used + w > limits.perPart) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += codePoints[i];
    used += w;
  });
  parts.push(current);
  return { encoding, parts };
}

function classify(text: string): { encoding: SmsEncoding; weights: number[]; limits: SegmentLimits } {
  const codePoints = Array.from(text);
  const septets = gsmSeptets(codePoints);
  if (septets) return { encoding: 'GSM-7', weights: septets, limits: GSM_LIMITS };
  // Astral code points are surrogate pairs: two UTF-16 units that must travel in the same part.
  return { encoding: 'UCS-2', weights: codePoints.map((c) => c.length), limits: UCS2_LIMITS };
}

// Septet cost per code point, or null when any code point forces UCS-2.
function gsmSeptets(codePoints: string[]): number[] | null {
  const costs: number[] = [];
  for (const c of codePoints) {
    if (GSM_BASIC.has(c)) costs.push(1);
    else if (GSM_EXTENSION.has(c)) costs.push(2);
    else return null;
  }
  return costs;
}

// Each weight is one indivisible unit (a character, an escape pair or a surrogate pair), so a part
// closes early rather than split one; greedy filling gives the fewest parts for that constraint.
function measure(encoding: SmsEncoding, weights: number[], limits: SegmentLimits): SmsMeasurement {
  const units = weights.reduce((sum, w) => sum + w, 0);
  const base = { encoding, characters: weights.length, units };
  if (units === 0) return { ...base, segments: 0 };
  if (units <= limits.single) return { ...base, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const w of weights) {
    if (used + w > limits.perPart) {
      segments++;
      used = 0;
    }
    used += w;
  }
  return { ...base, segments };
}

// Typographic characters that word processors and phones insert, mapped to look-alikes in GSM-7.
// Grouped by replacement so each target is written once.
const SMART_REPLACEMENTS: ReadonlyArray<readonly [string, string]> = [
  ['"', '\u00AB\u00BB\u201C\u201D\u201E\u201F\u2033\u2036\u02BA\u02EE\u275D\u275E\u301D\u301E\uFF02'],
  ["'", '\u2018\u2019\u201A\u201B\u2032\u2035\u02B9\u02BB\u02BC\u02BD\u02C8\u02CA\u02CB\u00B4\u0060\u275B\u275C\uFF07'],
  ['-', '\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2022\u2023\u2043\u25E6\uFF0D'],
  [' ', '\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000\t'],
  ['', '\u00AD\u200B\u200C\u200D\u2060\uFEFF'],
  ['...', '\u2026'],
  [',', '\uFF0C'],
  ['<', '\u2039\u02C2\uFF1C'],
  ['>', '\u203A\u02C3\uFF1E'],
  ['/', '\u2044\u2215\uFF0F'],
  ['^', '\u02C4\u02C6'],
  ['~', '\u02DC\uFF5E'],
  ['|', '\u01C0\u2223\u00A6'],
  ['!', '\u01C3\uFF01'],
  ['?', '\uFF1F'],
  [':', '\uFF1A'],
  [';', '\uFF1B'],
  ['_', '\u02CD'],
  ['*', '\u2217'],
  ['\\', '\u2216'],
];
const SMART_MAP = new Map(SMART_REPLACEMENTS.flatMap(([to, from]) => Array.from(from, (c) => [c, to] as const)));

/** smartEncode swaps typographic look-alikes for GSM-7 characters when that lets the whole text stay GSM-7. */
export function smartEncode(text: string): string {
  const replaced = Array.from(text, (c) => SMART_MAP.get(c) ?? c).join('');
  // If something else (emoji, Arabic, ...) forces UCS-2 anyway, substituting only costs units and can
  // break meaning: ZWJ glues emoji sequences together and ZWNJ shapes Persian words.
  return gsmSeptets(Array.from(replaced)) ? replaced : text;
}
