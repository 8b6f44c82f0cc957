import { sql } from 'kysely';
import type { Db } from './schema';

// Months of a business unit's traffic written straight into the tables, set-based, for `npm run bench:reports`: the
// reports are measured at the scale of the issue (millions of messages) without sending any. Every row goes through
// the same triggers as real traffic, so the figures the reports read are built the way production builds them.

/** TrafficShape is what to generate for a business unit whose skills and senders exist already. */
export interface TrafficShape {
  businessUnitId: string;
  skillIds: string[];
  senderIds: string[];
  campaigns: number;
  days: number;
  /** Messages of every campaign but the first. */
  messagesPerCampaign: number;
  /** Recipients (list records and messages) of the first campaign, the one exported. */
  exportedRecipients: number;
  /** Rows per INSERT statement. */
  slice: number;
  progress?: (line: string) => void;
}

// The states a message ends in, out of 1000: mostly delivered, the rest as a busy contact centre sees them.
const STATE_OF_HASH = sql.raw(`CASE
  WHEN h < 850 THEN 'delivered' WHEN h < 880 THEN 'undelivered' WHEN h < 890 THEN 'failed'
  WHEN h < 905 THEN 'expired' WHEN h < 935 THEN 'skipped_dnc' WHEN h < 945 THEN 'skipped_invalid'
  WHEN h < 955 THEN 'opted_out' ELSE 'sent' END`);

// A list's records are inserted in row order, so record ids run on from the first: recipient i is record first + i - 1.
async function insertList(
  db: Db,
  businessUnitId: string,
  records: number,
  slice: number,
): Promise<{ id: string; firstRecordId: string }> {
  const list = await db
    .insertInto('calling_lists')
    .values({
      business_unit_id: businessUnitId,
      name: `bench ${records} recipients`,
      fields: ['FirstName', 'Note', 'Phone'],
      phone_field: 'Phone',
      mobile_field: null,
      timezone_field: null,
      region: 'US',
      status: 'ready',
      accepted: records,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let from = 1; from <= records; from += slice) {
    const to = Math.min(records, from + slice - 1);
    await sql`
      INSERT INTO list_records (list_id, row_number, phone, mobile, timezone, fields)
      SELECT ${list.id}, i, '+1' || (2120000000::bigint + i), NULL, NULL,
             jsonb_build_object('FirstName', CASE WHEN i % 7 = 0 THEN 'سارة ' || i ELSE 'Customer ' || i END,
                                'Note', CASE WHEN i % 10 = 0 THEN 'call after 5pm, "weekdays"' ELSE 'none' END,
                                'Phone', '+1' || (2120000000::bigint + i))
        FROM generate_series(${from}::int, ${to}::int) AS i`.execute(db);
  }
  const first = await db
    .selectFrom('list_records')
    .select((eb) => eb.fn.min('id').as('id'))
    .where('list_id', '=', list.id)
    .executeTakeFirstOrThrow();
  return { id: list.id, firstRecordId: String(first.id) };
}

async function insertMessages(
  db: Db,
  shape: TrafficShape,
  campaign: { id: string; index: number; skillId: string; firstRecordId: string | null; startsAt: Date },
  count: number,
): Promise<void> {
  const senders = shape.senderIds;
  for (let from = 1; from <= count; from += shape.slice) {
    const to = Math.min(count, from + shape.slice - 1);
    // A campaign sends over about two days from its start; h decides the state, (i * 7919) % 4 spreads the codes.
    await sql`
      INSERT INTO messages (business_unit_id, kind, campaign_id, record_id, to_phone, sender_id, body, segments, state,
                            idempotency_key, carrier_sid, error_code, created_at, sent_at, updated_at)
      SELECT ${shape.businessUnitId}, 'campaign', ${campaign.id}, ${campaign.firstRecordId}::bigint + i - 1,
             '+1' || (2120000000::bigint + i),
             (${senders}::uuid[])[1 + (i + ${campaign.index}) % ${senders.length}], 'Your parcel is on its way',
             1 + (i % 3), state,
             'bench:' || ${campaign.id} || ':' || i,
             CASE WHEN state IN ('delivered', 'undelivered', 'expired', 'sent') THEN 'SMbench' || ${campaign.index} || 'x' || i END,
             CASE WHEN state IN ('undelivered', 'failed') THEN (ARRAY['30007', '30003', '30005', '30008'])[1 + (i::bigint * 7919) % 4]
                  WHEN state = 'expired' THEN '30036' END,
             at, CASE WHEN state NOT IN ('skipped_dnc', 'skipped_invalid') THEN at END, at
        FROM (SELECT i, (i * 2654435761::bigint) % 1000 AS h,
                     ${campaign.startsAt}::timestamptz + (i % 172800) * interval '1 second' AS at
                FROM generate_series(${from}::int, ${to}::int) AS i) g
        CROSS JOIN LATERAL (SELECT ${STATE_OF_HASH} AS state) s`.execute(db);
  }
  // Replies (2%) and STOPs (0.5%) from its contacts, attributed to it, an hour after the message.
  await sql`
    INSERT INTO inbound_messages (message_sid, business_unit_id, from_phone, to_address, body, classification, outcome,
                                  processed_at, received_at, campaign_id, skill_id, sender_id)
    SELECT 'SMin' || ${campaign.index} || 'x' || i, ${shape.businessUnitId}, '+1' || (2120000000::bigint + i), '+14155550100',
           CASE WHEN i % 200 < 40 THEN 'When?' ELSE 'STOP' END,
           CASE WHEN i % 200 < 40 THEN 'message' ELSE 'opt_out' END, 'recorded', at, at, ${campaign.id},
           ${campaign.skillId}, (${senders}::uuid[])[1 + (i + ${campaign.index}) % ${senders.length}]
      FROM (SELECT i, ${campaign.startsAt}::timestamptz + (i % 172800) * interval '1 second' + interval '1 hour' AS at
              FROM generate_series(1, ${count}::int) AS i WHERE i % 200 < 50) g`.execute(db);
  // Conversations (1 in 100 contacts), most taken by one of 30 agents within minutes, answered and closed.
  await sql`
    WITH opened AS (
      INSERT INTO conversations (business_unit_id, contact, sender_id, campaign_id, status, agent, created_at,
                                 last_message_at, assigned_at, closed_at, closed_reason)
      SELECT ${shape.businessUnitId}, '+1' || (2120000000::bigint + i), ${senders[0]}, ${campaign.id}, 'closed',
             CASE WHEN i % 10 < 9 THEN 'agent-' || (i % 30) END, at, at,
             CASE WHEN i % 10 < 9 THEN at + (i % 240) * interval '1 second' END,
             at + (300 + i % 1800) * interval '1 second', 'agent'
        FROM (SELECT i, ${campaign.startsAt}::timestamptz + (i % 172800) * interval '1 second' AS at
                FROM generate_series(1, ${count}::int) AS i WHERE i % 100 = 0) g
      RETURNING id, agent, assigned_at)
    INSERT INTO conversation_messages (conversation_id, direction, body, agent, created_at)
    SELECT id, 'outbound', 'Hello, how can I help?', agent, assigned_at + interval '45 seconds'
      FROM opened WHERE agent IS NOT NULL`.execute(db);
}

/**
 * generateTraffic writes a business unit's campaigns (one per skill in turn, spread over `days`), their messages,
 * replies, opt-outs and conversations; the first campaign has a list of its own to export. Returns its id.
 */
export async function generateTraffic(db: Db, shape: TrafficShape): Promise<{ exportedCampaignId: string }> {
  const exportList = await insertList(db, shape.businessUnitId, shape.exportedRecipients, shape.slice);
  const sharedList = await insertList(db, shape.businessUnitId, 1, shape.slice);
  let exportedCampaignId = '';
  const dayMs = 86_400_000;
  const firstDay = Date.now() - shape.days * dayMs;
  for (let index = 0; index < shape.campaigns; index++) {
    const skillId = shape.skillIds[index % shape.skillIds.length];
    const exported = index === 0;
    const campaign = await db
      .insertInto('campaigns')
      .values({
        business_unit_id: shape.businessUnitId,
        name: `bench campaign ${index + 1}`,
        list_id: exported ? exportList.id : sharedList.id,
        template_id: null,
        message_body: 'Your parcel is on its way',
        direction: 'ltr',
        sender_ids: shape.senderIds,
        skill_id: skillId,
        dnc_group_id: null,
        start_at: null,
        quiet_hours: null,
        status: 'completed',
        status_reason: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (exported) exportedCampaignId = campaign.id;
    const startsAt = new Date(firstDay + Math.floor((index * (shape.days - 2) * dayMs) / shape.campaigns));
    const count = exported ? shape.exportedRecipients : shape.messagesPerCampaign;
    const firstRecordId = exported ? exportList.firstRecordId : null;
    await insertMessages(db, shape, { id: campaign.id, index, skillId, firstRecordId, startsAt }, count);
    if (exported || (index + 1) % 10 === 0)
      shape.progress?.(`campaign ${index + 1}/${shape.campaigns}: ${count.toLocaleString('en-US')} messages`);
  }
  return { exportedCampaignId };
}
