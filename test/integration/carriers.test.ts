import { randomUUID } from 'node:crypto';
import { twilioSignature } from '../../src/carrier/webhook-signature';
import { log } from '../../src/log';
import { postWebhook } from '../support/webhooks';
import { createTenant, Tenant, uniquePhone, useTestSystem } from '../support/test-system';

const system = useTestSystem({ inProcessWorker: false });

// Secrets no answer, log line or database column may show in the clear.
const AUTH_TOKEN = `tok-${randomUUID()}`;
const PASSWORD = 'pw-S3cr!';

const twilio = (name = `Twilio ${randomUUID().slice(0, 6)}`) => ({
  name,
  kind: 'twilio',
  apiUrl: 'http://127.0.0.1:9',
  accountSid: 'AC0123',
  authToken: AUTH_TOKEN,
});
const smpp = (name = `SMSC ${randomUUID().slice(0, 6)}`) => ({
  name,
  kind: 'smpp',
  host: '127.0.0.1',
  port: 2775,
  systemId: 'esme',
  password: PASSWORD,
});

async function addCarrier(tenant: Tenant, body: Record<string, unknown>): Promise<string> {
  const res = await tenant.api.post('/v1/carriers', body);
  expect(res.status).toBe(201);
  return res.body.id;
}

describe('carriers are a resource of the business unit, their secrets write-only', () => {
  const logged: unknown[] = [];
  beforeAll(() => {
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)
      jest.spyOn(log, level).mockImplementation((...args: unknown[]) => void logged.push(args));
  });
  afterAll(() => jest.restoreAllMocks());

  it('answers a Twilio and an SMPP carrier with their settings and defaults, never their secrets, anywhere', async () => {
    const tenant = await createTenant(system);
    const created = await tenant.api.post('/v1/carriers', smpp());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'smpp',
      host: '127.0.0.1',
      port: 2775,
      systemId: 'esme',
      windowSize: 10,
      bindMode: 'transceiver',
      inDoubt: 'resend',
      longMessages: 'udh',
    });
    await addCarrier(tenant, twilio());
    const patched = await tenant.api.patch(`/v1/carriers/${created.body.id}`, { password: 'n3w-pw', windowSize: 1 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ windowSize: 1, host: '127.0.0.1' });
    const listed = await tenant.api.get('/v1/carriers');
    expect(listed.body).toHaveLength(2);
    // A refused request must not echo the secret either.
    const refused = await tenant.api.post('/v1/carriers', { ...smpp(), port: 'x', password: 'abcdefghijk' });
    expect(refused.status).toBe(400);

    const answers = JSON.stringify([created.body, patched.body, listed.body, refused.body]);
    for (const secret of [AUTH_TOKEN, PASSWORD, 'n3w-pw', 'abcdefghijk']) {
      expect(answers).not.toContain(secret);
      expect(JSON.stringify(logged)).not.toContain(secret);
    }
    expect(JSON.stringify([created.body, patched.body, listed.body])).not.toMatch(/authToken|password|secrets/);
    const rows = await system.db
      .selectFrom('carriers')
      .select('secrets')
      .where('business_unit_id', '=', tenant.id)
      .execute();
    expect(rows).toHaveLength(2);
    for (const row of rows)
      for (const secret of [AUTH_TOKEN, PASSWORD, 'n3w-pw']) expect(row.secrets).not.toContain(secret);
  });

  it("keeps another business unit's carrier invisible: 404 to change or delete it, 400 for a sender naming it", async () => {
    const [owner, other] = [await createTenant(system), await createTenant(system)];
    const id = await addCarrier(owner, smpp());
    expect((await other.api.get('/v1/carriers')).body).toEqual([]);
    expect((await other.api.patch(`/v1/carriers/${id}`, { windowSize: 2 })).status).toBe(404);
    expect((await other.api.delete(`/v1/carriers/${id}`)).status).toBe(404);
    const sender = await other.api.post('/v1/senders', { kind: 'long_code', address: uniquePhone(), carrierId: id });
    expect(sender.status).toBe(400);
    expect(sender.body.error.message).toContain('carrierId');
  });

  it('refuses a sender with an unknown carrierId with 400 naming carrierId, and a field of the other kind', async () => {
    const tenant = await createTenant(system);
    const res = await tenant.api.post('/v1/senders', {
      kind: 'long_code',
      address: uniquePhone(),
      carrierId: randomUUID(),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^carrierId/);
    const id = await addCarrier(tenant, twilio());
    // Test systems reach carriers only on this machine (CARRIER_HOSTS_ALLOWED).
    const elsewhere = await tenant.api.post('/v1/carriers', { ...smpp(), host: 'smsc.example.net' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.message).toMatch(/^host: smsc.example.net is not among/);
    const foreign = await tenant.api.patch(`/v1/carriers/${id}`, { host: 'smsc.example' });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message).toMatch(/^host/);
    expect((await tenant.api.patch(`/v1/carriers/${id}`, { kind: 'smpp' })).status).toBe(400);
  });

  it('refuses to delete a carrier with 409 while a sender uses it, and deletes it once none does', async () => {
    const tenant = await createTenant(system);
    const id = await addCarrier(tenant, smpp());
    const sender = await tenant.api.post('/v1/senders', { kind: 'long_code', address: uniquePhone(), carrierId: id });
    expect(sender.status).toBe(201);
    expect(sender.body.carrierId).toBe(id);
    const refused = await tenant.api.delete(`/v1/carriers/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain(sender.body.address);
    expect((await tenant.api.patch(`/v1/senders/${sender.body.id}`, { carrierId: null })).body.carrierId).toBeNull();
    expect((await tenant.api.delete(`/v1/carriers/${id}`)).status).toBe(204);
    expect((await tenant.api.get('/v1/carriers')).body).toEqual([]);
  });

  it('refuses a second carrier of the same name in the business unit with 409', async () => {
    const tenant = await createTenant(system);
    await addCarrier(tenant, twilio('Main'));
    expect((await tenant.api.post('/v1/carriers', smpp('Main'))).status).toBe(409);
  });

  it("takes webhooks signed with a business unit's own Twilio carrier's token, found by their AccountSid", async () => {
    const tenant = await createTenant(system);
    const accountSid = `AC${randomUUID().replace(/-/g, '')}`;
    await addCarrier(tenant, { ...twilio(), accountSid, authToken: 'bu-own-token' });
    const params = { AccountSid: accountSid, MessageSid: `SM${randomUUID().replace(/-/g, '')}`, MessageStatus: 'sent' };
    const url = `${system.config.publicUrl}/webhooks/twilio/status`;
    expect((await postWebhook(system, 'status', params, twilioSignature('bu-own-token', url, params))).status).toBe(
      200,
    );
    expect((await postWebhook(system, 'status', params, twilioSignature('another-token', url, params))).status).toBe(
      403,
    );
    const otherAccount = { ...params, AccountSid: 'ACnobody' };
    const forged = twilioSignature('bu-own-token', url, otherAccount);
    expect((await postWebhook(system, 'status', otherAccount, forged)).status).toBe(403);
  });
});
