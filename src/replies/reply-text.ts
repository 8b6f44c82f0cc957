// Folding of inbound reply text, so that keyword and phrase rules compare meaning rather than keyboard habits.

// Phones insert these invisibly (bidi marks around Arabic, zero-width joiners inside emoji); they never change a word.
const FORMAT_CHARACTERS = /\p{Cf}/gu;
// After NFD these are Latin accents and Arabic harakat and hamza carriers, which people type or omit at will.
const COMBINING_MARKS = /\p{M}/gu;
const ARABIC_TATWEEL = /\u0640/g;
const ARABIC_ALEF_MAKSURA = /\u0649/g;
const ARABIC_TEH_MARBUTA = /\u0629/g;
// Apostrophes vanish rather than split words, so "don't" and "dont" are the same word.
const APOSTROPHES = /['`\u2018\u2019\u02BC]/g;
const NOT_LETTER_DIGIT_OR_SPACE = /[^\p{L}\p{N}\s]/gu;

/** foldReplyText lowercases a reply and removes what differs between keyboards but not between meanings. */
function foldReplyText(body: string): string {
  return (
    body
      // NFKC first: fullwidth letters, ligatures and Arabic presentation forms become ordinary characters.
      .normalize('NFKC')
      .toLowerCase()
      .normalize('NFD')
      .replace(COMBINING_MARKS, '')
      .replace(FORMAT_CHARACTERS, '')
      .replace(ARABIC_TATWEEL, '')
      // The two spellings of final yeh and of teh marbuta are used interchangeably in SMS.
      .replace(ARABIC_ALEF_MAKSURA, '\u064A')
      .replace(ARABIC_TEH_MARBUTA, '\u0647')
      .replace(APOSTROPHES, '')
  );
}

/** collapseSpaces turns every run of whitespace into one space and trims the ends. */
function collapseSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** keywordKey folds a reply for whole-message keyword matching: punctuation is deleted ("opt-out!" → "optout"). */
export function keywordKey(body: string): string {
  return collapseSpaces(foldReplyText(body).replace(NOT_LETTER_DIGIT_OR_SPACE, ''));
}

/** replyWords folds a reply for phrase matching: punctuation becomes a word break ("opt-out" → "opt out"). */
export function replyWords(body: string): string {
  return collapseSpaces(foldReplyText(body).replace(NOT_LETTER_DIGIT_OR_SPACE, ' '));
}
