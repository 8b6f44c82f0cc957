import { getCountries } from 'libphonenumber-js/max';
import { isMobileCapable, normalizePhone, timeZonesForNumber } from '../../../src/phones/phone-number';
import { timeZonesForRegion } from '../../../src/phones/region-time-zones';

describe('normalizePhone writes every accepted number in E.164', () => {
  it.each([
    '(212) 555-0123',
    '212-555-0123',
    '212.555.0123',
    '2125550123',
    '1 212 555 0123',
    '+1 (212) 555-0123',
    '+12125550123',
    '  212 555 0123  ',
  ])('reads the US number %j', (raw) => {
    expect(normalizePhone(raw, 'US')).toEqual({ ok: true, e164: '+12125550123', country: 'US' });
  });

  it('reads a UK mobile and a London landline in national form with region GB', () => {
    expect(normalizePhone('07400 123456', 'GB')).toEqual({ ok: true, e164: '+447400123456', country: 'GB' });
    expect(normalizePhone('020 7946 0958', 'GB')).toEqual({ ok: true, e164: '+442079460958', country: 'GB' });
  });

  it('reads an international number whatever the default region', () => {
    expect(normalizePhone('+44 20 7946 0958', 'US')).toEqual({ ok: true, e164: '+442079460958', country: 'GB' });
    expect(normalizePhone('+1 613 555 0199', 'GB')).toEqual({ ok: true, e164: '+16135550199', country: 'CA' });
  });

  it('accepts the region in lower case', () => {
    expect(normalizePhone('2125550123', 'us')).toMatchObject({ ok: true, e164: '+12125550123' });
  });
});

describe('normalizePhone rejects what cannot receive a message, saying why', () => {
  it.each([
    ['', 'phone number is empty'],
    ['   ', 'phone number is empty'],
    ['abc', 'phone number is not a phone number'],
    ['212-555-0123 call after 5', 'phone number is not a phone number'],
    ['1-800-FLOWERS', 'phone number is not a phone number'],
    ['12', 'phone number is too short'],
    ['+999 1234 5678', 'phone number starts with an unknown country calling code'],
    ['212555012', 'phone number is too short'],
    ['+1 555 123 4567', 'phone number is not a valid number in US: no such area code'],
    ['+1 212 123 4567', 'phone number is not a valid number in US: no such area code'],
    ['212-555-0123 ext. 12', 'phone number has an extension'],
  ])('%j', (raw, message) => {
    const result = normalizePhone(raw, 'US');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });

  it('names the calling code rather than the default region for an invalid foreign number', () => {
    expect(normalizePhone('+1 555 123 4567', 'GB')).toEqual({
      ok: false,
      message: 'phone number is not a valid number in calling code +1: no such area code or number range',
    });
  });

  it('does not echo the number in its message (it reaches logs and API responses)', () => {
    const result = normalizePhone('+1 555 123 4567', 'US');
    expect(!result.ok && result.message).not.toMatch(/555/);
  });

  it('rejects a default region that is not an ISO 3166 code', () => {
    expect(normalizePhone('2125550123', 'XX')).toEqual({
      ok: false,
      message: 'region "XX" is not an ISO 3166 alpha-2 code such as US or GB',
    });
  });
});

describe('isMobileCapable tells lines that can take an SMS from those that cannot', () => {
  it.each([
    ['+12125550123', true], // NANP numbers do not say whether they are mobile
    ['+447400123456', true], // UK mobile
    ['+442079460958', false], // UK landline
    ['+18005550199', false], // toll-free service number
    ['not a number', false],
  ])('%s → %s', (e164, capable) => {
    expect(isMobileCapable(e164)).toBe(capable);
  });
});

describe('timeZonesForNumber finds the local clock of a recipient', () => {
  it.each([
    ['+12125550123', ['America/New_York']],
    ['+13125550123', ['America/Chicago']],
    ['+13035550123', ['America/Denver']],
    ['+16025550123', ['America/Phoenix']],
    ['+14155550123', ['America/Los_Angeles']],
    ['+19075550100', ['America/Anchorage']],
    ['+18085550100', ['Pacific/Honolulu']],
    ['+19155550100', ['America/Denver']], // El Paso is in Texas but on mountain time
    ['+16135550199', ['America/Toronto']],
    ['+16045550199', ['America/Vancouver']],
    ['+13065550199', ['America/Regina']],
  ])('narrows %s to its area code', (e164, zones) => {
    expect(timeZonesForNumber(e164)).toEqual(zones);
  });

  it('lists every zone of an area code that straddles a boundary', () => {
    expect(timeZonesForNumber('+18505550100').sort()).toEqual(['America/Chicago', 'America/New_York']);
  });

  it('falls back to every clock of the country when the area code is not in the table', () => {
    const zones = timeZonesForNumber('+12735550100');
    expect(zones).toContain('America/Toronto');
    expect(zones).toContain('America/Vancouver');
  });

  it('gives a single-clock country its one zone, and a multi-clock country all of them', () => {
    expect(timeZonesForNumber('+442079460958')).toEqual(['Europe/London']);
    expect(timeZonesForNumber('+17875550100')).toEqual(['America/Puerto_Rico']);
    expect(timeZonesForNumber('+61293744000')).toContain('Australia/Perth');
    expect(timeZonesForNumber('+61293744000')).toContain('Australia/Sydney');
    expect(timeZonesForNumber('+74951234567')).toHaveLength(11);
  });

  it('knows nothing about non-geographic or unreadable numbers', () => {
    expect(timeZonesForNumber('+80012345678')).toEqual([]);
    expect(timeZonesForNumber('2125550123')).toEqual([]);
  });

  it('returns a fresh list each time, so a caller cannot change the table', () => {
    timeZonesForNumber('+12125550123').push('Europe/Paris');
    expect(timeZonesForNumber('+12125550123')).toEqual(['America/New_York']);
  });

  it('has at least one zone, valid in this Node, for every region and North American area code', () => {
    const areaCodes = Array.from({ length: 800 }, (_, i) => String(200 + i));
    const zones = getCountries().flatMap((region) => {
      const found = timeZonesForRegion(region, '');
      expect([region, found.length > 0]).toEqual([region, true]);
      return found;
    });
    zones.push(...areaCodes.flatMap((npa) => [...timeZonesForRegion('US', npa), ...timeZonesForRegion('CA', npa)]));
    for (const zone of new Set(zones)) {
      expect(() => new Intl.DateTimeFormat('en', { timeZone: zone })).not.toThrow();
    }
  });
});
