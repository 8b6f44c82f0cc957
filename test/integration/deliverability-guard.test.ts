import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { createTenant, eventually, useTestSystem, waitForCampaignStatus } from '../support/test-system';

const system = useTestSystem({ autoDeliver: true });

afterEach(() => {
  system.sim.state.mode.receiptFailures = [];
});

describe('the deliverability guard', () => {
  it('a sender whose receipts are 10% filtered pauses its running campaign with the reason', async () => {
    const tenant = await createTenant(system);
    const settings = await tenant.api.patch('/v1/settings', { deliverabilityWindow: 50 });
    expect(settings.body).toMatchObject({ deliverabilityShare: 0.05, deliverabilityWindow: 50 });
    const sender = await createSender(tenant, 20);
    const recipients = makeRecipients(400);
    const listId = await uploadList(tenant, recipients);
    const campaignId = await createCampaign(tenant, { listId, message: 'Hi {FirstName}', senderIds: [sender.id] });
    system.sim.state.mode.receiptFailures = [{ errorCode: 30007, share: 0.1, status: 'undelivered' }];
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);

    const paused = await waitForCampaignStatus(tenant, campaignId, 'paused', 30_000);
    expect(paused.statusReason).toMatch(/sender \+\d+ .*filtered or unregistered \(error 30007\/30034\)/);
    const filtered = await system.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('campaign_id', '=', campaignId)
      .where('error_code', '=', '30007')
      .executeTakeFirstOrThrow();
    expect(Number(filtered.n)).toBeGreaterThanOrEqual(3);
    // It stopped long before burning the list.
    const sent = () => system.sentMessages().filter((m) => m.from === sender.address).length;
    await new Promise((r) => setTimeout(r, 1500));
    const afterPause = sent();
    expect(afterPause).toBeLessThan(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sent()).toBe(afterPause);
  });

  it('a sender whose filtered receipts stay under the share sends the whole list', async () => {
    const tenant = await createTenant(system);
    await tenant.api.patch('/v1/settings', { deliverabilityWindow: 50 });
    const sender = await createSender(tenant, 50);
    const listId = await uploadList(tenant, makeRecipients(150));
    const campaignId = await createCampaign(tenant, { listId, message: 'Hi {FirstName}', senderIds: [sender.id] });
    system.sim.state.mode.receiptFailures = [{ errorCode: 30007, share: 0.02, status: 'undelivered' }];
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    await waitForCampaignStatus(tenant, campaignId, 'completed', 30_000);
    await eventually('every receipt', async () => {
      const res = await tenant.api.get(`/v1/campaigns/${campaignId}`);
      return res.body.counts.delivered + res.body.counts.failed === 150 ? true : undefined;
    });
  });

  it('PATCH /v1/settings refuses a share outside (0, 1] and a window outside 10..10000', async () => {
    const tenant = await createTenant(system);
    expect((await tenant.api.patch('/v1/settings', { deliverabilityShare: 0 })).status).toBe(400);
    expect((await tenant.api.patch('/v1/settings', { deliverabilityShare: 1.5 })).status).toBe(400);
    expect((await tenant.api.patch('/v1/settings', { deliverabilityWindow: 5 })).status).toBe(400);
    expect((await tenant.api.patch('/v1/settings', { deliverabilityShare: 0.1 })).body.deliverabilityShare).toBe(0.1);
  });
});
