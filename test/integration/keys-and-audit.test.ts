import { parse } from 'csv-parse/sync';
import { openApiDocument } from '../../src/api/openapi/openapi-routes';
import { startApiProcess, ApiProcess } from '../support/api-process';
import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { messagedByCampaign, replyAndWait } from '../support/reply-fixtures';
import { createTenant, eventually, Tenant, uniquePhone, useTestSystem } from '../support/test-system';

const system = useTestSystem({ autoDeliver: true });

async function newKey(tenant: Tenant, body: Record<string, unknown>) {
  const res = await tenant.api.post('/v1/api-keys', body);
  expect(res.status).toBe(201);
  return { id: res.body.id as string, secret: res.body.apiKey as string, api: tenant.api.as(res.body.apiKey) };
}

describe('API keys', () => {
  it('keep the business unit\'s first key working as its admin key "default", listed without the key', async () => {
    const tenant = await createTenant(system);
    expect((await tenant.api.get('/v1/senders')).status).toBe(200);
    const keys = await tenant.api.get('/v1/api-keys');
    expect(keys.status).toBe(200);
    expect(keys.body).toEqual([
      expect.objectContaining({ name: 'default', role: 'admin', revokedAt: null, expiresAt: null, agentId: null }),
    ]);
    expect(keys.body[0].lastUsedAt).not.toBeNull();
    expect(JSON.stringify(keys.body)).not.toContain(tenant.api.key!);
  });

  it('shows a new key once, stores only its hash, and never lists it', async () => {
    const tenant = await createTenant(system);
    const res = await tenant.api.post('/v1/api-keys', { name: 'dialer', role: 'admin' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({ name: 'dialer', role: 'admin', apiKey: expect.any(String) }));
    expect((await tenant.api.as(res.body.apiKey).get('/v1/senders')).status).toBe(200);
    const listed = await tenant.api.get('/v1/api-keys');
    expect(listed.body.map((k: any) => k.name)).toEqual(['default', 'dialer']);
    const stored = await system.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify([listed.body, stored])).not.toContain(res.body.apiKey);
  });

  it('refuses an expired key with 401', async () => {
    const tenant = await createTenant(system);
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const key = await newKey(tenant, { name: 'brief', role: 'readonly', expiresAt });
    expect((await key.api.get('/v1/senders')).status).toBe(200);
    await eventually('the key to expire', async () =>
      (await key.api.get('/v1/senders')).status === 401 ? true : undefined,
    );
    expect((await tenant.api.get(`/v1/api-keys/${key.id}`)).body.expiresAt).toBe(expiresAt);
  });

  it('lets a readonly key read and refuses it with 403 on every mutating operation of the OpenAPI document', async () => {
    const tenant = await createTenant(system);
    const readonly = await newKey(tenant, { name: 'auditor', role: 'readonly' });
    expect((await readonly.api.get('/v1/senders')).status).toBe(200);
    expect((await readonly.api.get('/v1/settings')).status).toBe(200);
    expect((await readonly.api.get('/v1/api-keys')).status).toBe(200);
    const someId = '00000000-0000-4000-8000-000000000000';
    const mutating = Object.entries(openApiDocument.paths as Record<string, Record<string, any>>).flatMap(
      ([path, operations]) =>
        Object.entries(operations)
          .filter(([method, op]) => method !== 'get' && op.security?.some((s: object) => 'apiKey' in s))
          .map(([method, op]) => ({
            method: method.toUpperCase(),
            path: path.replace(/\{(\w+)\}/g, (_, name: string) =>
              name === 'phone' ? encodeURIComponent(uniquePhone()) : name === 'action' ? 'start' : someId,
            ),
            csv: !!op.requestBody?.content?.['text/csv'],
          })),
    );
    expect(mutating.length).toBeGreaterThan(15);
    for (const { method, path, csv } of mutating) {
      const res = csv
        ? await readonly.api.request(method, path, 'Phone\n+12125550100\n', 'text/csv')
        : await readonly.api.request(method, path, method === 'DELETE' ? undefined : {});
      expect([method, path, res.status, res.body?.error?.code]).toEqual([method, path, 403, 'forbidden']);
    }
    // Nothing was changed on the way.
    expect((await tenant.api.get('/v1/senders')).body).toEqual([]);
    expect((await tenant.api.get('/v1/api-keys')).body).toHaveLength(2);
  });

  it("is revoked by DELETE at once, and another business unit's key cannot be revoked", async () => {
    const [tenant, other] = [await createTenant(system), await createTenant(system)];
    const key = await newKey(tenant, { name: 'leaked', role: 'admin' });
    expect((await other.api.delete(`/v1/api-keys/${key.id}`)).status).toBe(404);
    const revoked = await tenant.api.delete(`/v1/api-keys/${key.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const refused = await key.api.get('/v1/senders');
    expect(refused.status).toBe(401);
    expect((await tenant.api.get('/v1/senders')).status).toBe(200);
    // Nor can a key revoke itself: the business unit always keeps the key that asked.
    const own = (await tenant.api.get('/v1/api-keys')).body.find((k: any) => k.name === 'default');
    const itself = await tenant.api.delete(`/v1/api-keys/${own.id}`);
    expect([itself.status, itself.body.error.code]).toEqual([409, 'conflict']);
    expect((await tenant.api.get('/v1/senders')).status).toBe(200);
  });

  it("lets the admin token list, add and revoke a business unit's keys", async () => {
    const tenant = await createTenant(system);
    const listed = await system.admin.get(`/v1/business-units/${tenant.id}/api-keys`);
    expect(listed.status).toBe(200);
    expect(listed.body.map((k: any) => k.name)).toEqual(['default']);
    const revoked = await system.admin.delete(`/v1/business-units/${tenant.id}/api-keys/${listed.body[0].id}`);
    expect(revoked.status).toBe(200);
    expect((await tenant.api.get('/v1/senders')).status).toBe(401);
    const rescue = await system.admin.post(`/v1/business-units/${tenant.id}/api-keys`, {
      name: 'rescue',
      role: 'admin',
    });
    expect(rescue.status).toBe(201);
    expect((await tenant.api.as(rescue.body.apiKey).get('/v1/senders')).status).toBe(200);
    expect((await tenant.api.get(`/v1/business-units/${tenant.id}/api-keys`)).status).toBe(401);
  });
});

describe('a second API process', () => {
  let second: ApiProcess;
  beforeAll(async () => {
    second = await startApiProcess(system);
  });
  afterAll(async () => {
    await second?.stop();
  });

  it('refuses a key revoked on the first from its very next request', async () => {
    const tenant = await createTenant(system);
    const key = await newKey(tenant, { name: 'replica', role: 'admin' });
    const onSecond = second.anonymous.as(key.secret);
    expect((await onSecond.get('/v1/senders')).status).toBe(200);
    expect((await tenant.api.delete(`/v1/api-keys/${key.id}`)).status).toBe(200);
    // No cache on either replica: the very next request, not merely one within a second, is refused.
    const refused = await onSecond.get('/v1/senders');
    expect(refused.status).toBe(401);
  });
});

describe('the audit trail', () => {
  it("shows a campaign start with the key's name, the state before and after, and the caller's address", async () => {
    const tenant = await createTenant(system);
    const bot = await newKey(tenant, { name: 'dialer-bot', role: 'admin' });
    const sender = await createSender(tenant, 50);
    const listId = await uploadList(tenant, makeRecipients(2));
    const campaignId = await createCampaign(tenant, { listId, message: 'Hi {FirstName}', senderIds: [sender.id] });
    expect((await bot.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);
    const trail = await tenant.api.get('/v1/audit?resource=campaigns');
    expect(trail.status).toBe(200);
    const start = trail.body.entries.find((e: any) => e.action === 'start');
    expect(start).toEqual(
      expect.objectContaining({
        actor: { kind: 'api_key', keyId: bot.id, keyName: 'dialer-bot' },
        resource: 'campaigns',
        resourceId: campaignId,
        address: expect.stringMatching(/127\.0\.0\.1/),
      }),
    );
    expect(start.before.status).toBe('draft');
    expect(start.after.id).toBe(campaignId);
    const create = trail.body.entries.find((e: any) => e.action === 'create');
    expect(create).toEqual(expect.objectContaining({ resourceId: campaignId, before: null }));
    expect(create.actor.keyName).toBe('default');
  });

  it('records a settings change and a sender change with their state before and after', async () => {
    const tenant = await createTenant(system);
    expect((await tenant.api.patch('/v1/settings', { smsChannel: true })).status).toBe(200);
    const sender = await createSender(tenant, 5);
    expect((await tenant.api.patch(`/v1/senders/${sender.id}`, { mps: 7 })).status).toBe(200);
    const settings = (await tenant.api.get('/v1/audit?resource=settings')).body.entries;
    expect(settings).toHaveLength(1);
    expect([settings[0].resourceId, settings[0].before.sms_channel, settings[0].after.sms_channel]).toEqual([
      tenant.id,
      false,
      true,
    ]);
    const senders = (await tenant.api.get('/v1/audit?resource=senders')).body.entries;
    expect(senders.map((e: any) => [e.action, e.before?.mps ?? null, e.after.mps])).toEqual([
      ['create', null, 5],
      ['update', 5, 7],
    ]);
  });

  it('keeps secrets out: a new key, the admin token and key hashes never appear', async () => {
    const tenant = await createTenant(system);
    const key = await newKey(tenant, { name: 'ci', role: 'readonly' });
    await tenant.api.delete(`/v1/api-keys/${key.id}`);
    const trail = await tenant.api.get('/v1/audit');
    const text = JSON.stringify(trail.body);
    expect(text).not.toContain(key.secret);
    expect(text).not.toContain(tenant.api.key!);
    expect(text).not.toMatch(/key_hash|apiKey|[0-9a-f]{64}/);
    const keyEntries = trail.body.entries.filter((e: any) => e.resource === 'api-keys');
    expect(keyEntries.map((e: any) => e.action)).toEqual(['create', 'remove']);
    expect(keyEntries[1].before.revoked_at).toBeNull();
    expect(keyEntries[1].after.revoked_at).not.toBeNull();
    // The business unit's creation by the operators is its first entry.
    expect(trail.body.entries[0]).toEqual(
      expect.objectContaining({
        resource: 'business-units',
        action: 'create',
        actor: expect.objectContaining({ kind: 'admin_token' }),
      }),
    );
  });

  it('shows the DNC changes a reply made in the same log as the ones made through the API', async () => {
    const tenant = await createTenant(system);
    const { contacts } = await messagedByCampaign(system, tenant);
    const sender = (await tenant.api.get('/v1/senders')).body[0];
    await replyAndWait(system, { from: contacts[0], to: sender.address, body: 'STOP' });
    const byHand = uniquePhone();
    expect(
      (await tenant.api.put(`/v1/dnc-groups/${tenant.defaultDncGroupId}/entries/${encodeURIComponent(byHand)}`)).status,
    ).toBe(204);
    const trail = await eventually('the STOP in the audit trail', async () => {
      const res = await tenant.api.get('/v1/audit?resource=dnc-entries');
      return res.body.entries.length >= 2 ? res.body.entries : undefined;
    });
    expect(trail).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'add',
          actor: expect.objectContaining({ kind: 'reply' }),
          after: expect.objectContaining({ phone: contacts[0] }),
        }),
        expect.objectContaining({
          action: 'add',
          resourceId: `${tenant.defaultDncGroupId}/${byHand}`,
          actor: expect.objectContaining({ kind: 'api_key', keyName: 'default' }),
        }),
      ]),
    );
    expect(trail.filter((e: any) => e.resourceId === `${tenant.defaultDncGroupId}/${byHand}`)).toHaveLength(1);
  });

  it('streams the range as CSV on Accept: text/csv, and from/to bound it', async () => {
    const tenant = await createTenant(system);
    for (let i = 0; i < 3; i++) await tenant.api.post('/v1/templates', { name: `t${i}`, body: 'Hello {FirstName}' });
    const res = await fetch(`${system.config.publicUrl}/v1/audit?resource=templates`, {
      headers: { authorization: `Bearer ${tenant.api.key}`, accept: 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const records = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(records.map((r) => [r.resource, r.action, r.keyName])).toEqual([
      ['templates', 'create', 'default'],
      ['templates', 'create', 'default'],
      ['templates', 'create', 'default'],
    ]);
    expect(JSON.parse(records[0].after).name).toBe('t0');
    const before = new Date(Date.now() - 3_600_000).toISOString();
    const empty = await tenant.api.get(`/v1/audit?to=${encodeURIComponent(before)}`);
    expect(empty.body).toEqual({ entries: [], truncated: false });
    expect((await tenant.api.get('/v1/audit?from=yesterday')).status).toBe(400);
  });
});
