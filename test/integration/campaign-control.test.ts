import { campaignProgressQuery, campaignWorkflowId } from '../../workflows/definitions';
import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { createTenant, eventually, startTestSystem, TestSystem, waitForCampaignStatus } from '../support/test-system';

let system: TestSystem;
beforeAll(async () => {
  // Small batches (of exactly 5, whatever the sender's rate) and runs, so continue-as-new happens on a list of a few dozen.
  system = await startTestSystem({
    env: { CAMPAIGN_BATCH_SIZE: '5', CAMPAIGN_BATCH_SECONDS: '0', CAMPAIGN_BATCHES_PER_RUN: '2' },
  });
});
afterAll(async () => {
  await system?.shutdown();
});

describe('pause, resume and cancel', () => {
  it('a paused campaign sends nothing until resumed, then finishes every recipient once', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 5);
    const listId = await uploadList(tenant, makeRecipients(20));
    const campaignId = await createCampaign(tenant, { listId, message: 'Hi {FirstName}', senderIds: [sender.id] });
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    const sent = () => system.sentMessages().filter((m) => m.from === sender.address).length;
    await eventually('the first messages', async () => (sent() >= 2 ? true : undefined));

    const paused = await tenant.api.post(`/v1/campaigns/${campaignId}/pause`);
    expect(paused.body).toMatchObject({ status: 'paused' });
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/pause`)).status).toBe(409);
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(409);
    await new Promise((r) => setTimeout(r, 1500)); // a chunk already on the wire may finish
    const atPause = sent();
    await new Promise((r) => setTimeout(r, 2000));
    expect(sent()).toBe(atPause);
    expect(atPause).toBeLessThan(20);
    const progress = await system.temporal.workflow
      .getHandle(campaignWorkflowId(campaignId))
      .query(campaignProgressQuery);
    expect(progress.status).toBe('paused');

    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/resume`)).body).toMatchObject({ status: 'running' });
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/resume`)).status).toBe(409);
    const done = await waitForCampaignStatus(tenant, campaignId, 'completed');
    expect(done.counts).toMatchObject({ total: 20, sent: 20, pending: 0 });
    expect(sent()).toBe(20);
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/cancel`)).status).toBe(409);
  });

  it('a cancelled campaign sends nothing more and its workflow ends', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 5);
    const listId = await uploadList(tenant, makeRecipients(30));
    const campaignId = await createCampaign(tenant, { listId, message: 'Hi {FirstName}', senderIds: [sender.id] });
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    const sent = () => system.sentMessages().filter((m) => m.from === sender.address).length;
    await eventually('the first messages', async () => (sent() >= 2 ? true : undefined));
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/cancel`)).body).toMatchObject({ status: 'cancelled' });
    const result = await system.temporal.workflow.getHandle(campaignWorkflowId(campaignId)).result();
    expect(result).toBe('cancelled');
    const atCancel = sent();
    await new Promise((r) => setTimeout(r, 1500));
    expect(sent()).toBe(atCancel);
    expect(atCancel).toBeLessThan(30);
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/resume`)).status).toBe(409);
  });
});

describe('scheduling', () => {
  it('startAt holds the campaign (scheduled) on a durable timer and then sends', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 50);
    const listId = await uploadList(tenant, makeRecipients(3));
    const startAt = new Date(Date.now() + 4000).toISOString();
    const campaignId = await createCampaign(tenant, { listId, message: 'Reminder', senderIds: [sender.id], startAt });
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).body).toMatchObject({ status: 'scheduled' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(system.sentMessages().filter((m) => m.from === sender.address)).toHaveLength(0);
    expect((await tenant.api.get(`/v1/campaigns/${campaignId}`)).body.status).toBe('scheduled');
    await waitForCampaignStatus(tenant, campaignId, 'completed');
    const first = Math.min(
      ...system
        .sentMessages()
        .filter((m) => m.from === sender.address)
        .map((m) => m.receivedAt),
    );
    expect(first).toBeGreaterThanOrEqual(Date.parse(startAt) - 50);
  });
});

describe('bounded history', () => {
  it('continues as new on a long list, every run small, every recipient messaged once', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 500);
    const listId = await uploadList(tenant, makeRecipients(42));
    const campaignId = await createCampaign(tenant, { listId, message: 'Hi {FirstName}', senderIds: [sender.id] });
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    await waitForCampaignStatus(tenant, campaignId, 'completed');
    const runs = [];
    for await (const run of system.temporal.workflow.list({
      query: `WorkflowId = '${campaignWorkflowId(campaignId)}'`,
    }))
      runs.push(run);
    // 42 recipients in batches of 5 is 9 batches; 2 batches a run makes 5 runs.
    expect(runs.length).toBeGreaterThanOrEqual(4);
    for (const run of runs) expect(run.historyLength).toBeLessThan(200);
    const phones = system
      .sentMessages()
      .filter((m) => m.from === sender.address)
      .map((m) => m.to);
    expect(phones).toHaveLength(42);
    expect(new Set(phones).size).toBe(42);
  });
});

describe('sender pools', () => {
  it('spreads a campaign over its senders and keeps each recipient on the same sender in every campaign', async () => {
    const tenant = await createTenant(system);
    const senders = await Promise.all([
      createSender(tenant, 100),
      createSender(tenant, 100),
      createSender(tenant, 100),
    ]);
    const recipients = makeRecipients(30);
    const listId = await uploadList(tenant, recipients);
    const senderIds = senders.map((s) => s.id);
    const first = await createCampaign(tenant, { listId, message: 'One', senderIds });
    const second = await createCampaign(tenant, { listId, message: 'Two', senderIds: [...senderIds].reverse() });
    for (const id of [first, second]) {
      await tenant.api.post(`/v1/campaigns/${id}/start`);
      await waitForCampaignStatus(tenant, id, 'completed');
    }
    const addresses = new Set(senders.map((s) => s.address));
    const mine = system.sentMessages().filter((m) => addresses.has(m.from));
    expect(mine).toHaveLength(60);
    for (const recipient of recipients) {
      const used = mine.filter((m) => m.to === recipient.phone);
      expect(used.map((m) => m.body).sort()).toEqual(['One', 'Two']);
      expect(used[0].from).toBe(used[1].from);
    }
    for (const address of addresses) expect(mine.filter((m) => m.from === address).length).toBeGreaterThan(0);
  });
});
