// The SMPP adapter against an SMSC nobody here wrote: jsmpp's SMPPServerSimulator (scripts/setup.sh fetches it).
import {
  JSMPP_PASSWORD,
  JSMPP_SYSTEM_ID,
  JsmppSimulator,
  startJsmppSimulator,
} from '../../scripts/lib/jsmpp-simulator';
import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { createTenant, eventually, Tenant, useTestSystem, waitForCampaignStatus } from '../support/test-system';

const system = useTestSystem();
let smsc: JsmppSimulator;

beforeAll(async () => {
  smsc = await startJsmppSimulator();
}, 120_000);
afterAll(async () => {
  await smsc?.stop();
});

const WAIT_MS = 180_000;
// Each test waits for a campaign and then for its receipts, each bounded by WAIT_MS: Jest's default 120 s would cut a
// test short on a loaded machine before its own bounds say anything (seen at load 20 on 2 cores).
const TEST_MS = 2 * WAIT_MS + 60_000;

async function smppSender(tenant: Tenant, mps: number, settings: Record<string, unknown> = {}) {
  const carrier = await tenant.api.post('/v1/carriers', {
    name: 'jsmpp',
    kind: 'smpp',
    host: '127.0.0.1',
    port: smsc.port,
    systemId: JSMPP_SYSTEM_ID,
    password: JSMPP_PASSWORD,
    ...settings,
  });
  expect(carrier.status).toBe(201);
  const sender = await createSender(tenant, mps);
  expect((await tenant.api.patch(`/v1/senders/${sender.id}`, { carrierId: carrier.body.id })).status).toBe(200);
  return sender;
}

async function campaignOver(tenant: Tenant, senderId: string, recipients: number, message: string) {
  const listId = await uploadList(tenant, makeRecipients(recipients));
  const campaignId = await createCampaign(tenant, { listId, message, senderIds: [senderId] });
  expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);
  return campaignId;
}

async function countsOnceDelivered(tenant: Tenant, campaignId: string, total: number) {
  return eventually(
    `every receipt of campaign ${campaignId} applied`,
    async () => {
      const { counts } = (await tenant.api.get(`/v1/campaigns/${campaignId}`)).body;
      return counts.delivered === total ? counts : undefined;
    },
    WAIT_MS,
  );
}

describe('a campaign over SMPP through a third-party SMSC', () => {
  it(
    'sends every message and applies every receipt (hex message ids, decimal ids in the receipts)',
    async () => {
      const tenant = await createTenant(system);
      const sender = await smppSender(tenant, 20);
      const campaignId = await campaignOver(tenant, sender.id, 20, 'Hello {FirstName}, your parcel is on its way');
      await waitForCampaignStatus(tenant, campaignId, 'completed', WAIT_MS);
      const counts = await countsOnceDelivered(tenant, campaignId, 20);
      expect(counts).toMatchObject({ total: 20, delivered: 20, sent: 0, failed: 0, inDoubt: 0 });
      const sids = await system.db
        .selectFrom('messages')
        .select('carrier_sid')
        .where('campaign_id', '=', campaignId)
        .execute();
      expect(sids.every((m) => m.carrier_sid?.startsWith('smpp:'))).toBe(true);
    },
    TEST_MS,
  );

  it.each([
    ['UCS-2 (Arabic with a Latin name)', 'مرحبا {FirstName}، طلبك في الطريق'],
    ['GSM-7 in 3 parts (UDH)', `Dear {FirstName}, ${'this notice is long enough to need three parts. '.repeat(8)}`],
  ])(
    'delivers a %s message',
    async (_what, message) => {
      const tenant = await createTenant(system);
      const sender = await smppSender(tenant, 20);
      const campaignId = await campaignOver(tenant, sender.id, 5, message);
      await waitForCampaignStatus(tenant, campaignId, 'completed', WAIT_MS);
      expect(await countsOnceDelivered(tenant, campaignId, 5)).toMatchObject({ delivered: 5, failed: 0 });
    },
    TEST_MS,
  );

  it(
    'completes after the SMSC dies mid-campaign and comes back, resending what was in doubt (inDoubt: resend)',
    async () => {
      const tenant = await createTenant(system);
      const sender = await smppSender(tenant, 10, { inDoubt: 'resend' });
      const campaignId = await campaignOver(
        tenant,
        sender.id,
        60,
        'Reminder for {FirstName}: your appointment is tomorrow',
      );
      await eventually(
        'a few messages sent',
        async () => {
          const { counts } = (await tenant.api.get(`/v1/campaigns/${campaignId}`)).body;
          return counts.sent + counts.delivered >= 10 ? true : undefined;
        },
        WAIT_MS,
      );
      await smsc.kill();
      await new Promise((r) => setTimeout(r, 3000));
      await smsc.start();
      const done = await waitForCampaignStatus(tenant, campaignId, 'completed', WAIT_MS);
      expect(done.counts).toMatchObject({ total: 60, pending: 0, failed: 0, inDoubt: 0 });
      expect(done.counts.sent + done.counts.delivered).toBe(60);
    },
    TEST_MS,
  );
});
