import { RawBuilder, sql } from 'kysely';
import { groupKeyOf, keyName, ReportGrouping, ReportPeriod, tryFiguresLock, reportQuery } from './message-figures';
import type { Db } from './schema';

/** AgentGrouping is what the agents report's rows are per: the message groupings, or the agent. */
export type AgentGrouping = ReportGrouping | 'agent';

/** ConversationFigures are one key's conversation figures (seconds; null when nothing was measured). */
export interface ConversationFigures {
  key: string | null;
  name: string | null;
  offered: number;
  accepted: number;
  closed: number;
  withinServiceLevel: number;
  avgTimeToAccept: number | null;
  p90TimeToAccept: number | null;
  avgTimeToFirstAnswer: number | null;
  p90TimeToFirstAnswer: number | null;
  avgHandleTime: number | null;
  /** The conversations' messages: agents' answers handed to the carrier and how they ended, contacts' replies and opt-outs. */
  sent: number;
  delivered: number;
  failed: number;
  expired: number;
  replies: number;
  optOuts: number;
}

// What a conversation measures, summed over its folded row and the differences not folded yet (src/db/migrations/
// 2026-12-03T21-00-conversation-figures.ts keeps them); the key is the newest keyed difference's.
const KEY = ['created_at', 'campaign_id', 'skill_id', 'sender_id', 'agent'] as const;
const VALUES = [
  'opened',
  'accepted',
  'closed',
  'assigned',
  'handled',
  'answered',
  'sent',
  'delivered',
  'failed',
  'expired',
  'replies',
  'opt_outs',
  'to_accept',
  'handle',
  'to_answer',
] as const;
// The seconds are summed exact (numeric: differences cancel); folded rows also store them as the report reads them,
// float8 and null when not measured (migration 2026-12-03T51-00): PostgreSQL casts a numeric to float8 through its
// text form, and six casts a conversation on each read were the largest single cost of the report.
const MEASURED = [
  { column: 'time_to_accept', flag: 'assigned', seconds: 'to_accept' },
  { column: 'time_to_first_answer', flag: 'answered', seconds: 'to_answer' },
  { column: 'handle_time', flag: 'handled', seconds: 'handle' },
] as const;
const SECONDS: readonly string[] = MEASURED.map((m) => m.seconds);
const COUNTS = VALUES.filter((v) => !SECONDS.includes(v));
const list = <T>(items: readonly T[], of: (item: T) => string) => sql.raw(items.map(of).join(', '));

// One row per conversation of `rows` (its differences): the newest keyed difference's key, the values summed.
function perConversation(rows: RawBuilder<unknown>) {
  return sql`SELECT conversation_id, business_unit_id, bool_or(keyed) AS keyed,
                    ${list(KEY, (k) => `(array_agg(${k} ORDER BY id DESC) FILTER (WHERE keyed))[1] AS ${k}`)},
                    ${list(VALUES, (v) => `sum(${v}) AS ${v}`)}
               FROM ${rows} AS d GROUP BY conversation_id, business_unit_id`;
}

/**
 * foldConversationFigures folds up to `limit` of a business unit's oldest differences into the conversations' folded
 * rows, under the unit's figures lock (skipped, returning 0, while another process holds it). Returns how many it
 * folded: fewer than `limit` means none were left.
 */
export async function foldConversationFigures(db: Db, businessUnitId: string, limit: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    if (!(await tryFiguresLock(trx, businessUnitId))) return 0;
    // Oldest first: a conversation's keyed differences must be folded in the order they were written. A chunk with none
    // of a conversation's keyed differences (its answer or a receipt, its opening folded before) keeps the folded key.
    const { rows } = await sql<{ folded: string }>`
      WITH gone AS (
        DELETE FROM conversation_figures WHERE id IN (
          SELECT id FROM conversation_figures WHERE business_unit_id = ${businessUnitId} AND NOT compacted
           ORDER BY id LIMIT ${limit})
        RETURNING *),
      folded AS (
        INSERT INTO conversation_figures (compacted, conversation_id, business_unit_id, keyed, ${list(KEY, (k) => k)},
                                          ${list(VALUES, (v) => v)})
        SELECT true, conversation_id, business_unit_id, keyed, ${list(KEY, (k) => k)}, ${list(VALUES, (v) => v)}
          FROM (${perConversation(sql`gone`)}) p
        ON CONFLICT (conversation_id) WHERE compacted DO UPDATE SET
          ${list(KEY, (k) => `${k} = CASE WHEN excluded.keyed THEN excluded.${k} ELSE conversation_figures.${k} END`)},
          ${list(VALUES, (v) => `${v} = conversation_figures.${v} + excluded.${v}`)}
        RETURNING 1)
      SELECT count(*) AS folded FROM gone`.execute(trx);
    return Number(rows[0]?.folded ?? 0);
  });
}

/**
 * conversationFigures measures the conversations a business unit's contacts opened in a period (by when they were
 * opened), per key: offered is every conversation queued for agents, accepted those an agent took, closed those ended;
 * times run from the conversation's opening to its acceptance and to the first agent's answer, and handle time from
 * acceptance (else opening) to closing. Their messages count too: answers sent, delivered, failed and expired, and the
 * contacts' replies and opt-outs in them. Read from conversation_figures (one narrow row per conversation, exact
 * averages and p90), with the differences not folded yet. A skill group counts the conversations of the skills it holds
 * when the report is asked: a skill added to a group or taken out of it moves its past conversations too, so a group's
 * figures for any period are those of the group as it now is.
 */
export async function conversationFigures(
  db: Db,
  businessUnitId: string,
  period: ReportPeriod,
  grouping: AgentGrouping,
  serviceLevelSeconds: number,
): Promise<ConversationFigures[]> {
  const group = groupKeyOf(grouping, period.timeZone, sql`f.created_at`);
  const inPeriod = sql`f.created_at >= ${period.from} AND f.created_at < ${period.to}`;
  // The not-folded branch keeps the folded rows' own column types (counts int, seconds float8): with the same types on
  // both sides PostgreSQL flattens the union, so the period applies inside each branch and the folded rows pass no
  // projection of their own (about 20 of 170 ms over 131,300 skill group rows).
  const { rows } = await reportQuery(db, (trx) =>
    sql<Record<string, string | null>>`
    WITH pending AS MATERIALIZED (
      ${perConversation(sql`(SELECT * FROM conversation_figures
                              WHERE business_unit_id = ${businessUnitId} AND NOT compacted)`)}),
    figures AS (
      SELECT ${list(KEY, (k) => k)}, ${list(COUNTS, (v) => v)}, ${list(MEASURED, (m) => m.column)}
        FROM conversation_figures f
       WHERE business_unit_id = ${businessUnitId} AND compacted AND ${inPeriod}
         AND NOT EXISTS (SELECT 1 FROM pending p WHERE p.conversation_id = f.conversation_id)
      UNION ALL
      SELECT ${list(KEY, (k) => `CASE WHEN p.keyed THEN p.${k} ELSE o.${k} END`)},
             ${list(COUNTS, (v) => `(coalesce(o.${v}, 0) + p.${v})::int`)},
             ${list(
               MEASURED,
               (m) => `CASE WHEN coalesce(o.${m.flag}, 0) + p.${m.flag} > 0
                            THEN (coalesce(o.${m.seconds}, 0) + p.${m.seconds})::float8 END`,
             )}
        FROM pending p LEFT JOIN conversation_figures o ON o.conversation_id = p.conversation_id AND o.compacted)
    SELECT r.*, ${keyName(grouping)} AS name FROM (
      SELECT (${group.key}) COLLATE "C" AS key,
             sum(f.opened) AS offered, sum(f.accepted) AS accepted, sum(f.closed) AS closed,
             count(*) FILTER (WHERE f.time_to_accept <= ${serviceLevelSeconds}) AS within_service_level,
             avg(f.time_to_accept) AS avg_time_to_accept,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY f.time_to_accept) AS p90_time_to_accept,
             avg(f.time_to_first_answer) AS avg_time_to_first_answer,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY f.time_to_first_answer) AS p90_time_to_first_answer,
             avg(f.handle_time) AS avg_handle_time,
             sum(f.sent) AS sent, sum(f.delivered) AS delivered, sum(f.failed) AS failed, sum(f.expired) AS expired,
             sum(f.replies) AS replies, sum(f.opt_outs) AS opt_outs
        FROM figures f
        LEFT JOIN campaigns c ON c.id = f.campaign_id
        ${group.join}
       WHERE f.opened > 0 AND ${inPeriod}
       GROUP BY 1) r`.execute(trx),
  );
  const count = (v: string | null) => Number(v ?? 0);
  const seconds = (v: string | null) => (v === null ? null : Math.round(Number(v) * 1000) / 1000);
  return rows.map((r) => ({
    key: r.key,
    name: r.name,
    offered: count(r.offered),
    accepted: count(r.accepted),
    closed: count(r.closed),
    withinServiceLevel: count(r.within_service_level),
    avgTimeToAccept: seconds(r.avg_time_to_accept),
    p90TimeToAccept: seconds(r.p90_time_to_accept),
    avgTimeToFirstAnswer: seconds(r.avg_time_to_first_answer),
    p90TimeToFirstAnswer: seconds(r.p90_time_to_first_answer),
    avgHandleTime: seconds(r.avg_handle_time),
    sent: count(r.sent),
    delivered: count(r.delivered),
    failed: count(r.failed),
    expired: count(r.expired),
    replies: count(r.replies),
    optOuts: count(r.opt_outs),
  }));
}
