import { twilioSignature } from '../../src/carrier/webhook-signature';
import { getInboundMessage } from '../../src/db/inbound-messages';
import { createSender } from '../support/campaign-fixtures';
import { dncEntry, eventuallyTextsTo, handled, reply, replyAndWait, textsTo } from '../support/reply-fixtures';
import { createTenant, Tenant, uniquePhone, useTestSystem } from '../support/test-system';
import { postWebhook } from '../support/webhooks';

const system = useTestSystem();
let tenant: Tenant;
let sender: { id: string; address: string };
beforeAll(async () => {
  tenant = await createTenant(system);
  sender = await createSender(tenant, 50);
});

function inboundParams(from: string, body: string, sid: string) {
  return { MessageSid: sid, AccountSid: 'ACtest', From: from, To: sender.address, Body: body };
}

const postInbound = (params: Record<string, string>, signature: string | null) =>
  postWebhook(system, 'inbound', params, signature);

describe('the inbound webhook', () => {
  it.each([
    ['a missing signature', () => null],
    [
      'a signature made with another auth token',
      (p: Record<string, string>) =>
        twilioSignature('not-the-token', `${system.config.publicUrl}/webhooks/twilio/inbound`, p),
    ],
    [
      'a signature over other parameters',
      (p: Record<string, string>) =>
        twilioSignature('test-auth-token', `${system.config.publicUrl}/webhooks/twilio/inbound`, {
          ...p,
          Body: 'HELLO',
        }),
    ],
  ])('refuses %s with 403 and changes nothing', async (_what, sign) => {
    const contact = uniquePhone();
    const params = inboundParams(contact, 'STOP', `SMforged${contact.slice(1)}`);
    const res = await postInbound(params, sign(params));
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.code).toBe('bad_signature');
    expect(await getInboundMessage(system.db, params.MessageSid)).toBeUndefined();
    expect((await dncEntry(tenant, tenant.defaultDncGroupId, contact)).onList).toBe(false);
  });

  it('accepts a correctly signed message and answers with empty TwiML', async () => {
    const contact = uniquePhone();
    const params = inboundParams(contact, 'HELP', `SMsigned${contact.slice(1)}`);
    const res = await postInbound(
      params,
      twilioSignature('test-auth-token', `${system.config.publicUrl}/webhooks/twilio/inbound`, params),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<Response/>');
    expect(await handled(system, params.MessageSid)).toMatchObject({ classification: 'help', from_phone: contact });
  });

  it('keeps a reply whose body holds a NUL (without it), and refuses a NUL in From with 400 naming it', async () => {
    const contact = uniquePhone();
    const sign = (p: Record<string, string>) =>
      twilioSignature('test-auth-token', `${system.config.publicUrl}/webhooks/twilio/inbound`, p);
    const kept = inboundParams(contact, 'ST\u0000OP', `SMnul${contact.slice(1)}`);
    expect((await postInbound(kept, sign(kept))).status).toBe(200);
    expect(await handled(system, kept.MessageSid)).toMatchObject({ body: 'STOP', classification: 'opt_out' });

    const refused = inboundParams(`${contact}\u0000`, 'HELP', `SMnulfrom${contact.slice(1)}`);
    const res = await postInbound(refused, sign(refused));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toMatch(/^From: .*NUL/);
    expect(await getInboundMessage(system.db, refused.MessageSid)).toBeUndefined();
  });

  it('handles a repeated MessageSid once, even when it arrives after a later message', async () => {
    const contact = uniquePhone();
    const stop = await replyAndWait(system, { from: contact, to: sender.address, body: 'STOP' });
    await replyAndWait(system, { from: contact, to: sender.address, body: 'START' });
    // The carrier retries the STOP (same MessageSid): it must not opt the contact out again or answer again.
    const repeat = await reply(system, { from: contact, to: sender.address, body: 'STOP', sid: stop.message_sid });
    expect(repeat.status).toBe(200);
    await replyAndWait(system, { from: contact, to: sender.address, body: 'HELP' });
    const entry = await dncEntry(tenant, tenant.defaultDncGroupId, contact);
    expect(entry.onList).toBe(false);
    expect(entry.history.map((h) => h.action)).toEqual(['add', 'remove']);
    await eventuallyTextsTo(system, sender.address, contact, 3);
    expect(textsTo(system, sender.address, contact)).toHaveLength(3);
  });

  it('handles the same MessageSid sent twice at once only once', async () => {
    const contact = uniquePhone();
    const sid = `SMtwice${contact.slice(1)}`;
    const answers = await Promise.all(
      [1, 2].map(() => reply(system, { from: contact, to: sender.address, body: 'STOP', sid })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await handled(system, sid);
    expect((await dncEntry(tenant, tenant.defaultDncGroupId, contact)).history).toHaveLength(1);
    await eventuallyTextsTo(system, sender.address, contact, 1);
    await replyAndWait(system, { from: contact, to: sender.address, body: 'HELP' });
    await eventuallyTextsTo(system, sender.address, contact, 2);
    expect(textsTo(system, sender.address, contact)).toHaveLength(2);
  });

  it('handles replies posted back to back in the order the contact sent them', async () => {
    const contact = uniquePhone();
    // Each is answered before the next is posted, as a carrier delivers them; none waits for the last to be handled.
    const sids: string[] = [];
    for (const body of ['STOP', 'START', 'STOP', 'START']) {
      const sent = await reply(system, { from: contact, to: sender.address, body });
      expect(sent.status).toBe(200);
      sids.push(sent.sid);
    }
    const records = await Promise.all(sids.map((sid) => handled(system, sid)));
    expect(records.map((r) => r.classification)).toEqual(['opt_out', 'opt_in', 'opt_out', 'opt_in']);
    const entry = await dncEntry(tenant, tenant.defaultDncGroupId, contact);
    expect(entry.onList).toBe(false);
    expect(entry.history.map((h) => h.action)).toEqual(['add', 'remove', 'add', 'remove']);
  });

  it('records a message to a number no business unit owns and answers 200, so the carrier does not retry', async () => {
    const contact = uniquePhone();
    const nobodys = uniquePhone().replace('+1212', '+1646');
    const inbound = await replyAndWait(system, { from: contact, to: nobodys, body: 'STOP' });
    expect(inbound).toMatchObject({ business_unit_id: null, to_address: nobodys, body: 'STOP', outcome: 'unowned' });
    expect(system.sentMessages().filter((m) => m.to === contact)).toHaveLength(0);
  });
});
