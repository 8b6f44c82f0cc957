import { sql } from 'kysely';
import { groupKeyOf, keyName, ReportGrouping, ReportPeriod, withoutJit } from './message-figures';
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

/**
 * conversationFigures measures the conversations a business unit's contacts opened in a period (by when they were
 * opened), per key: offered is every conversation queued for agents, accepted those an agent took, closed those ended;
 * times run from the conversation's opening to its acceptance and to the first agent's answer, and handle time from
 * acceptance (else opening) to closing. Their messages count too: answers sent, delivered, failed and expired, and the
 * contacts' replies and opt-outs in them. Read from the conversations themselves over (business_unit_id, created_at).
 */
export async function conversationFigures(
  db: Db,
  businessUnitId: string,
  period: ReportPeriod,
  grouping: AgentGrouping,
  serviceLevelSeconds: number,
): Promise<ConversationFigures[]> {
  const group = groupKeyOf(grouping, period.timeZone, sql`f.created_at`);
  const toAccept = sql`extract(epoch FROM f.assigned_at - f.created_at)`;
  const toAnswer = sql`extract(epoch FROM t.first_answer_at - f.created_at)`;
  const { rows } = await withoutJit(db, (trx) =>
    sql<Record<string, string | null>>`
    SELECT r.*, ${keyName(grouping)} AS name FROM (
      SELECT ${group.key} AS key,
             count(*) AS offered, count(f.assigned_at) + count(*) FILTER (WHERE f.assigned_at IS NULL AND f.agent IS NOT NULL) AS accepted,
             count(f.closed_at) AS closed,
             count(*) FILTER (WHERE ${toAccept} <= ${serviceLevelSeconds}) AS within_service_level,
             avg(${toAccept}) AS avg_time_to_accept,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY ${toAccept}) AS p90_time_to_accept,
             avg(${toAnswer}) AS avg_time_to_first_answer,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY ${toAnswer}) AS p90_time_to_first_answer,
             avg(extract(epoch FROM f.closed_at - coalesce(f.assigned_at, f.created_at)))
               FILTER (WHERE f.agent IS NOT NULL) AS avg_handle_time,
             sum(t.sent) AS sent, sum(t.delivered) AS delivered, sum(t.failed) AS failed, sum(t.expired) AS expired,
             sum(t.replies) AS replies, sum(t.opt_outs) AS opt_outs
        FROM (SELECT conversations.* FROM conversations
               WHERE business_unit_id = ${businessUnitId}
                 AND created_at >= ${period.from} AND created_at < ${period.to}) f
        LEFT JOIN campaigns c ON c.id = f.campaign_id
        LEFT JOIN LATERAL (
          SELECT min(cm.created_at) FILTER (WHERE cm.direction = 'outbound' AND cm.agent IS NOT NULL) AS first_answer_at,
                 count(*) FILTER (WHERE cm.direction = 'outbound' AND m.carrier_sid IS NOT NULL) AS sent,
                 count(*) FILTER (WHERE m.state = 'delivered') AS delivered,
                 count(*) FILTER (WHERE m.state IN ('undelivered', 'failed')) AS failed,
                 count(*) FILTER (WHERE m.state = 'expired') AS expired,
                 count(*) FILTER (WHERE cm.direction = 'inbound' AND coalesce(im.classification, 'message') = 'message')
                   AS replies,
                 count(*) FILTER (WHERE im.classification = 'opt_out') AS opt_outs
            FROM conversation_messages cm
            LEFT JOIN messages m ON m.id = cm.message_id
            LEFT JOIN inbound_messages im ON im.message_sid = cm.inbound_sid
           WHERE cm.conversation_id = f.id) t ON true
        ${group.join}
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
