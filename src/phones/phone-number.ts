import {
  getCountryCallingCode,
  isSupportedCountry,
  ParseError,
  parsePhoneNumberFromString,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
  type CountryCode,
  type NumberType,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import { validNanpNumber } from './nanp-fast-path';
import { timeZonesForRegion } from './region-time-zones';

/** NormalizedPhone is a usable number in E.164 with its region, or why the input is not one. */
export type NormalizedPhone = { ok: true; e164: string; country: string | undefined } | { ok: false; message: string };

// Messages never repeat the number itself: they end up in API responses and logs, and the row and column say which.
const PARSE_FAILURES: Readonly<Record<string, string>> = {
  NOT_A_NUMBER: 'is not a phone number: use digits with an optional leading +, spaces, dashes, dots or parentheses',
  INVALID_COUNTRY: 'starts with an unknown country calling code',
  TOO_SHORT: 'is too short to be a phone number',
  TOO_LONG: 'is too long to be a phone number',
  INVALID_LENGTH: 'has a length no number in that country has',
};

// Line types that can take an SMS. VOIP and personal numbers are usually text-enabled; toll-free, premium, shared-cost,
// UAN, voicemail and pager ranges are service numbers, and a plain fixed line drops texts or reads them out as a call.
const SMS_CAPABLE_TYPES: ReadonlySet<NumberType> = new Set<NumberType>([
  'MOBILE',
  'FIXED_LINE_OR_MOBILE',
  'VOIP',
  'PERSONAL_NUMBER',
  // Unknown type (a range without type data, or a number normalizePhone refuses): the carrier decides, not a guess.
  undefined,
]);

/** parseFailure turns a libphonenumber parse or length error code into a message about the field. */
function parseFailure(code: string): NormalizedPhone {
  return { ok: false, message: `phone number ${PARSE_FAILURES[code] ?? 'could not be read'}` };
}

/** invalidNumber explains why a parsed number is not valid: its length, or a range nobody has been assigned. */
function invalidNumber(phone: PhoneNumber, defaultRegion: CountryCode): NormalizedPhone {
  // An invalid number has no region of its own; under the default region's calling code, that region is the best guess.
  const sameCallingCode = phone.countryCallingCode === getCountryCallingCode(defaultRegion);
  const where = phone.country ?? (sameCallingCode ? defaultRegion : `calling code +${phone.countryCallingCode}`);
  const length = validatePhoneNumberLength(phone.number);
  if (length) return parseFailure(length);
  return { ok: false, message: `phone number is not a valid number in ${where}: no such area code or number range` };
}

/** normalizePhone turns a written phone number into E.164, reading numbers without + as numbers of defaultRegion. */
export function normalizePhone(raw: string, defaultRegion: string): NormalizedPhone {
  const text = raw.trim();
  if (text === '') return { ok: false, message: 'phone number is empty' };
  const region = defaultRegion.trim().toUpperCase();
  if (!isSupportedCountry(region)) {
    return { ok: false, message: `region "${defaultRegion}" is not an ISO 3166 alpha-2 code such as US or GB` };
  }
  // Most lists hold +1 and 10 digits; the fast path gives the library's verdict on those without its per-call cost.
  const nanp = validNanpNumber(text, region);
  if (nanp) return { ok: true, ...nanp };
  let phone: PhoneNumber;
  try {
    // extract: false makes the whole field the number, so "555-0100 call after 5" is refused rather than trimmed.
    phone = parsePhoneNumberWithError(text, { defaultCountry: region, extract: false });
  } catch (error) {
    if (error instanceof ParseError) return parseFailure(error.message);
    throw error;
  }
  if (!phone.isValid()) return invalidNumber(phone, region);
  if (phone.ext) return { ok: false, message: 'phone number has an extension, and an extension cannot receive SMS' };
  return { ok: true, e164: phone.number, country: phone.country };
}

/** parseE164 reads a number already in E.164, or undefined when it is not one. */
function parseE164(e164: string): PhoneNumber | undefined {
  return e164.startsWith('+') ? parsePhoneNumberFromString(e164) : undefined;
}

/** isMobileCapable says whether an E.164 number's line type can take SMS (not fixed lines or service numbers). */
export function isMobileCapable(e164: string): boolean {
  const phone = parseE164(e164);
  return phone !== undefined && SMS_CAPABLE_TYPES.has(phone.getType());
}

/** timeZonesForNumber lists the IANA zones an E.164 number may be in (several when the area code does not decide). */
export function timeZonesForNumber(e164: string): string[] {
  const phone = parseE164(e164);
  return phone ? timeZonesForRegion(phone.country, phone.nationalNumber) : [];
}
