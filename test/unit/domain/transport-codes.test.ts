import {
  canReceiveReplies,
  carrierManagesOptConfirmations,
  DEFAULT_MPS,
  PROVISIONING_LEAD_TIME,
  TRANSPORT_CODE_KINDS,
  transportCodeKindProfiles,
  validateTransportCode,
  type TransportCodeKind,
} from '../../../src/senders/transport-codes';

/** rejection is what validateTransportCode says about an address it refuses. */
function rejection(kind: TransportCodeKind, address: string, region?: string): string {
  const result = validateTransportCode(kind, address, region);
  if (result.ok) throw new Error(`expected ${kind} ${JSON.stringify(address)} to be refused, got ${result.address}`);
  return result.message;
}

describe('validateTransportCode accepts a long code as a 10-digit North American number', () => {
  it.each(['+12125550123', '2125550123', '(212) 555-0123', '212.555.0123', '+1 212-555-0123', '1 (212) 555 0123'])(
    '%j is stored as +12125550123',
    (address) => {
      expect(validateTransportCode('long_code', address)).toEqual({ ok: true, address: '+12125550123' });
    },
  );

  it('reads a Canadian business unit’s national number the same way', () => {
    expect(validateTransportCode('long_code', '613-555-0199', 'CA')).toEqual({ ok: true, address: '+16135550199' });
  });
});

describe('validateTransportCode refuses every malformed long code', () => {
  it.each([
    ['212555012', 'has 10 digits (this one has 9)'],
    ['21255501234', 'has 10 digits (this one has 11)'],
    ['+4420794609', '+1 and 10 digits'],
    ['+1 212 555 01234', '+1 and 10 digits'],
    ['212-555-CALL', 'contains only digits'],
    ['212_555_0123', 'contains only digits'],
    ['212+5550123', 'contains only digits'],
    ['1125550123', 'area code starts with a digit from 2 to 9'],
    ['0125550123', 'area code starts with a digit from 2 to 9'],
    ['', 'a long code is required'],
  ])('%j: %s', (address, message) => {
    expect(rejection('long_code', address)).toContain(message);
  });

  it.each(['800', '833', '844', '855', '866', '877', '888'])(
    'refuses the toll-free prefix %s as a long code',
    (npa) => {
      expect(rejection('long_code', `+1${npa}5550123`)).toBe(
        `${npa} is a toll-free area code: add this number as a toll_free sender`,
      );
    },
  );

  it('refuses 10 digits without +1 when the business unit is outside North America', () => {
    expect(rejection('long_code', '2125550123', 'GB')).toContain('write it as +1 and 10 digits');
    expect(validateTransportCode('long_code', '+12125550123', 'GB')).toEqual({ ok: true, address: '+12125550123' });
  });
});

describe('validateTransportCode accepts toll-free numbers only in toll-free area codes', () => {
  it.each(['800', '833', '844', '855', '866', '877', '888'])('accepts %s', (npa) => {
    expect(validateTransportCode('toll_free', `1-${npa}-555-0199`)).toEqual({ ok: true, address: `+1${npa}5550199` });
  });

  it.each([
    ['+12125550123', 'a toll-free number starts with one of 800, 833, 844, 855, 866, 877, 888'],
    ['+18225550123', 'a toll-free number starts with one of'], // reserved, not in service
    ['1-800-FLOWERS', 'contains only digits'],
    ['800555019', 'has 10 digits (this one has 9)'],
  ])('refuses %j', (address, message) => {
    expect(rejection('toll_free', address)).toContain(message);
  });
});

describe('validateTransportCode accepts short codes of 5 or 6 digits only', () => {
  it.each(['12345', '123456', ' 87654 '])('accepts %j', (address) => {
    expect(validateTransportCode('short_code', address)).toEqual({ ok: true, address: address.trim() });
  });

  it.each([
    ['1234', 'a short code has 5 or 6 digits (this one has 4)'],
    ['1234567', 'a short code has 5 or 6 digits (this one has 7)'],
    ['12A45', 'a short code contains only digits'],
    ['12-345', 'a short code contains only digits'],
    ['123 45', 'a short code contains only digits'],
    ['', 'a short code is required'],
  ])('refuses %j', (address, message) => {
    expect(rejection('short_code', address)).toBe(message);
  });
});

describe('validateTransportCode accepts alphanumeric sender IDs of 1 to 11 letters, digits and spaces', () => {
  it.each([
    ['ACME', 'ACME'],
    ['A', 'A'],
    ['Acme Bank 1', 'Acme Bank 1'],
    ['  ACME  ', 'ACME'],
    ['24x7 Help', '24x7 Help'],
  ])('accepts %j as %j', (address, stored) => {
    expect(validateTransportCode('alphanumeric', address)).toEqual({ ok: true, address: stored });
  });

  it.each([
    ['ACME BANK 12', 'an alphanumeric sender ID has at most 11 characters (this one has 12)'],
    ['12345678', 'an alphanumeric sender ID contains at least one letter'],
    ['123 456', 'an alphanumeric sender ID contains at least one letter'],
    ['ACME!', 'an alphanumeric sender ID contains only letters A-Z, digits and spaces'],
    ['Acme-Bank', 'an alphanumeric sender ID contains only letters A-Z, digits and spaces'],
    ['Café', 'an alphanumeric sender ID contains only letters A-Z, digits and spaces'],
    ['   ', 'an alphanumeric sender ID is required'],
  ])('refuses %j', (address, message) => {
    expect(rejection('alphanumeric', address)).toBe(message);
  });
});

describe('validateTransportCode refuses an unknown kind from an untyped caller', () => {
  it('names the kind', () => {
    expect(rejection('mms_code' as TransportCodeKind, '12345')).toBe('unknown transport code kind "mms_code"');
  });
});

describe('transport code kinds carry their rate, reply and provisioning rules', () => {
  it('defaults each kind to its documented messages per second', () => {
    expect(DEFAULT_MPS).toEqual({ long_code: 5, toll_free: 3, short_code: 100, alphanumeric: 10 });
  });

  it('lets contacts reply to every kind except alphanumeric sender IDs', () => {
    expect(TRANSPORT_CODE_KINDS.filter(canReceiveReplies)).toEqual(['long_code', 'short_code', 'toll_free']);
  });

  it('leaves STOP and START confirmations to the carrier on toll-free numbers only', () => {
    expect(TRANSPORT_CODE_KINDS.filter(carrierManagesOptConfirmations)).toEqual(['toll_free']);
  });

  it('expects 5–7 days for a long code, 12+ weeks for a short code and nothing for an alphanumeric ID', () => {
    expect(PROVISIONING_LEAD_TIME.long_code).toEqual({ minDays: 5, maxDays: 7 });
    expect(PROVISIONING_LEAD_TIME.short_code).toEqual({ minDays: 84, maxDays: null });
    expect(PROVISIONING_LEAD_TIME.alphanumeric).toEqual({ minDays: 0, maxDays: 0 });
    for (const kind of TRANSPORT_CODE_KINDS) {
      const { minDays, maxDays } = PROVISIONING_LEAD_TIME[kind];
      expect(maxDays === null || maxDays >= minDays).toBe(true);
    }
  });
});

describe("each kind's profile (what the console offers) is read from the rules themselves", () => {
  it('gives every kind with its default rate, replies and confirmations, and an example its own validator accepts', () => {
    const profiles = transportCodeKindProfiles();
    expect(profiles.map((p) => p.kind)).toEqual(TRANSPORT_CODE_KINDS);
    for (const profile of profiles) {
      expect(profile).toMatchObject({
        defaultMps: DEFAULT_MPS[profile.kind],
        canReceive: canReceiveReplies(profile.kind),
        carrierSendsOptConfirmations: carrierManagesOptConfirmations(profile.kind),
      });
      expect(validateTransportCode(profile.kind, profile.addressExample)).toMatchObject({ ok: true });
      expect(profile.label).not.toBe('');
      expect(profile.addressRule).toMatch(/\.$/);
    }
  });

  it('names the toll-free area codes and the alphanumeric length limit in the address rules', () => {
    const rule = (kind: TransportCodeKind) => transportCodeKindProfiles().find((p) => p.kind === kind)!.addressRule;
    expect(rule('toll_free')).toContain('800, 833, 844, 855, 866, 877, 888');
    expect(rule('short_code')).toContain('5 or 6 digits');
    expect(rule('alphanumeric')).toContain('1 to 11 letters');
  });
});
