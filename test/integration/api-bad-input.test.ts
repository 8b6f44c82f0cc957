import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { createTenant, useTestSystem } from '../support/test-system';

const system = useTestSystem();

describe('authentication and tenancy', () => {
  it('refuses a missing or unknown API key with 401', async () => {
    const missing = await system.anonymous.get('/v1/senders');
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatchObject({ code: 'unauthorized' });
    expect((await system.anonymous.as('psms_not-a-real-key').get('/v1/senders')).status).toBe(401);
  });

  it('refuses to create a business unit without the admin token', async () => {
    expect((await system.anonymous.post('/v1/business-units', { name: 'x' })).status).toBe(401);
    expect((await system.anonymous.as('wrong').post('/v1/business-units', { name: 'x' })).status).toBe(401);
  });

  it("answers 404 for another business unit's campaign, list and DNC group, and lists only its own", async () => {
    const owner = await createTenant(system);
    const stranger = await createTenant(system);
    const sender = await createSender(owner);
    const listId = await uploadList(owner, makeRecipients(1));
    const campaignId = await createCampaign(owner, { listId, message: 'hi', senderIds: [sender.id] });
    expect((await stranger.api.get(`/v1/campaigns/${campaignId}`)).status).toBe(404);
    expect((await stranger.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(404);
    expect((await stranger.api.get(`/v1/calling-lists/${listId}`)).status).toBe(404);
    expect((await stranger.api.get('/v1/campaigns')).body).toEqual([]);
    expect((await stranger.api.get('/v1/senders')).body).toEqual([]);
    const theirs = await stranger.api.post('/v1/campaigns', {
      name: 'steal',
      listId,
      message: 'hi',
      senderIds: [sender.id],
    });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.message).toContain('listId');
  });

  it('stores API keys only as a hash', async () => {
    const res = await system.admin.post('/v1/business-units', { name: 'Hash check' });
    const unit = await system.db
      .selectFrom('business_units')
      .selectAll()
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    const key = await system.db
      .selectFrom('api_keys')
      .selectAll()
      .where('business_unit_id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(key.key_hash).not.toContain(res.body.apiKey);
    expect(JSON.stringify([unit, key])).not.toContain(res.body.apiKey);
  });
});

describe('bad input gets a clear error', () => {
  it('answers malformed JSON with 400', async () => {
    const tenant = await createTenant(system);
    const res = await tenant.api.request('POST', '/v1/senders', '{"kind": "long_code",', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
  });

  it('names the invalid field', async () => {
    const tenant = await createTenant(system);
    const res = await tenant.api.post('/v1/senders', { kind: 'pager', address: '+14155550100' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('kind');
  });

  it('rejects and names a CSV row with an unusable phone and keeps the others', async () => {
    const tenant = await createTenant(system);
    const csv = 'FirstName,Phone\nAda,+12125550143\nBob,not-a-phone\nCy,(212) 555-0187\n';
    const res = await tenant.api.uploadCsv('name=Mixed&phoneField=Phone', csv);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(res.body.errors).toEqual([expect.objectContaining({ row: 2, field: 'Phone' })]);
  });

  it('refuses a template variable the list has no field for with 422 at campaign creation', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant);
    const listId = await uploadList(tenant, makeRecipients(2));
    const template = await tenant.api.post('/v1/templates', {
      name: 'T',
      body: 'Hi {FirstName}, your balance is {Balance}',
    });
    const res = await tenant.api.post('/v1/campaigns', {
      name: 'C',
      listId,
      templateId: template.body.id,
      senderIds: [sender.id],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('{Balance}');
    expect((await tenant.api.get('/v1/campaigns')).body).toEqual([]);
  });

  it('allows each campaign action only from the statuses that permit it (409 otherwise)', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant);
    const listId = await uploadList(tenant, makeRecipients(1));
    const campaignId = await createCampaign(tenant, { listId, message: 'hi', senderIds: [sender.id] });
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/resume`)).status).toBe(409);
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/pause`)).status).toBe(409);
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/cancel`)).body).toMatchObject({ status: 'cancelled' });
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(409);
  });
});
