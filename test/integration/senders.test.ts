import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { createTenant, Tenant, uniquePhone, useTestSystem, waitForCampaignStatus } from '../support/test-system';

const system = useTestSystem();

const DAY_MS = 24 * 60 * 60 * 1000;
let serial = Math.floor(Math.random() * 100_000);
// Numeric addresses are unique across the whole database, and other test files share it.
const uniqueShortCode = () => String(100_000 + (serial++ % 900_000));
const uniqueTollFree = () => `+1888${2_000_000 + Math.floor(Math.random() * 7_999_999)}`;

async function postSender(tenant: Tenant, body: Record<string, unknown>) {
  return tenant.api.post('/v1/senders', body);
}

describe('senders are created per transport code kind with the rates of API.md', () => {
  it('stores a long code in E.164 with 5 messages/second, and it receives replies', async () => {
    const tenant = await createTenant(system);
    const national = uniquePhone().slice(2);
    const res = await postSender(tenant, {
      kind: 'long_code',
      address: `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'long_code',
      address: `+1${national}`,
      mps: 5,
      status: 'active',
      canReceive: true,
    });
  });

  it('stores a short code with 100/s, a toll-free number with 3/s and an alphanumeric ID with 10/s that cannot receive', async () => {
    const tenant = await createTenant(system);
    const shortCode = uniqueShortCode();
    const tollFree = uniqueTollFree();
    expect((await postSender(tenant, { kind: 'short_code', address: shortCode })).body).toMatchObject({
      address: shortCode,
      mps: 100,
      canReceive: true,
    });
    expect((await postSender(tenant, { kind: 'toll_free', address: tollFree.slice(2) })).body).toMatchObject({
      address: tollFree,
      mps: 3,
      canReceive: true,
    });
    expect((await postSender(tenant, { kind: 'alphanumeric', address: 'ACME Bank' })).body).toMatchObject({
      address: 'ACME Bank',
      mps: 10,
      canReceive: false,
    });
    expect((await postSender(tenant, { kind: 'long_code', address: uniquePhone(), mps: 1 })).body).toMatchObject({
      mps: 1,
    });
    expect((await tenant.api.get('/v1/senders')).body).toHaveLength(4);
  });

  it('refuses a number another sender already has with 409', async () => {
    const [first, second] = [await createTenant(system), await createTenant(system)];
    const address = uniquePhone();
    expect((await postSender(first, { kind: 'long_code', address })).status).toBe(201);
    const again = await postSender(second, { kind: 'long_code', address });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('address');
  });
});

describe('every invalid sender address is refused with 400 naming address', () => {
  it.each([
    ['long_code', '415555267', 'has 10 digits'],
    ['long_code', '+44 20 7946 0958', 'North American'],
    ['long_code', '415-555-CALL', 'only digits'],
    ['long_code', '+1 015 555 0100', 'area code'],
    ['long_code', '+1 800 555 0199', 'toll-free area code'],
    ['long_code', '   ', ''],
    ['toll_free', '+1 415 555 2671', 'toll-free number starts with'],
    ['toll_free', '800555019', 'has 10 digits'],
    ['short_code', '1234', '5 or 6 digits'],
    ['short_code', '1234567', '5 or 6 digits'],
    ['short_code', '12-345', 'only digits'],
    ['alphanumeric', 'ACME Bank Ltd', 'at most 11'],
    ['alphanumeric', '1234567', 'at least one letter'],
    ['alphanumeric', 'ACME-Bank!', 'letters A-Z, digits and spaces'],
    ['alphanumeric', 'Café', 'letters A-Z, digits and spaces'],
  ])('%s %j', async (kind, address, reason) => {
    const tenant = await createTenant(system);
    const res = await postSender(tenant, { kind, address });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^address: /);
    expect(res.body.error.message).toContain(reason);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'address' })]);
    expect((await tenant.api.get('/v1/senders')).body).toEqual([]);
  });
});

describe('a sender being provisioned shows its lead time and cannot carry a campaign', () => {
  it.each([
    ['long_code', () => uniquePhone(), 5, 7],
    ['toll_free', uniqueTollFree, 3, 5],
    ['short_code', uniqueShortCode, 84, null],
  ] as const)(
    'a new %s in provisioning is expected ready after its usual lead time',
    async (kind, address, minDays, maxDays) => {
      const tenant = await createTenant(system);
      const before = Date.now();
      const res = await postSender(tenant, { kind, address: address(), status: 'provisioning' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'provisioning', provisioningLeadTime: { minDays, maxDays } });
      const since = Date.parse(res.body.provisioningSince);
      expect(since).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(res.body.expectedReadyAt) - since).toBe(minDays * DAY_MS);
      if (maxDays === null) expect(res.body.expectedReadyBy).toBeNull();
      else expect(Date.parse(res.body.expectedReadyBy) - since).toBe(maxDays * DAY_MS);
    },
  );

  it('an active sender shows its kind’s lead time but no ready date; PATCH moves it in and out of provisioning', async () => {
    const tenant = await createTenant(system);
    const sender = await postSender(tenant, { kind: 'long_code', address: uniquePhone() });
    expect(sender.body).toMatchObject({
      provisioningLeadTime: { minDays: 5, maxDays: 7 },
      expectedReadyAt: null,
      expectedReadyBy: null,
    });
    const provisioning = await tenant.api.patch(`/v1/senders/${sender.body.id}`, { status: 'provisioning' });
    expect(provisioning.body).toMatchObject({ status: 'provisioning', expectedReadyAt: expect.any(String) });
    const active = await tenant.api.patch(`/v1/senders/${sender.body.id}`, { status: 'active' });
    expect(active.body).toMatchObject({ status: 'active', expectedReadyAt: null });
  });

  it.each(['provisioning', 'suspended'])(
    'a campaign cannot start on a %s sender (409) and can once it is active',
    async (status) => {
      const tenant = await createTenant(system);
      const ready = await createSender(tenant, 50);
      const pending = await postSender(tenant, { kind: 'long_code', address: uniquePhone(), mps: 50, status });
      const listId = await uploadList(tenant, makeRecipients(3));
      const campaignId = await createCampaign(tenant, {
        listId,
        message: 'Office closed on Monday',
        senderIds: [ready.id, pending.body.id],
      });
      const refused = await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain(`${pending.body.address} is ${status}`);
      expect((await tenant.api.get(`/v1/campaigns/${campaignId}`)).body.status).toBe('draft');

      await tenant.api.patch(`/v1/senders/${pending.body.id}`, { status: 'active' });
      expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);
      const done = await waitForCampaignStatus(tenant, campaignId, 'completed');
      expect(done.counts).toMatchObject({ total: 3, sent: 3 });
    },
  );
});
