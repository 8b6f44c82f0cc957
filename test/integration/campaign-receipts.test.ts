import { randomUUID } from 'node:crypto';
import { applyDeliveryReceipt, insertMessage, recordSendResults } from '../../src/db/messages';
import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { createTenant, eventually, uniquePhone, useTestSystem, waitForCampaignStatus } from '../support/test-system';
import { postWebhook } from '../support/webhooks';

const system = useTestSystem({ autoDeliver: true });

describe('delivery receipts', () => {
  it('move every message to delivered, even receipts that outrun the send bookkeeping, and never move back', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 200);
    const listId = await uploadList(tenant, makeRecipients(20));
    const campaignId = await createCampaign(tenant, {
      listId,
      message: 'Your parcel is on its way',
      senderIds: [sender.id],
    });
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    await waitForCampaignStatus(tenant, campaignId, 'completed');
    const delivered = await eventually('every receipt to be applied', async () => {
      const res = await tenant.api.get(`/v1/campaigns/${campaignId}`);
      return res.body.counts.delivered === 20 ? res.body.counts : undefined;
    });
    expect(delivered).toMatchObject({ total: 20, delivered: 20, sent: 0, pending: 0 });
    // Receipts are kept only until applied: none of these is left behind in the store.
    const sids = system
      .sentMessages()
      .filter((m) => m.from === sender.address)
      .map((m) => m.sid);
    const kept = await system.db
      .selectFrom('delivery_receipts')
      .select('carrier_sid')
      .where('carrier_sid', 'in', sids)
      .execute();
    expect(kept).toEqual([]);

    // A late, contradictory receipt for a delivered message changes nothing; a repeated one neither.
    const [first] = system.sentMessages().filter((m) => m.from === sender.address);
    const late = await fetch(`${system.config.twilioApiUrl}/control/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sid: first.sid, status: 'sent' }),
    });
    expect(late.status).toBeLessThan(300);
    const after = await tenant.api.get(`/v1/campaigns/${campaignId}`);
    expect(after.body.counts).toMatchObject({ delivered: 20, sent: 0 });
  });

  it('refuses an unsigned receipt with 403 and changes nothing', async () => {
    const res = await postWebhook(system, 'status', { MessageSid: 'SM123', MessageStatus: 'failed' });
    expect(res.status).toBe(403);
    const stored = await system.db
      .selectFrom('delivery_receipts')
      .selectAll()
      .where('carrier_sid', '=', 'SM123')
      .execute();
    expect(stored).toEqual([]);
  });
});

describe('a kept receipt', () => {
  async function sendingMessage() {
    const tenant = await createTenant(system);
    return insertMessage(system.db, {
      business_unit_id: tenant.id,
      kind: 'agent_reply',
      campaign_id: null,
      record_id: null,
      conversation_id: null,
      to_phone: uniquePhone(),
      sender_id: null,
      body: 'We are on it',
      state: 'sending',
      idempotency_key: `receipt-${randomUUID()}`,
      carrier_sid: null,
      error_code: null,
      error_message: null,
      sent_at: null,
      skill_id: null,
    });
  }
  const kept = (sid: string) =>
    system.db.selectFrom('delivery_receipts').select('status').where('carrier_sid', '=', sid).execute();
  const stateOf = async (id: string) =>
    (await system.db.selectFrom('messages').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;

  it('waits for a send that has not been recorded yet, is applied when it is, and is then removed', async () => {
    const message = await sendingMessage();
    const sid = `SM${randomUUID().replace(/-/g, '')}`;
    expect(await applyDeliveryReceipt(system.db, sid, 'delivered', null)).toBe(false);
    expect(await kept(sid)).toEqual([{ status: 'delivered' }]);

    await recordSendResults(system.db, [
      { id: message.id, state: 'sent', carrierSid: sid, errorCode: null, errorMessage: null },
    ]);
    expect(await stateOf(message.id)).toBe('delivered');
    expect(await kept(sid)).toEqual([]);
  });

  it('is not kept when the send was recorded first', async () => {
    const message = await sendingMessage();
    const sid = `SM${randomUUID().replace(/-/g, '')}`;
    await recordSendResults(system.db, [
      { id: message.id, state: 'sent', carrierSid: sid, errorCode: null, errorMessage: null },
    ]);
    expect(await applyDeliveryReceipt(system.db, sid, 'undelivered', '30003')).toBe(true);
    expect(await stateOf(message.id)).toBe('undelivered');
    expect(await kept(sid)).toEqual([]);
  });
});
