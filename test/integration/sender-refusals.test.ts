import { CarrierRefusalUnknown, CarrierUnavailableError, type Carrier } from '../../src/carrier/carrier';
import { CarrierOutageError, dispatchBatch } from '../../src/campaigns/dispatch-batch';
import { transitionCampaign } from '../../src/db/campaigns';
import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { expectEachRecipientOnce } from '../support/exactly-once';
import { createTenant, useTestSystem, waitForCampaignStatus } from '../support/test-system';

const system = useTestSystem({ autoDeliver: true });

// A running campaign of three recipients whose batches the test dispatches itself, through a carrier of its own.
async function runningCampaignOfThree() {
  const tenant = await createTenant(system);
  const sender = await createSender(tenant, 50);
  const listId = await uploadList(tenant, makeRecipients(3));
  const campaignId = await createCampaign(tenant, { listId, message: 'Hi {FirstName}', senderIds: [sender.id] });
  await transitionCampaign(system.db, campaignId, ['draft'], 'running');
  return { tenant, campaignId };
}

// A carrier that takes nothing: each send throws what `refuse` throws for that attempt (1 for the first).
function refusingCarrier(refuse: (attempt: number) => never) {
  const sends = { attempts: 0 };
  const carrier: Carrier = {
    findSent: async () => [],
    async send() {
      sends.attempts += 1;
      refuse(sends.attempts);
    },
  };
  return { carrier, sends };
}

// The engine's dependencies with a short patience (600 ms), so that giving up on the carrier happens within the test.
function batchDeps(carrier: Carrier) {
  return {
    db: system.db,
    carrier,
    statusCallbackUrl: `${system.config.publicUrl}/webhooks/twilio/status`,
    carrierPatienceMs: 600,
    carrierSettleMs: 300,
    heartbeat: () => {},
  };
}

describe('a sender the carrier refuses never fails the recipients: the campaign pauses and says why', () => {
  it('21606 pauses the campaign naming the sender and the code; after the fix, resuming sends each recipient once', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 50);
    const recipients = makeRecipients(6);
    const listId = await uploadList(tenant, recipients);
    const campaignId = await createCampaign(tenant, { listId, message: 'Hi {FirstName}', senderIds: [sender.id] });
    system.sim.state.mode.senderErrors.set(sender.address, 21606);
    try {
      expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);
      const paused = await waitForCampaignStatus(tenant, campaignId, 'paused');
      expect(paused.statusReason).toContain(sender.address);
      expect(paused.statusReason).toContain('21606');
      expect(paused.counts).toMatchObject({ failed: 0, sent: 0, delivered: 0, pending: 6 });
      const [listed] = (await tenant.api.get('/v1/senders')).body;
      expect(listed.needsAttention).toMatchObject({ code: '21606', message: expect.stringContaining(sender.address) });
    } finally {
      system.sim.state.mode.senderErrors.delete(sender.address);
    }
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/resume`)).status).toBe(202);
    const done = await waitForCampaignStatus(tenant, campaignId, 'completed');
    expect(done.counts.failed).toBe(0);
    expect(done.counts.sent + done.counts.delivered).toBe(6);
    expectEachRecipientOnce(
      system,
      sender.address,
      recipients.map((r) => r.phone),
    );
    const [recovered] = (await tenant.api.get('/v1/senders')).body;
    expect(recovered.needsAttention).toBeNull();
  });

  it('an unknown refusal is retried as transient, then the campaign pauses on it past the patience', async () => {
    const { tenant, campaignId } = await runningCampaignOfThree();
    const { carrier, sends } = refusingCarrier(() => {
      throw new CarrierRefusalUnknown(29999, 'carrier refused (400, code 29999): something new');
    });
    const result = await dispatchBatch(batchDeps(carrier), { campaignId, afterId: '0', batchSize: 500 });
    expect(result).toEqual({ outcome: 'stopped', status: 'paused' });
    expect(sends.attempts).toBeGreaterThan(1);
    const campaign = await tenant.api.get(`/v1/campaigns/${campaignId}`);
    expect(campaign.body.statusReason).toContain('29999');
    expect(campaign.body.counts).toMatchObject({ failed: 0, pending: 3 });
    const states = await system.db
      .selectFrom('messages')
      .select('state')
      .where('campaign_id', '=', campaignId)
      .execute();
    expect(states.map((s) => s.state)).toEqual(['pending', 'pending', 'pending']);
  });

  it('an unknown code answered once, then Retry-After past the patience, waits for the carrier instead of pausing', async () => {
    const { tenant, campaignId } = await runningCampaignOfThree();
    // As an SMSC did: generic_nack once, then ESME_RTHROTTLED on every submit_sm for a while.
    const { carrier, sends } = refusingCarrier((attempt) => {
      if (attempt === 1) throw new CarrierRefusalUnknown(8, 'the SMSC answered generic_nack: ESME_RSYSERR');
      throw new CarrierUnavailableError('the SMSC refused the submit_sm: ESME_RTHROTTLED', {
        status: 429,
        retryAfterMs: 300,
      });
    });
    await expect(
      dispatchBatch(batchDeps(carrier), { campaignId, afterId: '0', batchSize: 500 }),
    ).rejects.toBeInstanceOf(CarrierOutageError);
    expect(sends.attempts).toBeGreaterThan(2);
    const campaign = await tenant.api.get(`/v1/campaigns/${campaignId}`);
    expect(campaign.body).toMatchObject({ status: 'running', statusReason: null });
    expect(campaign.body.counts).toMatchObject({ failed: 0, pending: 3 });
  });
});
