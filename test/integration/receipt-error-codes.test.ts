import type { FinalReceipt } from '../../src/simulator/twilio-errors';
import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { createTenant, eventually, Tenant, useTestSystem, waitForCampaignStatus } from '../support/test-system';

const system = useTestSystem({ autoDeliver: true });

/** Runs a one-off campaign over the list to completion and returns its counts once every receipt is in. */
async function runCampaign(tenant: Tenant, listId: string, senderId: string) {
  const campaignId = await createCampaign(tenant, {
    listId,
    message: 'Your parcel is on its way',
    senderIds: [senderId],
  });
  await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
  await waitForCampaignStatus(tenant, campaignId, 'completed');
  const counts = await eventually('every receipt to be applied', async () => {
    const res = await tenant.api.get(`/v1/campaigns/${campaignId}`);
    return res.body.counts.sent === 0 && res.body.counts.pending === 0 ? res.body.counts : undefined;
  });
  return { campaignId, counts };
}

/** Ends every message to these numbers with the given receipt, for the length of `work`. */
async function withReceiptsTo(receipts: Record<string, FinalReceipt>, work: () => Promise<void>) {
  const { receiptErrorsByTo } = system.sim.state.mode;
  for (const [to, receipt] of Object.entries(receipts)) receiptErrorsByTo.set(to, receipt);
  try {
    await work();
  } finally {
    for (const to of Object.keys(receipts)) receiptErrorsByTo.delete(to);
  }
}

describe("receipts' error codes", () => {
  it('are kept on the message and counted by code in the campaign', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 200);
    const listId = await uploadList(tenant, makeRecipients(20));
    system.sim.state.mode.receiptFailures = [{ errorCode: 30007, share: 0.2, status: 'undelivered' }];
    try {
      const { campaignId, counts } = await runCampaign(tenant, listId, sender.id);
      expect(counts.failed).toBeGreaterThanOrEqual(3);
      expect(counts.failed).toBeLessThanOrEqual(5);
      expect(counts).toMatchObject({
        total: 20,
        delivered: 20 - counts.failed,
        failedByCode: { 30007: counts.failed },
      });
      const codes = await system.db
        .selectFrom('messages')
        .select('error_code')
        .where('campaign_id', '=', campaignId)
        .where('state', '=', 'undelivered')
        .execute();
      expect(codes.map((c) => c.error_code)).toEqual(Array(counts.failed).fill('30007'));
    } finally {
      system.sim.state.mode.receiptFailures = [];
    }
  });

  it('end a message whose validity ran out at the carrier (30036) expired', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 200);
    const recipients = makeRecipients(3);
    const listId = await uploadList(tenant, recipients);
    await withReceiptsTo({ [recipients[0].phone]: { status: 'undelivered', errorCode: 30036 } }, async () => {
      const { counts } = await runCampaign(tenant, listId, sender.id);
      expect(counts).toMatchObject({ total: 3, delivered: 2, expired: 1, failed: 0, failedByCode: {} });
    });
  });

  it("skip a number the carrier called a landline (30006) in the business unit's next campaigns", async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 200);
    const recipients = makeRecipients(3);
    const landline = recipients[1].phone;
    const listId = await uploadList(tenant, recipients);
    await withReceiptsTo({ [landline]: { status: 'undelivered', errorCode: 30006 } }, async () => {
      const first = await runCampaign(tenant, listId, sender.id);
      expect(first.counts).toMatchObject({ delivered: 2, failed: 1, failedByCode: { 30006: 1 } });

      const next = await runCampaign(tenant, listId, sender.id);
      expect(next.counts).toMatchObject({ total: 3, delivered: 2, failed: 0, skippedInvalid: 1 });
      const skipped = await system.db
        .selectFrom('messages')
        .select(['to_phone', 'error_message'])
        .where('campaign_id', '=', next.campaignId)
        .where('state', '=', 'skipped_invalid')
        .executeTakeFirstOrThrow();
      const today = new Date().toISOString().slice(0, 10);
      expect(skipped).toEqual({
        to_phone: landline,
        error_message: `the number is a landline (carrier error 30006 on ${today})`,
      });
      expect(system.sentMessages().filter((m) => m.to === landline)).toHaveLength(1);
    });

    // Another business unit has heard nothing of it: its campaign texts the number.
    const other = await createTenant(system);
    const otherSender = await createSender(other, 200);
    const otherList = await uploadList(other, [recipients[1]]);
    const { counts } = await runCampaign(other, otherList, otherSender.id);
    expect(counts).toMatchObject({ total: 1, delivered: 1, skippedInvalid: 0 });
  });
});
