export type TextDirection = 'ltr' | 'rtl';
export type DirectionSetting = TextDirection | 'auto';

const LRI = '\u2066';
const RLI = '\u2067';
const FSI = '\u2068';
const PDI = '\u2069';
const LRM = '\u200E';
const RLM = '\u200F';
const ALM = '\u061C';

// JavaScript regexes cannot query Bidi_Class, so strong characters are approximated as letters, split by
// the blocks whose default class is R or AL (Hebrew, Arabic, Syriac, Thaana, N'Ko, ..., Adlam, Arabic
// presentation forms). Arabic-script digits and punctuation are not letters, so they stay weak or neutral.
const RTL_BLOCKS = '\\u0590-\\u08FF\\uFB1D-\\uFDFF\\uFE70-\\uFEFF\\u{10800}-\\u{10FFF}\\u{1E800}-\\u{1EFFF}';
const STRONG_RTL = new RegExp(`[${RLM}${ALM}]|(?=[${RTL_BLOCKS}])\\p{L}`, 'u');
const STRONG_LTR = new RegExp(`${LRM}|(?![${RTL_BLOCKS}])\\p{L}`, 'u');
// Digits that reorder inside right-to-left text (bidi class EN). Arabic-Indic and Hanifi Rohingya digits
// are class AN and already read correctly there, so they do not call for an isolate.
const EUROPEAN_DIGIT = /(?![\u0660-\u0669\u{10D30}-\u{10D39}])\p{Nd}/u;

/** resolveDirection turns 'auto' into the direction of the text's first strong character, defaulting to ltr. */
export function resolveDirection(direction: DirectionSetting, text: string): TextDirection {
  return direction === 'auto' ? (firstStrongDirection(text) ?? 'ltr') : direction;
}

/** isolateForDirection wraps a merged value in LRI/RLI…PDI when it would otherwise reorder its surroundings. */
export function isolateForDirection(value: string, base: TextDirection): string {
  // Opposite-direction letters, or European digits (dates, phone numbers, codes) in rtl text, are what
  // make phones shuffle a value and the punctuation around it; neutral-only values render correctly as is.
  const opposite = base === 'rtl' ? STRONG_LTR : STRONG_RTL;
  const needsIsolate = opposite.test(value) || (base === 'rtl' && EUROPEAN_DIGIT.test(value));
  if (!needsIsolate) return value;
  // Isolate in the value's own direction so a mixed value keeps its internal order.
  const own = firstStrongDirection(value) ?? 'ltr';
  return `${own === 'rtl' ? RLI : LRI}${value}${PDI}`;
}

// Unicode Bidirectional Algorithm rule P2: the first strong character decides, skipping text that is
// already inside an isolate because it cannot influence the paragraph.
function firstStrongDirection(text: string): TextDirection | null {
  let depth = 0;
  for (const c of text) {
    if (c === LRI || c === RLI || c === FSI) depth++;
    else if (c === PDI) depth = Math.max(0, depth - 1);
    else if (depth > 0) continue;
    else if (STRONG_RTL.test(c)) return 'rtl';
    else if (STRONG_LTR.test(c)) return 'ltr';
  }
  return null;
}
