import { localSecondsOfDay } from '../../src/campaigns/quiet-hours';
import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { createTenant, eventually, uniquePhone, useTestSystem, waitForCampaignStatus } from '../support/test-system';

const system = useTestSystem();

function clock(seconds: number): string {
  const s = ((seconds % 86_400) + 86_400) % 86_400;
  return [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
}

describe('a campaign whose messages stay worth sending only so long', () => {
  it('a campaign paused past its validity ends its unsent recipients expired and sends them nothing', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 1);
    const recipients = makeRecipients(8);
    const listId = await uploadList(tenant, recipients);
    const campaignId = await createCampaign(tenant, {
      listId,
      message: 'Flash sale until noon, {FirstName}',
      senderIds: [sender.id],
      validFor: 4,
    });
    expect((await tenant.api.get(`/v1/campaigns/${campaignId}`)).body).toMatchObject({ validFor: 4, expiresAt: null });
    const startedAt = Date.now();
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    const sent = () => system.sentMessages().filter((m) => m.from === sender.address);
    await eventually('a first message to go', async () => (sent().length >= 1 ? true : undefined));
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/pause`)).status).toBe(202);
    await new Promise((r) => setTimeout(r, Math.max(0, startedAt + 5000 - Date.now())));
    const sentBeforeResume = sent().length;
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/resume`)).status).toBe(202);

    const done = await waitForCampaignStatus(tenant, campaignId, 'completed', 30_000);
    expect(sent()).toHaveLength(sentBeforeResume);
    expect(done.counts.expired).toBe(recipients.length - sentBeforeResume);
    expect(done.counts.pending).toBe(0);
    const rows = await system.db
      .selectFrom('messages')
      .select(['state', 'error_code'])
      .where('campaign_id', '=', campaignId)
      .where('state', '=', 'expired')
      .execute();
    expect(rows.length).toBe(recipients.length - sentBeforeResume);
    expect(rows.every((r) => r.error_code === 'expired')).toBe(true);
  });

  it('the carrier receives the validity left as ValidityPeriod', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 1);
    const listId = await uploadList(tenant, makeRecipients(3));
    const campaignId = await createCampaign(tenant, {
      listId,
      message: 'Your table is ready, {FirstName}',
      senderIds: [sender.id],
      validFor: 600,
    });
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    await waitForCampaignStatus(tenant, campaignId, 'completed', 30_000);
    const periods = system
      .sentMessages()
      .filter((m) => m.from === sender.address)
      .map((m) => m.validityPeriod);
    expect(periods).toHaveLength(3);
    // One a second: each later message has about a second less left.
    for (const period of periods) {
      expect(period).toBeGreaterThanOrEqual(590);
      expect(period).toBeLessThanOrEqual(600);
    }
    expect(periods[2]!).toBeLessThan(periods[0]!);
  });

  it('expiresAt is presented and counted down to the carrier; one already past is refused', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 10);
    const listId = await uploadList(tenant, makeRecipients(1));
    const expiresAt = new Date(Date.now() + 120_000).toISOString();
    const campaignId = await createCampaign(tenant, {
      listId,
      message: 'Hi {FirstName}',
      senderIds: [sender.id],
      expiresAt,
    });
    expect(new Date((await tenant.api.get(`/v1/campaigns/${campaignId}`)).body.expiresAt).toISOString()).toBe(
      expiresAt,
    );
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    await waitForCampaignStatus(tenant, campaignId, 'completed', 30_000);
    const [message] = system.sentMessages().filter((m) => m.from === sender.address);
    expect(message.validityPeriod).toBeGreaterThanOrEqual(110);
    expect(message.validityPeriod).toBeLessThanOrEqual(120);

    const past = await tenant.api.post('/v1/campaigns', {
      name: 'too late',
      listId,
      message: 'Hi',
      senderIds: [sender.id],
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect(past.status).toBe(400);
    const both = await tenant.api.post('/v1/campaigns', {
      name: 'both',
      listId,
      message: 'Hi',
      senderIds: [sender.id],
      validFor: 60,
      expiresAt,
    });
    expect(both.status).toBe(400);
  });

  it('a recipient whose quiet-hours window opens only after the validity ends expires at the deadline', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 10);
    const londonNow = localSecondsOfDay('Europe/London', new Date());
    const window = { start: clock(londonNow + 600), end: clock(londonNow + 4200) };
    const phone = uniquePhone();
    const list = await tenant.api.uploadCsv(
      'name=Zones&phoneField=Phone&timezoneField=TZ',
      `FirstName,Phone,TZ\nLena,${phone},Europe/London\n`,
    );
    const campaignId = await createCampaign(tenant, {
      listId: list.body.id,
      message: 'Doors open at 8, {FirstName}',
      senderIds: [sender.id],
      quietHours: window,
      validFor: 3,
    });
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    const done = await waitForCampaignStatus(tenant, campaignId, 'completed', 30_000);
    expect(done.counts).toMatchObject({ expired: 1, sent: 0, pending: 0 });
    expect(system.sentMessages().filter((m) => m.to === phone)).toHaveLength(0);
  });
});

describe('a message that would be blank', () => {
  it('a recipient whose merge is empty is skipped_invalid with the reason, never sent', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 10);
    const [blank, filled] = [uniquePhone(), uniquePhone()];
    const list = await tenant.api.uploadCsv(
      'name=Notes&phoneField=Phone',
      `Phone,Note\n${blank}, \n${filled},See you\n`,
    );
    expect(list.body.accepted).toBe(2);
    const campaignId = await createCampaign(tenant, {
      listId: list.body.id,
      message: '{Note|}',
      senderIds: [sender.id],
    });
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    const done = await waitForCampaignStatus(tenant, campaignId, 'completed', 30_000);
    expect(done.counts).toMatchObject({ sent: 1, skippedInvalid: 1 });
    expect(system.sentMessages().filter((m) => m.to === blank)).toHaveLength(0);
    const row = await system.db
      .selectFrom('messages')
      .select(['state', 'error_code', 'error_message', 'segments'])
      .where('campaign_id', '=', campaignId)
      .where('to_phone', '=', blank)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'skipped_invalid', error_code: 'empty_body' });
    expect(row.error_message).toMatch(/row 1 merges to an empty message/);
  });
});
