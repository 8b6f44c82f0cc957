import type { Kysely } from 'kysely';
import type { Database } from './schema';

// Replies that reached no agent carry the outcome not_routed:<reason> (src/replies/unrouted-replies.ts owns it); the
// partial index inbound_messages_unrouted holds only them.
const UNROUTED = 'not_routed:%';

/** listUnroutedReplies is a business unit's replies that reached no agent, newest first, with the campaign's name. */
export async function listUnroutedReplies(db: Kysely<Database>, businessUnitId: string, limit: number) {
  return db
    .selectFrom('inbound_messages as i')
    .leftJoin('campaigns as c', 'c.id', 'i.campaign_id')
    .select([
      'i.message_sid',
      'i.from_phone',
      'i.to_address',
      'i.body',
      'i.received_at',
      'i.outcome',
      'i.campaign_id',
      'c.name as campaign_name',
      'i.skill_id',
    ])
    .where('i.business_unit_id', '=', businessUnitId)
    .where('i.outcome', 'like', UNROUTED)
    .orderBy('i.received_at', 'desc')
    .limit(limit)
    .execute();
}

/** UnroutedReplyRow is one reply that reached no agent, as listUnroutedReplies reads it. */
export type UnroutedReplyRow = Awaited<ReturnType<typeof listUnroutedReplies>>[number];

/** unroutedReplyCounts counts every business unit's replies that reached no agent, by stored outcome (for /metrics). */
export async function unroutedReplyCounts(
  db: Kysely<Database>,
): Promise<{ business_unit_id: string; outcome: string; n: number }[]> {
  const rows = await db
    .selectFrom('inbound_messages')
    .select(['business_unit_id', 'outcome', (eb) => eb.fn.countAll<string>().as('n')])
    .where('outcome', 'like', UNROUTED)
    .where('business_unit_id', 'is not', null)
    .groupBy(['business_unit_id', 'outcome'])
    .execute();
  return rows.map((row) => ({ business_unit_id: row.business_unit_id!, outcome: row.outcome!, n: Number(row.n) }));
}
