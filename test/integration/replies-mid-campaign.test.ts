import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { dncEntry, eventuallyTextsTo, replyAndWait, textsTo } from '../support/reply-fixtures';
import { createTenant, eventually, useTestSystem, waitForCampaignStatus } from '../support/test-system';

const system = useTestSystem();

describe('an opt-out during a running campaign', () => {
  it('a STOP in mid-campaign stops every later message to that contact', async () => {
    const tenant = await createTenant(system);
    // A slow sender and a long list: the contact near the end is still waiting when the STOP arrives.
    const sender = await createSender(tenant, 10);
    const recipients = makeRecipients(60);
    const lateContact = recipients[57].phone;
    const listId = await uploadList(tenant, recipients);
    const campaignId = await createCampaign(tenant, {
      listId,
      message: 'Flu shots are available this week.',
      senderIds: [sender.id],
    });
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);

    await eventually('the campaign to be sending', async () =>
      system.sentMessages().some((m) => m.from === sender.address) ? true : undefined,
    );
    await replyAndWait(system, { from: lateContact, to: sender.address, body: 'STOP' });
    expect((await dncEntry(tenant, tenant.defaultDncGroupId, lateContact)).onList).toBe(true);

    const done = await waitForCampaignStatus(tenant, campaignId, 'completed');
    expect(done.counts).toMatchObject({ total: 60, sent: 59, skippedDnc: 1 });
    // The only text the contact gets after the STOP is its confirmation.
    const texts = await eventuallyTextsTo(system, sender.address, lateContact, 1);
    expect(textsTo(system, sender.address, lateContact)).toEqual([texts[0]]);
    expect(texts[0].body).not.toBe('Flu shots are available this week.');
    for (const other of recipients.filter((r) => r.phone !== lateContact)) {
      expect(textsTo(system, sender.address, other.phone).map((m) => m.body)).toEqual([
        'Flu shots are available this week.',
      ]);
    }
  });
});
