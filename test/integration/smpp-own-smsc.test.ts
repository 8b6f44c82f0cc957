// The SMPP adapter against the project's own SMSC (src/simulator/smpp-smsc.ts), for what a third-party simulator
// cannot do on cue: replies from handsets, throttling, generic_nack, an unbind, and a bind dropped mid-window.
import { createSmppCarrier, SmppCarrier } from '../../src/carrier/smpp/smpp-carrier';
import { SMPP_DEFAULTS } from '../../src/carrier/carrier-settings';
import { CarrierRefusalUnknown } from '../../src/carrier/carrier';
import { Smsc, startSmsc } from '../../src/simulator/smpp-smsc';
import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { agentDesk, dncEntry, messagedByCampaign } from '../support/reply-fixtures';
import {
  createTenant,
  eventually,
  Tenant,
  uniquePhone,
  useTestSystem,
  waitForCampaignStatus,
} from '../support/test-system';

const system = useTestSystem();
let smsc: Smsc;
// Each wait is well inside Jest's 120 s per test, so a test that never gets there says where it stopped.
const WAIT_MS = 45_000;

beforeAll(async () => {
  smsc = await startSmsc({ systemId: 'esme', password: 'secret' });
});
afterAll(async () => {
  await smsc?.close();
});

async function smppCarrier(tenant: Tenant, settings: Record<string, unknown> = {}): Promise<string> {
  const res = await tenant.api.post('/v1/carriers', {
    name: `own smsc ${Math.random()}`,
    kind: 'smpp',
    host: '127.0.0.1',
    port: smsc.port,
    systemId: 'esme',
    password: 'secret',
    ...settings,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function useCarrier(tenant: Tenant, senderId: string, carrierId: string) {
  expect((await tenant.api.patch(`/v1/senders/${senderId}`, { carrierId })).status).toBe(200);
}

async function runCampaign(tenant: Tenant, senderId: string, recipients: number, message = 'Hi {FirstName}') {
  const listId = await uploadList(tenant, makeRecipients(recipients));
  const campaignId = await createCampaign(tenant, { listId, message, senderIds: [senderId], validFor: 3600 });
  expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);
  return campaignId;
}

describe('replies over SMPP take the same path as the Twilio webhook', () => {
  it('puts a contact who texts STOP over SMPP on the DNC list, and a question in the agents’ queue', async () => {
    const tenant = await createTenant(system);
    const { skillId, sender } = await agentDesk(tenant);
    await useCarrier(tenant, sender.id, await smppCarrier(tenant));
    const { contacts } = await messagedByCampaign(system, tenant, {
      senderId: sender.id,
      skillId,
      recipients: makeRecipients(2),
    });
    // The contacts' numbers come from the SMSC without '+' (TON 1): stored in E.164.
    await smsc.reply(contacts[0], sender.address, 'When is my appointment?');
    await smsc.reply(contacts[1], sender.address, 'stop');
    const queued = await eventually(
      'the question queued for agents',
      async () => {
        const res = await tenant.api.get('/v1/conversations?status=queued');
        return res.body.length === 1 ? res.body : undefined;
      },
      WAIT_MS,
    );
    expect(queued[0]).toMatchObject({ contact: contacts[0], sender: sender.address });
    await eventually(
      'the STOP on the DNC list',
      async () => ((await dncEntry(tenant, tenant.defaultDncGroupId, contacts[1])).onList ? true : undefined),
      WAIT_MS,
    );
  });
});

describe('an SMPP campaign through an SMSC that misbehaves on cue', () => {
  it('sends every message as submit_sm with its coding, receipt request and validity, receipts applied', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 50);
    await useCarrier(tenant, sender.id, await smppCarrier(tenant, { longMessages: 'message_payload' }));
    const before = smsc.submitted.length;
    const campaignId = await runCampaign(tenant, sender.id, 3, `{FirstName}: ${'long notice '.repeat(20)}`);
    await waitForCampaignStatus(tenant, campaignId, 'completed', WAIT_MS);
    const mine = smsc.submitted.slice(before).filter((s) => s.from === sender.address.slice(1));
    expect(mine).toHaveLength(3);
    for (const sm of mine) {
      expect(sm).toMatchObject({ dataCoding: 0, registeredDelivery: 1, viaPayload: true });
      // validFor 3600: the whole seconds left, as SMPP's relative time.
      const left = (sm.validUntil?.getTime() ?? 0) - Date.now();
      expect(left).toBeGreaterThan(50 * 60_000);
      expect(left).toBeLessThanOrEqual(3600_000);
    }
    await eventually(
      'every receipt applied',
      async () => {
        const { counts } = (await tenant.api.get(`/v1/campaigns/${campaignId}`)).body;
        return counts.delivered === 3 ? counts : undefined;
      },
      WAIT_MS,
    );
  });

  it('completes through ESME_RTHROTTLED, generic_nack and an unbind from the SMSC, each message sent once', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 20);
    await useCarrier(tenant, sender.id, await smppCarrier(tenant));
    smsc.faults.throttleNext = 3;
    smsc.faults.genericNackNext = 1;
    const binds = smsc.binds;
    const campaignId = await runCampaign(tenant, sender.id, 30);
    await eventually(
      'a few sent',
      async () => {
        const { counts } = (await tenant.api.get(`/v1/campaigns/${campaignId}`)).body;
        return counts.sent + counts.delivered >= 5 ? true : undefined;
      },
      WAIT_MS,
    );
    smsc.unbind();
    const done = await waitForCampaignStatus(tenant, campaignId, 'completed', WAIT_MS);
    expect(done.counts).toMatchObject({ total: 30, pending: 0, failed: 0, inDoubt: 0 });
    expect(smsc.faults).toMatchObject({ throttleNext: 0, genericNackNext: 0 });
    expect(smsc.binds).toBeGreaterThan(binds);
    const to = new Set(smsc.submitted.filter((s) => s.from === sender.address.slice(1)).map((s) => s.to));
    expect(to.size).toBe(30);
  });

  it.each([
    ['hold', 2],
    ['resend', 0],
  ])(
    'with inDoubt %s, the submit_sm a dropped bind left unanswered end the campaign in doubt: %i (else resent)',
    async (inDoubt, held) => {
      const tenant = await createTenant(system);
      const sender = await createSender(tenant, 20);
      await useCarrier(tenant, sender.id, await smppCarrier(tenant, { inDoubt }));
      // Bound before the campaign starts, so the first two submit_sm are the campaign's.
      await new Promise((r) => setTimeout(r, 6000));
      smsc.faults.swallowThenDrop = 2;
      const campaignId = await runCampaign(tenant, sender.id, 10);
      const done = await waitForCampaignStatus(tenant, campaignId, 'completed', WAIT_MS);
      expect(done.counts).toMatchObject({ total: 10, inDoubt: held, failed: 0 });
      expect(done.counts.sent + done.counts.delivered).toBe(10 - held);
      const mine = smsc.submitted.filter((s) => s.from === sender.address.slice(1));
      expect(mine).toHaveLength(10 - held);
      expect(mine.length - held + held).toBe(10 - held);
    },
  );
});

describe('the SMPP adapter reports SMSC refusals by their status names', () => {
  let carrier: SmppCarrier | null = null;
  afterEach(async () => {
    await carrier?.close();
    carrier = null;
  });
  const settings = (password: string) => ({
    ...SMPP_DEFAULTS,
    host: '127.0.0.1',
    port: smsc.port,
    systemId: 'esme',
    password,
  });
  const sms = () => ({ to: uniquePhone(), from: '+14155550100', body: 'hi', idempotencyKey: 'k' });

  it('names generic_nack and its status', async () => {
    carrier = createSmppCarrier({
      carrierId: 'c-nack',
      settings: settings('secret'),
      password: 'secret',
      db: system.db,
    });
    smsc.faults.genericNackNext = 1;
    const failure = await carrier.send(sms()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CarrierRefusalUnknown);
    expect((failure as Error).message).toMatch(/generic_nack: ESME_RSYSERR/);
    expect((await carrier.send(sms())).kind).toBe('accepted');
  });

  it('answers a refused bind as the account’s refusal, named ESME_RINVPASWD', async () => {
    carrier = createSmppCarrier({ carrierId: 'c-pw', settings: settings('wrong'), password: 'wrong', db: system.db });
    const outcome = await carrier.send(sms());
    expect(outcome).toMatchObject({ kind: 'sender_refused', message: expect.stringContaining('ESME_RINVPASWD') });
  });
});
