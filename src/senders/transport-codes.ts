import { getCountryCallingCode, isSupportedCountry } from 'libphonenumber-js/max';

/** TransportCodeKind is the kind of address a sender sends from. */
export type TransportCodeKind = 'long_code' | 'short_code' | 'toll_free' | 'alphanumeric';

/** TRANSPORT_CODE_KINDS lists every kind, for request schemas and exhaustive tests. */
export const TRANSPORT_CODE_KINDS: readonly TransportCodeKind[] = [
  'long_code',
  'short_code',
  'toll_free',
  'alphanumeric',
];

/** TransportCodeValidation is a sender address in its stored form, or why it cannot be one. */
export type TransportCodeValidation = { ok: true; address: string } | { ok: false; message: string };

/** ProvisioningLeadTime is how long a kind of code typically takes from order to first message, in calendar days. */
export interface ProvisioningLeadTime {
  minDays: number;
  /** null when there is no dependable upper bound. */
  maxDays: number | null;
}

/** DEFAULT_MPS is each kind's messages-per-second limit when a sender does not set its own. */
export const DEFAULT_MPS: Readonly<Record<TransportCodeKind, number>> = {
  long_code: 5,
  toll_free: 3,
  short_code: 100,
  alphanumeric: 10,
};

/** PROVISIONING_LEAD_TIME is the typical wait before a newly ordered code can send, for planning a campaign start. */
export const PROVISIONING_LEAD_TIME: Readonly<Record<TransportCodeKind, ProvisioningLeadTime>> = {
  // Buying the number is instant; the 10DLC brand and campaign registration takes about a week.
  long_code: { minDays: 5, maxDays: 7 },
  // CSCA lease plus every carrier's approval: 12 weeks is the usual minimum and delays past that are common.
  short_code: { minDays: 84, maxDays: null },
  // Toll-free verification usually completes in 3 to 5 business days; resubmissions restart the clock.
  toll_free: { minDays: 3, maxDays: 5 },
  // No registration in most countries; where a country requires sender ID registration it is the carrier's process.
  alphanumeric: { minDays: 0, maxDays: 0 },
};

// NANP toll-free area codes in service (8XX with a repeated digit, 822 and the rest reserved but not yet opened).
const TOLL_FREE_AREA_CODES = ['800', '833', '844', '855', '866', '877', '888'];
const SHORT_CODE_DIGITS = { min: 5, max: 6 };
// Formatting people write around a North American number; anything else in it is refused.
const NANP_FORMATTING = /[\s().-]/g;
const ALPHANUMERIC_MAX_LENGTH = 11;

/** invalid builds a failed validation. */
function invalid(message: string): TransportCodeValidation {
  return { ok: false, message };
}

/** isNanpRegion says whether numbers written without a country code in this region are North American. */
function isNanpRegion(region: string): boolean {
  return isSupportedCountry(region) && getCountryCallingCode(region) === '1';
}

/** nanpAddress reads a North American number written as +1 and 10 digits, 10 digits, or 1 and 10 digits. */
function nanpAddress(label: string, address: string, defaultRegion: string): TransportCodeValidation {
  const written = address.trim();
  if (written === '') return invalid(`a ${label} is required`);
  const compact = written.replace(NANP_FORMATTING, '');
  const international = compact.startsWith('+');
  const digits = international ? compact.slice(1) : compact;
  if (!/^\d+$/.test(digits)) {
    return invalid(`a ${label} contains only digits (spaces, dashes, dots, parentheses and a leading + are allowed)`);
  }
  // NANP area codes never start with 1, so an 11-digit number that does is the country code and 10 digits.
  const withCountryCode = digits.length === 11 && digits.startsWith('1');
  if (international && !withCountryCode) return invalid(`a ${label} is a North American number: +1 and 10 digits`);
  if (!international && !withCountryCode) {
    if (digits.length !== 10) return invalid(`a ${label} has 10 digits (this one has ${digits.length})`);
    if (!isNanpRegion(defaultRegion.toUpperCase())) {
      return invalid(`a ${label} without +1 is read as a number of ${defaultRegion}; write it as +1 and 10 digits`);
    }
  }
  const national = withCountryCode ? digits.slice(1) : digits;
  // Only the area code's first digit is checked. Whether a range is assigned is the carrier's business, and carrier
  // test numbers and fixtures (+1 500 555 0006, 555 exchanges) live in ranges libphonenumber calls invalid.
  if (!/^[2-9]/.test(national)) return invalid(`a ${label}'s area code starts with a digit from 2 to 9`);
  return { ok: true, address: `+1${national}` };
}

/** longCode validates a 10-digit North American number that is not toll-free. */
function longCode(address: string, defaultRegion: string): TransportCodeValidation {
  const result = nanpAddress('long code', address, defaultRegion);
  if (result.ok && TOLL_FREE_AREA_CODES.includes(result.address.slice(2, 5))) {
    return invalid(`${result.address.slice(2, 5)} is a toll-free area code: add this number as a toll_free sender`);
  }
  return result;
}

/** tollFree validates a North American number in a toll-free area code. */
function tollFree(address: string, defaultRegion: string): TransportCodeValidation {
  const result = nanpAddress('toll-free number', address, defaultRegion);
  if (result.ok && !TOLL_FREE_AREA_CODES.includes(result.address.slice(2, 5))) {
    return invalid(`a toll-free number starts with one of ${TOLL_FREE_AREA_CODES.join(', ')}`);
  }
  return result;
}

/** shortCode validates 5 or 6 digits, written without any formatting. */
function shortCode(address: string): TransportCodeValidation {
  const code = address.trim();
  if (code === '') return invalid('a short code is required');
  if (!/^\d+$/.test(code)) return invalid('a short code contains only digits');
  if (code.length < SHORT_CODE_DIGITS.min || code.length > SHORT_CODE_DIGITS.max)
    return invalid(
      `a short code has ${SHORT_CODE_DIGITS.min} or ${SHORT_CODE_DIGITS.max} digits (this one has ${code.length})`,
    );
  return { ok: true, address: code };
}

/** alphanumericSenderId validates 1 to 11 ASCII letters, digits and spaces with at least one letter. */
function alphanumericSenderId(address: string): TransportCodeValidation {
  const id = address.trim();
  if (id === '') return invalid('an alphanumeric sender ID is required');
  if (id.length > ALPHANUMERIC_MAX_LENGTH) {
    return invalid(
      `an alphanumeric sender ID has at most ${ALPHANUMERIC_MAX_LENGTH} characters (this one has ${id.length})`,
    );
  }
  // Handsets and carriers only display the GSM basic Latin letters and digits in a sender ID.
  if (!/^[A-Za-z0-9 ]+$/.test(id))
    return invalid('an alphanumeric sender ID contains only letters A-Z, digits and spaces');
  // An all-digit ID would be taken for a phone number, and replies to it would go to whoever owns that number.
  if (!/[A-Za-z]/.test(id)) return invalid('an alphanumeric sender ID contains at least one letter');
  return { ok: true, address: id };
}

/** validateTransportCode checks a sender address against its kind and returns its stored form (E.164, digits, text). */
export function validateTransportCode(
  kind: TransportCodeKind,
  address: string,
  defaultRegion = 'US',
): TransportCodeValidation {
  switch (kind) {
    case 'long_code':
      return longCode(address, defaultRegion);
    case 'toll_free':
      return tollFree(address, defaultRegion);
    case 'short_code':
      return shortCode(address);
    case 'alphanumeric':
      return alphanumericSenderId(address);
    default:
      // Reachable from untyped callers (a request body, a database row) even though the type says otherwise.
      return invalid(`unknown transport code kind "${String(kind)}"`);
  }
}

/** canReceiveReplies says whether contacts can answer a sender of this kind (alphanumeric IDs are one-way). */
export function canReceiveReplies(kind: TransportCodeKind): boolean {
  return kind !== 'alphanumeric';
}

/** carrierManagesOptConfirmations says whether the carrier itself answers STOP and START (toll-free, per FCC). */
export function carrierManagesOptConfirmations(kind: TransportCodeKind): boolean {
  return kind === 'toll_free';
}

/** TransportCodeKindProfile is what a person choosing a kind needs to know about it, all taken from the rules above. */
export interface TransportCodeKindProfile {
  kind: TransportCodeKind;
  label: string;
  defaultMps: number;
  canReceive: boolean;
  /** True when the carrier sends its own opt-out and opt-in confirmations, so custom texts are refused. */
  carrierSendsOptConfirmations: boolean;
  /** The address rule validateTransportCode applies, as a sentence. */
  addressRule: string;
  addressExample: string;
}

const KIND_LABELS: Readonly<Record<TransportCodeKind, string>> = {
  long_code: 'Long code',
  short_code: 'Short code',
  toll_free: 'Toll-free',
  alphanumeric: 'Alphanumeric ID',
};

// Kept next to the validators so that a changed rule and its description are one edit.
const ADDRESS_RULES: Readonly<Record<TransportCodeKind, { rule: string; example: string }>> = {
  long_code: {
    rule: 'A North American number: 10 digits, or +1 and 10 digits, outside the toll-free area codes.',
    example: '+15551234567',
  },
  toll_free: {
    rule: `A North American number in area code ${TOLL_FREE_AREA_CODES.join(', ')}: 10 digits, or +1 and 10 digits.`,
    example: '+18005551234',
  },
  short_code: {
    rule: `${SHORT_CODE_DIGITS.min} or ${SHORT_CODE_DIGITS.max} digits, without spaces.`,
    example: '12345',
  },
  alphanumeric: {
    rule: `1 to ${ALPHANUMERIC_MAX_LENGTH} letters A-Z, digits and spaces, with at least one letter.`,
    example: 'ACME',
  },
};

/** transportCodeKindProfiles describes every kind (default rate, replies, confirmations, address rule) for a chooser. */
export function transportCodeKindProfiles(): TransportCodeKindProfile[] {
  return TRANSPORT_CODE_KINDS.map((kind) => ({
    kind,
    label: KIND_LABELS[kind],
    defaultMps: DEFAULT_MPS[kind],
    canReceive: canReceiveReplies(kind),
    carrierSendsOptConfirmations: carrierManagesOptConfirmations(kind),
    addressRule: ADDRESS_RULES[kind].rule,
    addressExample: ADDRESS_RULES[kind].example,
  }));
}
