import { DEFAULT_CONFIRMATIONS } from '../../src/replies/confirmations';
import { createSender } from '../support/campaign-fixtures';
import { dncEntry, eventuallyTextsTo, messagedByCampaign, replyAndWait } from '../support/reply-fixtures';
import { createTenant, Tenant, uniquePhone, useTestSystem } from '../support/test-system';

const system = useTestSystem();
let tenant: Tenant;
let sender: { id: string; address: string };
beforeAll(async () => {
  tenant = await createTenant(system);
  sender = await createSender(tenant, 50);
});

describe('opt-out keywords', () => {
  it.each([
    ['STOP', 'keyword:STOP'],
    ['  stop\n', 'keyword:STOP'],
    ['Stop!', 'keyword:STOP'],
    ['STOPALL', 'keyword:STOPALL'],
    ['unsubscribe', 'keyword:UNSUBSCRIBE'],
    ['Cancel', 'keyword:CANCEL'],
    ['end', 'keyword:END'],
    ['QUIT', 'keyword:QUIT'],
    ['opt-out', 'keyword:OPTOUT'],
    ['revoke', 'keyword:REVOKE'],
    ['ARRÊT', 'keyword:ARRET'],
    ['arrêter', 'keyword-fr:ARRÊTER'],
    ['Baja', 'keyword-es:BAJA'],
    ['إيقاف', 'keyword-ar:إيقاف'],
  ])(
    '%j puts the contact on the default DNC group at once, audited with rule %s and the MessageSid',
    async (body, rule) => {
      const contact = uniquePhone();
      const inbound = await replyAndWait(system, { from: contact, to: sender.address, body });
      expect(inbound).toMatchObject({ classification: 'opt_out', rule, outcome: 'opted_out' });
      const entry = await dncEntry(tenant, tenant.defaultDncGroupId, contact);
      expect(entry.onList).toBe(true);
      expect(entry.history).toEqual([
        expect.objectContaining({ action: 'add', source: 'reply', rule, messageSid: inbound.message_sid }),
      ]);
    },
  );

  it('answers an opt-out with the default confirmation from the number the contact wrote to', async () => {
    const contact = uniquePhone();
    await replyAndWait(system, { from: contact, to: sender.address, body: 'STOP' });
    const [confirmation] = await eventuallyTextsTo(system, sender.address, contact, 1);
    expect(confirmation.body).toBe(DEFAULT_CONFIRMATIONS.optOutText);
  });

  it('does not take a keyword inside a longer message as an opt-out', async () => {
    const contact = uniquePhone();
    const inbound = await replyAndWait(system, {
      from: contact,
      to: sender.address,
      body: 'Can I stop by the store tomorrow?',
    });
    expect(inbound).toMatchObject({ classification: 'message', rule: null });
    expect((await dncEntry(tenant, tenant.defaultDncGroupId, contact)).onList).toBe(false);
  });
});

describe('plain-words revocation', () => {
  it.each([
    ['Please stop texting me', 'phrase:stop-messaging'],
    ['please unsubscribe me', 'phrase:unsubscribe'],
    ['Remove me from this list.', 'phrase:remove-me'],
    ["don't text me anymore", 'phrase:dont-message'],
  ])('%j opts the contact out and records the phrase rule %s', async (body, rule) => {
    const contact = uniquePhone();
    const inbound = await replyAndWait(system, { from: contact, to: sender.address, body });
    expect(inbound).toMatchObject({ classification: 'opt_out', rule, outcome: 'opted_out' });
    const entry = await dncEntry(tenant, tenant.defaultDncGroupId, contact);
    expect(entry.onList).toBe(true);
    expect(entry.history[0]).toMatchObject({ source: 'reply', rule });
  });
});

describe('opt-in after opt-out', () => {
  it.each(['START', 'unstop', 'Yes'])(
    '%j after STOP takes the contact off the list and confirms it, keeping both in the audit',
    async (keyword) => {
      const contact = uniquePhone();
      const stop = await replyAndWait(system, { from: contact, to: sender.address, body: 'STOP' });
      const start = await replyAndWait(system, { from: contact, to: sender.address, body: keyword });
      expect(start).toMatchObject({ classification: 'opt_in', outcome: 'opted_in' });
      const entry = await dncEntry(tenant, tenant.defaultDncGroupId, contact);
      expect(entry.onList).toBe(false);
      expect(entry.history).toEqual([
        expect.objectContaining({ action: 'add', messageSid: stop.message_sid }),
        expect.objectContaining({ action: 'remove', source: 'reply', rule: start.rule, messageSid: start.message_sid }),
      ]);
      const texts = await eventuallyTextsTo(system, sender.address, contact, 2);
      expect(texts.map((t) => t.body)).toEqual([DEFAULT_CONFIRMATIONS.optOutText, DEFAULT_CONFIRMATIONS.optInText]);
    },
  );
});

describe('HELP', () => {
  it.each(['HELP', 'info', 'Aide', 'ayuda'])(
    '%j is answered with the help text and changes no DNC list',
    async (body) => {
      const contact = uniquePhone();
      const inbound = await replyAndWait(system, { from: contact, to: sender.address, body });
      expect(inbound).toMatchObject({ classification: 'help', outcome: 'help' });
      const [answer] = await eventuallyTextsTo(system, sender.address, contact, 1);
      expect(answer.body).toBe(DEFAULT_CONFIRMATIONS.helpText);
      expect(await dncEntry(tenant, tenant.defaultDncGroupId, contact)).toEqual({ onList: false, history: [] });
    },
  );
});

describe('confirmation texts', () => {
  it("uses the business unit's own texts, and a sender's override before them", async () => {
    const unit = await createTenant(system);
    const settings = await unit.api.patch('/v1/settings', {
      optOutText: 'Acme: you are out. START to return.',
      helpText: 'Acme help: 555-0100',
    });
    expect(settings.status).toBe(200);
    const plain = await createSender(unit, 50);
    const custom = await createSender(unit, 50);
    expect((await unit.api.patch(`/v1/senders/${custom.id}`, { helpText: 'Acme store line: 555-0199' })).status).toBe(
      200,
    );
    const contact = uniquePhone();

    await replyAndWait(system, { from: contact, to: plain.address, body: 'STOP' });
    await replyAndWait(system, { from: contact, to: plain.address, body: 'HELP' });
    await replyAndWait(system, { from: contact, to: custom.address, body: 'HELP' });
    const fromPlain = await eventuallyTextsTo(system, plain.address, contact, 2);
    expect(fromPlain.map((t) => t.body)).toEqual(['Acme: you are out. START to return.', 'Acme help: 555-0100']);
    const [fromCustom] = await eventuallyTextsTo(system, custom.address, contact, 1);
    expect(fromCustom.body).toBe('Acme store line: 555-0199');
  });
});

describe('toll-free senders', () => {
  it('record the opt-out but get no system confirmation, because the carrier sends its own', async () => {
    const tollFree = await createSender(tenant, 3, 'toll_free', uniquePhone().replace('+1212', '+1888'));
    const contact = uniquePhone();
    const inbound = await replyAndWait(system, { from: contact, to: tollFree.address, body: 'STOP' });
    expect(inbound).toMatchObject({ outcome: 'opted_out', confirmation_message_id: null });
    expect((await dncEntry(tenant, tenant.defaultDncGroupId, contact)).onList).toBe(true);
    // HELP is still answered, so anything the system sent would have arrived before this.
    await replyAndWait(system, { from: contact, to: tollFree.address, body: 'HELP' });
    const texts = await eventuallyTextsTo(system, tollFree.address, contact, 1);
    expect(texts.map((t) => t.body)).toEqual([DEFAULT_CONFIRMATIONS.helpText]);
  });

  it('refuse custom opt-out and opt-in texts with 400', async () => {
    const tollFree = await createSender(tenant, 3, 'toll_free', uniquePhone().replace('+1212', '+1877'));
    const res = await tenant.api.patch(`/v1/senders/${tollFree.id}`, { optOutText: 'Bye!' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/optOutText/);
  });
});

describe('alphanumeric senders', () => {
  it('cannot receive: a message addressed to one is recorded as unowned and changes nothing', async () => {
    const alpha = await tenant.api.post('/v1/senders', { kind: 'alphanumeric', address: 'ACME' });
    expect(alpha.body.canReceive).toBe(false);
    const contact = uniquePhone();
    const inbound = await replyAndWait(system, { from: contact, to: 'ACME', body: 'STOP' });
    expect(inbound).toMatchObject({ business_unit_id: null, outcome: 'unowned' });
    expect((await dncEntry(tenant, tenant.defaultDncGroupId, contact)).onList).toBe(false);
    expect(system.sentMessages().filter((m) => m.to === contact)).toHaveLength(0);
  });
});

describe('which DNC group an opt-out goes to', () => {
  it('is the DNC group of the campaign that last messaged the contact from that number', async () => {
    const group = await tenant.api.post('/v1/dnc-groups', { name: `Reminders ${uniquePhone()}` });
    const { contacts } = await messagedByCampaign(system, tenant, { senderId: sender.id, dncGroupId: group.body.id });
    await replyAndWait(system, { from: contacts[0], to: sender.address, body: 'STOP' });
    expect((await dncEntry(tenant, group.body.id, contacts[0])).onList).toBe(true);
    expect((await dncEntry(tenant, tenant.defaultDncGroupId, contacts[0])).onList).toBe(false);
  });

  it("is the business unit's default group when that campaign names none", async () => {
    const { contacts } = await messagedByCampaign(system, tenant, { senderId: sender.id });
    await replyAndWait(system, { from: contacts[0], to: sender.address, body: 'STOP' });
    expect((await dncEntry(tenant, tenant.defaultDncGroupId, contacts[0])).onList).toBe(true);
  });

  it('ignores a campaign that messaged the contact from another number', async () => {
    const group = await tenant.api.post('/v1/dnc-groups', { name: `Other number ${uniquePhone()}` });
    const other = await createSender(tenant, 50);
    const { contacts } = await messagedByCampaign(system, tenant, { senderId: other.id, dncGroupId: group.body.id });
    await replyAndWait(system, { from: contacts[0], to: sender.address, body: 'STOP' });
    expect((await dncEntry(tenant, tenant.defaultDncGroupId, contacts[0])).onList).toBe(true);
    expect((await dncEntry(tenant, group.body.id, contacts[0])).onList).toBe(false);
  });
});
