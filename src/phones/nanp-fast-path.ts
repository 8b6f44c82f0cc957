// A fast path for the shape almost every North American calling list has: +1 and 10 digits, or 10 digits in a NANP
// region. It gives exactly libphonenumber's verdict for those inputs (same metadata, same rules: pick the NANP region
// by leading digits or number type, then the number is valid when it matches a type there) with each pattern compiled
// once. libphonenumber compiles its patterns on every call, which made phone parsing most of a million-row import.
// test/unit/domain/nanp-fast-path.test.ts compares both on every area code and random numbers, so an upgrade of the
// library that changes its rules or its metadata layout fails there, not in production.
import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js/max';
import metadata from 'libphonenumber-js/metadata.max.json';

/** NanpVerdict is a valid NANP number in E.164 with its region (libphonenumber's country). */
export interface NanpVerdict {
  e164: string;
  country: string | undefined;
}

interface NumberTypeRule {
  pattern: RegExp;
  lengths: readonly number[];
}

// A number type in the metadata: its pattern and, when they differ from the plan's, its possible lengths.
type NumberTypeMetadata = [string, number[]?];

interface NanpPlan {
  region: string;
  leadingDigits: RegExp | null;
  nationalNumber: RegExp;
  /** Fixed line first, then the other types; a type with an empty pattern is left out, as libphonenumber skips it. */
  types: NumberTypeRule[];
}

// Positions in libphonenumber-js's compressed metadata (format version 4) for a country's numbering plan.
const NATIONAL_NUMBER_PATTERN = 2;
const POSSIBLE_LENGTHS = 3;
const LEADING_DIGITS = 10;
const TYPES = 11;

// +1 and 10 digits, or the national forms people type and spreadsheets export: 2125550100, 212-555-0100,
// 212.555.0100, 212 555 0100, (212) 555-0100. A first digit of 0 or 1 is left to the library (national prefixes).
const E164_NANP = /^\+1[2-9]\d{9}$/;
const NATIONAL_NANP = /^(?:[2-9]\d{9}|[2-9]\d{2}([ .-])\d{3}\1\d{4}|\([2-9]\d{2}\) \d{3}-\d{4})$/;

let plans: NanpPlan[] | null = null;

function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

// Built on first use, in the order libphonenumber tries the regions (the main country, US, first).
function nanpPlans(): NanpPlan[] {
  plans ??= metadata.country_calling_codes['1'].map((region) => {
    const plan = (metadata.countries as Record<string, unknown[]>)[region];
    const lengths = plan[POSSIBLE_LENGTHS] as number[];
    const types = ((plan[TYPES] ?? []) as (NumberTypeMetadata | null | undefined)[])
      .filter((type): type is NumberTypeMetadata => !!type && type[0] !== '')
      .map(([pattern, typeLengths]) => ({ pattern: anchored(pattern), lengths: typeLengths ?? lengths }));
    const leadingDigits = plan[LEADING_DIGITS] as string | undefined;
    return {
      region,
      leadingDigits: leadingDigits ? new RegExp(leadingDigits) : null,
      nationalNumber: anchored(plan[NATIONAL_NUMBER_PATTERN] as string),
      types,
    };
  });
  return plans;
}

function hasNumberType(plan: NanpPlan, national: string): boolean {
  if (!plan.nationalNumber.test(national)) return false;
  return plan.types.some((type) => type.lengths.includes(national.length) && type.pattern.test(national));
}

/**
 * validNanpNumber answers for +1 and 10 digits, or a plain or dashed 10-digit number in a NANP region: the E.164 form
 * when libphonenumber would call it valid, null when it would not. undefined means "not this shape": ask the library.
 */
export function validNanpNumber(text: string, region: string): NanpVerdict | null | undefined {
  const international = E164_NANP.test(text);
  if (!international && !(NATIONAL_NANP.test(text) && getCountryCallingCode(region as CountryCode) === '1'))
    return undefined;
  const national = international ? text.slice(2) : text.replace(/\D/g, '');
  const all = nanpPlans();
  const found = all.find((plan) =>
    plan.leadingDigits ? national.search(plan.leadingDigits) === 0 : hasNumberType(plan, national),
  );
  // Without a match libphonenumber judges the number by the main country (international) or the default region.
  const judge = found ?? (international ? all[0] : all.find((plan) => plan.region === region));
  if (!judge || !hasNumberType(judge, national)) return null;
  return { e164: `+1${national}`, country: found?.region ?? (international ? undefined : region) };
}
