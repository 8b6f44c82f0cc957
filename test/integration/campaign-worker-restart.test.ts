import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { createTenant, eventually, useTestSystem, waitForCampaignStatus } from '../support/test-system';

const system = useTestSystem();

describe('durable campaign progress', () => {
  it('a worker stopped in the middle of a campaign and started again finishes it with nothing lost or doubled', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 10);
    const recipients = makeRecipients(40);
    const listId = await uploadList(tenant, recipients);
    const campaignId = await createCampaign(tenant, { listId, message: 'Hello {FirstName}', senderIds: [sender.id] });
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);

    const fromSender = () => system.sentMessages().filter((m) => m.from === sender.address);
    await eventually('a few messages to go out', async () => (fromSender().length >= 5 ? true : undefined));
    await system.stopWorker();
    const sentWhileUp = fromSender().length;
    expect(sentWhileUp).toBeLessThan(recipients.length);
    const paused = await tenant.api.get(`/v1/campaigns/${campaignId}`);
    expect(paused.body.status).toBe('running');

    await system.startWorker();
    const done = await waitForCampaignStatus(tenant, campaignId, 'completed', 90_000);
    expect(done.counts).toMatchObject({ total: 40, sent: 40, pending: 0 });
    const byPhone = new Map<string, number>();
    for (const m of fromSender()) byPhone.set(m.to, (byPhone.get(m.to) ?? 0) + 1);
    expect(byPhone.size).toBe(40);
    expect([...byPhone.values()].every((n) => n === 1)).toBe(true);
  });
});
