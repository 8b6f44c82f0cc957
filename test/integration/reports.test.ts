import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { applyDeliveryReceipts } from '../../src/db/delivery-receipts';
import { markInboundProcessed } from '../../src/db/inbound-messages';
import { foldAllFigures } from '../../src/reports/figures-folder';
import { csvOfApi, makeReportWorld, ReportWorld, storeMessages } from '../support/report-fixtures';
import { createTenant, eventually, Tenant, useTestSystem } from '../support/test-system';

const system = useTestSystem();

// Asia/Kolkata is UTC+05:30: its midnights fall on a half hour of UTC, so a day that is right there is right anywhere.
const ZONE = 'Asia/Kolkata';
const at = (local: string) => `${local}+05:30`;

/** Stores a contact's reply as the webhook does, then handles it the way the conversation workflow does. */
async function storeReply(
  world: ReportWorld,
  reply: { from: string; receivedAt: string; classification: 'message' | 'opt_out'; campaign: 0 | 1 },
) {
  const sid = `SM${randomUUID().replace(/-/g, '')}`;
  await system.db
    .insertInto('inbound_messages')
    .values({
      message_sid: sid,
      business_unit_id: world.tenant.id,
      from_phone: reply.from,
      to_address: world.senders.longCode.address,
      body: reply.classification === 'opt_out' ? 'STOP' : 'When will it come?',
      classification: null,
      rule: null,
      processed_at: null,
      received_at: reply.receivedAt,
      outcome: null,
      conversation_id: null,
      confirmation_message_id: null,
      forwarded_at: null,
      forward_after: null,
    })
    .execute();
  await markInboundProcessed(system.db, sid, {
    classification: reply.classification,
    rule: null,
    outcome: 'recorded',
    conversationId: null,
    confirmationMessageId: null,
    attribution: {
      campaignId: world.campaigns[reply.campaign],
      skillId: world.skills[reply.campaign],
      senderId: world.senders.longCode.id,
    },
  });
}

const receipt = (carrierSid: string | null, status: string, errorCode: string | null = null) => ({
  carrierSid: carrierSid!,
  status,
  errorCode,
  messageId: null,
});

/**
 * The hand-counted fixture (Kolkata time). Campaign A (skill Deliveries, long code, 0.01 a segment):
 *   A1 sent 11-10 10:00, 1 segment, delivered by a receipt that arrives days later (after the first report);
 *   A2 sent 11-10 23:50, 2 segments, delivered after midnight; A3 sent 11-10 12:00, undelivered 30007;
 *   A4 skipped (DNC) 11-10 09:00; A5 sent 11-11 00:10, undelivered 30003; a reply to A1 at 11-10 11:00 and a STOP
 *   from A2's contact at 11-11 00:30.
 * Campaign B (skill Collections, toll-free, 0.02 a segment): B1 sent 11-11 08:00, 3 segments, delivered; B2 sent
 *   11-11 08:20, no receipt yet; B3 sent 11-11 09:00, expired at the carrier (30036); B4 skipped (invalid) 11-11 09:00.
 */
async function seedFixture(world: ReportWorld) {
  const [a, b] = world.campaigns;
  const { longCode, tollFree } = world.senders;
  const [a1, a2, a3, , a5, b1, , b3] = await storeMessages(system.db, world.tenant.id, [
    { campaignId: a, senderId: longCode.id, state: 'sent', sentAt: at('2026-11-10T10:00:00') },
    { campaignId: a, senderId: longCode.id, state: 'sent', sentAt: at('2026-11-10T23:50:00'), segments: 2 },
    { campaignId: a, senderId: longCode.id, state: 'sent', sentAt: at('2026-11-10T12:00:00') },
    { campaignId: a, senderId: longCode.id, state: 'skipped_dnc', sentAt: null, at: at('2026-11-10T09:00:00') },
    { campaignId: a, senderId: longCode.id, state: 'sent', sentAt: at('2026-11-11T00:10:00') },
    { campaignId: b, senderId: tollFree.id, state: 'sent', sentAt: at('2026-11-11T08:00:00'), segments: 3 },
    { campaignId: b, senderId: tollFree.id, state: 'sent', sentAt: at('2026-11-11T08:20:00') },
    { campaignId: b, senderId: tollFree.id, state: 'sent', sentAt: at('2026-11-11T09:00:00') },
    { campaignId: b, senderId: tollFree.id, state: 'skipped_invalid', sentAt: null, at: at('2026-11-11T09:00:00') },
  ]);
  // Receipts go through the status webhook's own statement (all but A1's, which comes late).
  await applyDeliveryReceipts(system.db, [
    receipt(a2.carrierSid, 'delivered'),
    receipt(a3.carrierSid, 'undelivered', '30007'),
    receipt(a5.carrierSid, 'undelivered', '30003'),
    receipt(b1.carrierSid, 'delivered'),
    receipt(b3.carrierSid, 'undelivered', '30036'),
  ]);
  await storeReply(world, {
    from: a1.toPhone,
    receivedAt: at('2026-11-10T11:00:00'),
    classification: 'message',
    campaign: 0,
  });
  await storeReply(world, {
    from: a2.toPhone,
    receivedAt: at('2026-11-11T00:30:00'),
    classification: 'opt_out',
    campaign: 0,
  });
  return { lateReceipt: () => applyDeliveryReceipts(system.db, [receipt(a1.carrierSid, 'delivered')]) };
}

const zero = {
  sent: 0,
  segmentsSent: 0,
  delivered: 0,
  failed: 0,
  failedByCode: {},
  expired: 0,
  awaitingReceipt: 0,
  skippedDnc: 0,
  skippedInvalid: 0,
  optOuts: 0,
  optOutRate: 0,
  optIns: 0,
  replies: 0,
  replyRate: 0,
  estimatedCost: 0,
};

// Campaign A and B over both days, once A1's receipt is in.
const CAMPAIGN_A = {
  ...zero,
  sent: 4,
  segmentsSent: 5,
  delivered: 2,
  failed: 2,
  failedByCode: { 30007: 1, 30003: 1 },
  skippedDnc: 1,
  optOuts: 1,
  optOutRate: 0.5,
  replies: 1,
  replyRate: 0.5,
  estimatedCost: 0.05,
};
const CAMPAIGN_B = {
  ...zero,
  sent: 3,
  segmentsSent: 5,
  delivered: 1,
  expired: 1,
  awaitingReceipt: 1,
  skippedInvalid: 1,
  estimatedCost: 0.1,
};

describe('reports', () => {
  let world: ReportWorld;
  let other: ReportWorld;
  let lateReceipt: () => Promise<unknown>;
  const period = 'from=2026-11-10&to=2026-11-11';

  beforeAll(async () => {
    world = await makeReportWorld(await createTenant(system), ZONE);
    ({ lateReceipt } = await seedFixture(world));
    // Another business unit's identical traffic on the same days must never show.
    other = await makeReportWorld(await createTenant(system), ZONE);
    await seedFixture(other);
  });

  async function report(tenant: Tenant, query: string) {
    const res = await tenant.api.get(`/v1/reports/messages?${query}`);
    expect(res.status).toBe(200);
    return res.body.rows as Record<string, unknown>[];
  }

  it("count each day in the business unit's time zone, a late receipt moving the day its message was sent", async () => {
    const before = await report(world.tenant, `${period}&groupBy=day`);
    expect(before.find((r) => r.key === '2026-11-10')).toMatchObject({ sent: 3, delivered: 1, awaitingReceipt: 1 });
    await lateReceipt();
    expect(await report(world.tenant, `${period}&groupBy=day`)).toEqual([
      {
        ...zero,
        key: '2026-11-10',
        name: null,
        sent: 3,
        segmentsSent: 4,
        delivered: 2,
        failed: 1,
        failedByCode: { 30007: 1 },
        skippedDnc: 1,
        replies: 1,
        replyRate: 0.5,
        estimatedCost: 0.04,
      },
      {
        ...zero,
        key: '2026-11-11',
        name: null,
        sent: 4,
        segmentsSent: 6,
        delivered: 1,
        failed: 1,
        failedByCode: { 30003: 1 },
        expired: 1,
        awaitingReceipt: 1,
        skippedInvalid: 1,
        optOuts: 1,
        optOutRate: 1,
        estimatedCost: 0.11,
      },
    ]);
  });

  it('count per campaign, skill, skill group and sender', async () => {
    await lateReceipt();
    const [a, b] = world.campaigns;
    expect(await report(world.tenant, `${period}&groupBy=campaign`)).toEqual(
      [
        { key: a, ...CAMPAIGN_A },
        { key: b, ...CAMPAIGN_B },
      ]
        .sort((x, y) => (x.key < y.key ? -1 : 1))
        .map((r) => expect.objectContaining(r)),
    );
    const bySkill = await report(world.tenant, `${period}&groupBy=skill`);
    expect(bySkill.find((r) => r.key === world.skills[0])).toMatchObject({ ...CAMPAIGN_A, name: 'Deliveries' });
    expect(bySkill.find((r) => r.key === world.skills[1])).toMatchObject({ ...CAMPAIGN_B, name: 'Collections' });
    const bySender = await report(world.tenant, `${period}&groupBy=sender`);
    expect(bySender.find((r) => r.key === world.senders.longCode.id)).toMatchObject({
      ...CAMPAIGN_A,
      name: world.senders.longCode.address,
    });
    expect(bySender.find((r) => r.key === world.senders.tollFree.id)).toMatchObject(CAMPAIGN_B);
    // A skill in two groups counts in both.
    const byGroup = await report(world.tenant, `${period}&groupBy=skillGroup`);
    expect(byGroup).toHaveLength(2);
    expect(byGroup.find((r) => r.key === world.groups.second)).toMatchObject({ ...CAMPAIGN_B, name: 'Money' });
    expect(byGroup.find((r) => r.key === world.groups.both)).toMatchObject({
      name: 'All outbound',
      sent: 7,
      segmentsSent: 10,
      delivered: 3,
      failed: 2,
      failedByCode: { 30007: 1, 30003: 1 },
      expired: 1,
      awaitingReceipt: 1,
      skippedDnc: 1,
      skippedInvalid: 1,
      optOuts: 1,
      replies: 1,
      estimatedCost: 0.15,
    });
  });

  it("count per hour, and move across midnight when the business unit's time zone changes", async () => {
    await lateReceipt();
    const byHour = await report(world.tenant, `${period}&groupBy=hour`);
    expect(byHour.map((r) => [r.key, r.sent, r.optOuts, r.replies])).toEqual([
      ['2026-11-10T09:00', 0, 0, 0],
      ['2026-11-10T10:00', 1, 0, 0],
      ['2026-11-10T11:00', 0, 0, 1],
      ['2026-11-10T12:00', 1, 0, 0],
      ['2026-11-10T23:00', 1, 0, 0],
      ['2026-11-11T00:00', 1, 1, 0],
      ['2026-11-11T08:00', 2, 0, 0],
      ['2026-11-11T09:00', 1, 0, 0],
    ]);
    // In UTC, A5 (00:10 Kolkata = 18:40 UTC) and the STOP (00:30 = 19:00 UTC) belong to the 10th.
    const utc = await createTenant(system);
    const utcWorld = await makeReportWorld(utc, ZONE);
    await (await seedFixture(utcWorld)).lateReceipt();
    await utc.api.patch('/v1/settings', { timeZone: 'UTC' });
    const byDay = await report(utc, 'from=2026-11-10&to=2026-11-11&groupBy=day');
    expect(byDay.map((r) => [r.key, r.sent, r.failed, r.optOuts])).toEqual([
      ['2026-11-10', 4, 2, 1],
      ['2026-11-11', 3, 0, 0],
    ]);
  });

  it('count what is not folded yet while another request holds the fold', async () => {
    const tenant = await createTenant(system);
    const folding = await makeReportWorld(tenant, ZONE);
    await (await seedFixture(folding)).lateReceipt();
    const before = await report(tenant, `${period}&groupBy=campaign`);
    await system.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext('message_figures'), hashtext(${tenant.id}))`.execute(trx);
      await storeMessages(system.db, tenant.id, [
        {
          campaignId: folding.campaigns[0],
          senderId: folding.senders.longCode.id,
          state: 'delivered',
          sentAt: at('2026-11-10T15:00:00'),
        },
      ]);
      const during = await report(tenant, `${period}&groupBy=campaign`);
      expect(during.find((r) => r.key === folding.campaigns[0])).toMatchObject({
        sent: (before.find((r) => r.key === folding.campaigns[0])!.sent as number) + 1,
      });
    });
    const after = await report(tenant, `${period}&groupBy=day`);
    expect(after.find((r) => r.key === '2026-11-10')).toMatchObject({ sent: 4, delivered: 3 });
  });

  it('leave folding to the figures folder: two folds at once count every figure once, the days cut in the zone', async () => {
    const tenant = await createTenant(system);
    const folding = await makeReportWorld(tenant, ZONE);
    await (await seedFixture(folding)).lateReceipt();
    const byDay = await report(tenant, `${period}&groupBy=day`);
    const byCampaign = await report(tenant, `${period}&groupBy=campaign`);
    // As two API processes' folders would (the API's own folder a third): each fold has one owner, the others skip it
    // or find nothing left.
    await eventually('the figures folded', async () => {
      await Promise.all([foldAllFigures(system.db), foldAllFigures(system.db)]);
      const waiting = await system.db
        .selectFrom('message_figures')
        .select((eb) => eb.fn.countAll().as('rows'))
        .where('business_unit_id', '=', tenant.id)
        .where('compacted', '=', false)
        .executeTakeFirstOrThrow();
      return Number(waiting.rows) === 0 ? true : undefined;
    });
    const zone = await system.db
      .selectFrom('figure_day_zones')
      .select('time_zone')
      .where('business_unit_id', '=', tenant.id)
      .executeTakeFirst();
    expect(zone?.time_zone).toBe(ZONE);
    expect(await report(tenant, `${period}&groupBy=day`)).toEqual(byDay);
    expect(await report(tenant, `${period}&groupBy=campaign`)).toEqual(byCampaign);
  });

  it('keep to the period asked for', async () => {
    const rows = await report(world.tenant, 'from=2026-11-11&to=2026-11-11&groupBy=day');
    expect(rows.map((r) => r.key)).toEqual(['2026-11-11']);
    expect(await report(world.tenant, 'from=2026-11-12&to=2026-11-13&groupBy=campaign')).toEqual([]);
  });

  it("never show another business unit's figures", async () => {
    const mine = await report(world.tenant, `${period}&groupBy=campaign`);
    expect(mine.map((r) => r.key).sort()).toEqual([...world.campaigns].sort());
    const theirs = await report(other.tenant, `${period}&groupBy=skillGroup`);
    expect(theirs.map((r) => r.key).sort()).toEqual([other.groups.both, other.groups.second].sort());
  });

  it('answer the same figures as CSV (RFC 4180) on Accept: text/csv', async () => {
    await lateReceipt();
    const json = await report(world.tenant, `${period}&groupBy=campaign`);
    const csv = await csvOfApi(world.tenant, `/v1/reports/messages?${period}&groupBy=campaign`);
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    expect(csv.text.endsWith('\r\n')).toBe(true);
    const records = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(records.map((r) => [r.key, Number(r.sent), Number(r.delivered), Number(r['failed:30007'])])).toEqual(
      json.map((r) => [r.key, r.sent, r.delivered, (r.failedByCode as Record<string, number>)['30007'] ?? 0]),
    );
  });

  it('refuse a period that ends before it starts, naming the field', async () => {
    const res = await world.tenant.api.get('/v1/reports/messages?from=2026-11-12&to=2026-11-10');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^from:/);
    const hours = await world.tenant.api.get('/v1/reports/messages?from=2026-09-01&to=2026-11-10&groupBy=hour');
    expect(hours.status).toBe(400);
    expect(hours.body.error.message).toBe('from: a report per hour covers at most 31 days');
    const zone = await world.tenant.api.patch('/v1/settings', { timeZone: 'Mars/Olympus' });
    expect(zone.status).toBe(400);
    expect(zone.body.error.message).toMatch(/^timeZone:/);
  });
});

describe('skill groups', () => {
  it("group the business unit's own skills, and only those", async () => {
    const tenant = await createTenant(system);
    const stranger = await createTenant(system);
    const mine = (await tenant.api.post('/v1/skills', { name: 'Billing', kind: 'agent', replyHandling: true })).body.id;
    const theirs = (await stranger.api.post('/v1/skills', { name: 'X', kind: 'agent', replyHandling: true })).body.id;
    const created = await tenant.api.post('/v1/skill-groups', { name: 'Back office', skillIds: [mine] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Back office', skillIds: [mine] });
    expect((await tenant.api.get(`/v1/skill-groups/${created.body.id}`)).body.skillIds).toEqual([mine]);
    expect((await stranger.api.get(`/v1/skill-groups/${created.body.id}`)).status).toBe(404);
    const refused = await tenant.api.post('/v1/skill-groups', { name: 'Stolen', skillIds: [mine, theirs] });
    expect(refused.status).toBe(404);
    expect(refused.body.error.message).toMatch(/^skillIds\.1:/);
    expect((await tenant.api.get('/v1/skill-groups')).body.map((g: { name: string }) => g.name)).toEqual([
      'Back office',
    ]);
  });
});
