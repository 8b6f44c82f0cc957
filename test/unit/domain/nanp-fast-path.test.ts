import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import metadata from 'libphonenumber-js/metadata.max.json';
import { validNanpNumber } from '../../../src/phones/nanp-fast-path';

// What libphonenumber itself says, which the fast path must reproduce exactly.
function libraryVerdict(text: string, region: string) {
  try {
    const phone = parsePhoneNumberWithError(text, { defaultCountry: region as never, extract: false });
    return phone.isValid() && !phone.ext ? { e164: phone.number, country: phone.country } : null;
  } catch {
    return null;
  }
}

// A fixed seed keeps a failure reproducible.
function random(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
}

const NANP_REGIONS = metadata.country_calling_codes['1'];
const formats = [
  (n: string) => `+1${n}`,
  (n: string) => n,
  (n: string) => `${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`,
  (n: string) => `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`,
  (n: string) => `${n.slice(0, 3)}.${n.slice(3, 6)}.${n.slice(6)}`,
  (n: string) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
];

describe('the NANP fast path gives exactly libphonenumber’s verdict', () => {
  it('on every area code and exchange class, in E.164 and each national form, in every NANP region', () => {
    const next = random(42);
    const mismatches: string[] = [];
    for (let area = 200; area <= 999; area++) {
      for (const exchange of [next(200), 200 + next(800), 555, 911, 200 + next(800)]) {
        const national = `${area}${String(exchange).padStart(3, '0')}${String(next(10_000)).padStart(4, '0')}`;
        const format = formats[next(formats.length)];
        const region = NANP_REGIONS[next(NANP_REGIONS.length)];
        const text = format(national);
        const fast = validNanpNumber(text, region);
        if (fast === undefined) continue;
        const expected = libraryVerdict(text, region);
        if (JSON.stringify(fast) !== JSON.stringify(expected))
          mismatches.push(`${text} in ${region}: ${JSON.stringify(fast)} vs ${JSON.stringify(expected)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('on a hundred thousand random US-region inputs', () => {
    const next = random(7);
    const mismatches: string[] = [];
    let answered = 0;
    for (let i = 0; i < 100_000; i++) {
      const national = String(2_000_000_000 + next(2 ** 30) * 7).slice(0, 10);
      const text = formats[i % formats.length](national);
      const fast = validNanpNumber(text, 'US');
      if (fast === undefined) continue;
      answered += 1;
      const expected = libraryVerdict(text, 'US');
      if (JSON.stringify(fast) !== JSON.stringify(expected))
        mismatches.push(`${text}: ${JSON.stringify(fast)} vs ${JSON.stringify(expected)}`);
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(answered).toBeGreaterThan(90_000);
  });

  it('leaves other shapes and regions to the library', () => {
    expect(validNanpNumber('2125550123', 'GB')).toBeUndefined();
    expect(validNanpNumber('+442079460958', 'US')).toBeUndefined();
    expect(validNanpNumber('1 212 555 0123', 'US')).toBeUndefined();
    expect(validNanpNumber('(212 555-0123', 'US')).toBeUndefined();
    expect(validNanpNumber('+11235550123', 'US')).toBeUndefined();
    expect(validNanpNumber('212-555.0123', 'US')).toBeUndefined();
  });

  it('names the NANP region of a number, as the library does', () => {
    expect(validNanpNumber('+16135550199', 'US')).toEqual({ e164: '+16135550199', country: 'CA' });
    expect(validNanpNumber('+18765551234', 'US')).toEqual(libraryVerdict('+18765551234', 'US'));
    expect(validNanpNumber('2125550123', 'CA')).toEqual({ e164: '+12125550123', country: 'US' });
  });
});
