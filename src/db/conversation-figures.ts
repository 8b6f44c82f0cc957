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
const list = (names: readonly string[], of: (name: string) => string) => sql.raw(names.map(of).join(', '));

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
    // Oldest first: a conversation's keyed differences must be folded in the order they were written.
    const { rows } = await sql<{ folded: string }>`
      WITH gone AS (
        DELETE FROM conversation_figures WHERE id IN (
          SELECT id FROM conversation_figures WHERE business_unit_id = ${businessUnitId} AND NOT compacted
           ORDER BY id LIMIT ${limit})
        RETURNING *),
      folded AS (
        INSERT INTO conversation_figures (compacted, conversation_id, business_unit_id, keyed, ${list(KEY, (k) => k)},
                                          ${list(VALUES, (v) => v)})
        SELECT true, conversation_id, business_unit_id, true, ${list(KEY, (k) => k)}, ${list(VALUES, (v) => v)}
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
 * averages and p90), with the differences not folded yet.
 */
export async function conversationFigures(
  db: Db,
  businessUnitId: string,
  period: ReportPeriod,
  grouping: AgentGrouping,
  serviceLevelSeconds: number,
): Promise<ConversationFigures[]> {
  const group = groupKeyOf(grouping, period.timeZone, sql`f.created_at`);
  // Seconds are stored exact (numeric: differences cancel); float8 sorts and averages several times faster.
  const measured = (flag: string, seconds: string) => sql.raw(`CASE WHEN f.${flag} > 0 THEN f.${seconds}::float8 END`);
  const toAccept = measured('assigned', 'to_accept');
  const toAnswer = measured('answered', 'to_answer');
  const inPeriod = sql`f.created_at >= ${period.from} AND f.created_at < ${period.to}`;
  const { rows } = await reportQuery(db, (trx) =>
    sql<Record<string, string | null>>`
    WITH pending AS MATERIALIZED (
      ${perConversation(sql`(SELECT * FROM conversation_figures
                              WHERE business_unit_id = ${businessUnitId} AND NOT compacted)`)}),
    figures AS (
      SELECT ${list(KEY, (k) => k)}, ${list(VALUES, (v) => v)} FROM conversation_figures f
       WHERE business_unit_id = ${businessUnitId} AND compacted AND ${inPeriod}
         AND NOT EXISTS (SELECT 1 FROM pending p WHERE p.conversation_id = f.conversation_id)
      UNION ALL
      SELECT ${list(KEY, (k) => `CASE WHEN p.keyed THEN p.${k} ELSE o.${k} END`)},
             ${list(VALUES, (v) => `coalesce(o.${v}, 0) + p.${v}`)}
        FROM pending p LEFT JOIN conversation_figures o ON o.conversation_id = p.conversation_id AND o.compacted)
    SELECT r.*, ${keyName(grouping)} AS name FROM (
      SELECT (${group.key}) COLLATE "C" AS key,
             sum(f.opened) AS offered, sum(f.accepted) AS accepted, sum(f.closed) AS closed,
             count(*) FILTER (WHERE ${toAccept} <= ${serviceLevelSeconds}) AS within_service_level,
             avg(${toAccept}) AS avg_time_to_accept,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY ${toAccept}) AS p90_time_to_accept,
             avg(${toAnswer}) AS avg_time_to_first_answer,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY ${toAnswer}) AS p90_time_to_first_answer,
             avg(${measured('handled', 'handle')}) AS avg_handle_time,
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
