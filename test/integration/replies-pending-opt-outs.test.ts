import { openOrJoinConversation } from '../../src/db/conversations';
import { getInboundMessage } from '../../src/db/inbound-messages';
import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { dncEntry, reply, textsTo } from '../support/reply-fixtures';
import {
  createTenant,
  eventually,
  startTestSystem,
  Tenant,
  TestSystem,
  uniquePhone,
  waitForCampaignStatus,
} from '../support/test-system';

// In a reply storm the conversation workflows apply STOPs tens of seconds after the webhook stored them. Here they
// never do: this system's forwarder hands nothing to Temporal (no room in hand) and holds what it stored far longer
// than the tests run (no other test system's sweep takes it), while the worker keeps running campaigns. Every
// message below is stored and answered 200, and none is ever applied.
const NEVER_APPLIED = { maxInHand: 0, leaseMs: 60 * 60_000 };

describe('a stored STOP blocks the contact before its conversation workflow applies it', () => {
  let system: TestSystem;
  let tenant: Tenant;
  let sender: { id: string; address: string };
  beforeAll(async () => {
    system = await startTestSystem({ forwarder: NEVER_APPLIED });
    tenant = await createTenant(system);
    sender = await createSender(tenant, 50);
  });
  afterAll(async () => {
    await system?.shutdown();
  });

  async function storedReply(from: string, body: string, to = sender.address) {
    const sent = await reply(system, { from, to, body });
    expect(sent.status).toBe(200);
    return sent.sid;
  }

  // A cadence step for the business unit: a skill whose answering-machine step texts the record's mobile.
  async function cadenceEventFor(mobile: string) {
    const template = await tenant.api.post('/v1/templates', {
      name: 'Missed call',
      body: 'We just tried to call you.',
    });
    const skill = await tenant.api.post('/v1/skills', {
      name: 'Outbound sales',
      kind: 'agent',
      replyHandling: true,
      cadence: [{ outcome: 'answering_machine', templateId: template.body.id, senderIds: [sender.id] }],
    });
    const list = await tenant.api.uploadCsv(
      'name=Leads&phoneField=Phone&mobileField=Mobile',
      `Phone,Mobile\n${uniquePhone()},${mobile}`,
    );
    const res = await tenant.api.post('/v1/cadence-events', {
      outcome: 'answering_machine',
      skillId: skill.body.id,
      listId: list.body.id,
      row: 1,
    });
    expect(res.status).toBe(202);
    return res.body as { action: string; reason?: string };
  }

  it('the next chunk of a running campaign skips the contact (skipped_dnc)', async () => {
    // One message a second: the contact at the end is still waiting when the STOP is stored.
    const slow = await createSender(tenant, 1);
    const recipients = makeRecipients(5);
    const lateContact = recipients[4].phone;
    const listId = await uploadList(tenant, recipients);
    const campaignId = await createCampaign(tenant, {
      listId,
      message: 'Flu shots are available this week.',
      senderIds: [slow.id],
    });
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);
    await eventually('the campaign to be sending', async () =>
      textsTo(system, slow.address, recipients[0].phone).length ? true : undefined,
    );

    const sid = await storedReply(lateContact, 'STOP', slow.address);
    const done = await waitForCampaignStatus(tenant, campaignId, 'completed');
    expect(done.counts).toMatchObject({ total: 5, sent: 4, skippedDnc: 1 });
    expect(textsTo(system, slow.address, lateContact)).toEqual([]);
    expect(await getInboundMessage(system.db, sid)).toMatchObject({ keyword_kind: 'opt_out', processed_at: null });
  });

  it('a cadence event for the contact answers none', async () => {
    const mobile = uniquePhone();
    await storedReply(mobile, 'Stop');
    expect(await cadenceEventFor(mobile)).toEqual({
      action: 'none',
      reason: 'the mobile number of row 1 is on a DNC list',
    });
  });

  it("an agent's reply to the contact is refused (409 opted_out)", async () => {
    const contact = uniquePhone();
    const conversation = await openOrJoinConversation(system.db, {
      businessUnitId: tenant.id,
      contact,
      senderId: sender.id,
      campaignId: null,
    });
    await storedReply(contact, 'UNSUBSCRIBE');
    const refused = await tenant.api.post(`/v1/conversations/${conversation.id}/messages`, { body: 'Are you sure?' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('opted_out');
  });

  it('the DNC API shows the entry within 2 s of the webhook answering', async () => {
    const contact = uniquePhone();
    await storedReply(contact, 'STOP');
    const answeredAt = Date.now();
    await eventually(
      'the DNC entry',
      async () => ((await dncEntry(tenant, tenant.defaultDncGroupId, contact)).onList ? true : undefined),
      2000,
    );
    expect(Date.now() - answeredAt).toBeLessThan(2000);
  });

  it('STOP then START leaves the contact sendable and off the list', async () => {
    const mobile = uniquePhone();
    await storedReply(mobile, 'STOP');
    await storedReply(mobile, 'START');
    expect((await dncEntry(tenant, tenant.defaultDncGroupId, mobile)).onList).toBe(false);
    expect(await cadenceEventFor(mobile)).toMatchObject({ action: 'sms' });
  });

  it('START, STOP, START, STOP: the latest one decides', async () => {
    const mobile = uniquePhone();
    for (const body of ['START', 'STOP', 'START', 'STOP']) await storedReply(mobile, body);
    expect((await cadenceEventFor(mobile)).action).toBe('none');
  });

  it('a START alone does not lift an entry that came from elsewhere', async () => {
    const mobile = uniquePhone();
    const path = `/v1/dnc-groups/${tenant.defaultDncGroupId}/entries/${encodeURIComponent(mobile)}`;
    expect((await tenant.api.put(path)).status).toBe(204);
    await storedReply(mobile, 'START');
    expect((await cadenceEventFor(mobile)).action).toBe('none');
    expect((await dncEntry(tenant, tenant.defaultDncGroupId, mobile)).onList).toBe(true);
  });

  it("another business unit's senders may still text the contact", async () => {
    const mobile = uniquePhone();
    const other = await createTenant(system);
    const otherSender = await createSender(other, 50);
    await storedReply(mobile, 'STOP', otherSender.address);
    expect((await cadenceEventFor(mobile)).action).toBe('sms');
  });
});
