import { RawBuilder, sql } from 'kysely';
import type { Db } from './schema';

// message_figures is kept by triggers on messages and inbound_messages (migration 2026-12-03T20-00-reports): every
// statement that changes a message, whatever module runs it, adds what it changed to the figures in its own
// transaction. Here the figures are folded and read; nothing here scans messages.

const KEY = sql.raw('business_unit_id, bucket, kind, campaign_id, skill_id, sender_id, state, error_code, accepted');

/**
 * compactFigures folds a business unit's figures written since the last fold into one row per key, so reads stay
 * small. Skipped when another fold of the unit holds the lock (reads are right either way: they sum every row).
 */
export async function compactFigures(db: Db, businessUnitId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`
      SELECT pg_try_advisory_xact_lock(hashtext('message_figures'), hashtext(${businessUnitId})) AS locked`.execute(
      trx,
    );
    if (!rows[0]?.locked) return;
    await sql`
      WITH gone AS (
        DELETE FROM message_figures WHERE business_unit_id = ${businessUnitId} AND NOT compacted RETURNING *)
      INSERT INTO message_figures (compacted, ${KEY}, messages, segments)
      SELECT true, ${KEY}, sum(messages), sum(segments) FROM gone GROUP BY ${KEY}
      ON CONFLICT (${KEY}) WHERE compacted
      DO UPDATE SET messages = message_figures.messages + excluded.messages,
                    segments = message_figures.segments + excluded.segments`.execute(trx);
  });
}

/** ReportGrouping is what a report's rows are per: a skill, a skill group, a campaign, a sender, a day or an hour. */
export type ReportGrouping = 'skill' | 'skillGroup' | 'campaign' | 'sender' | 'day' | 'hour';

/** ReportPeriod is a report's period, [from, to), and the time zone its days and hours are counted in. */
export interface ReportPeriod {
  from: Date;
  to: Date;
  timeZone: string;
}

/** GroupKey is how one grouping is read: the key of a row (SQL over the alias `f`, the alias `c` its campaign). */
interface GroupKey {
  key: RawBuilder<string | null>;
  join: RawBuilder<unknown>;
}

/**
 * groupKeyOf says how to group rows that carry a campaign, a skill (their own or their campaign's) and a sender at a
 * moment `at`; conversations are grouped the same way as message figures. A skill in several groups counts in each.
 */
export function groupKeyOf(grouping: ReportGrouping | 'agent', timeZone: string, at: RawBuilder<Date>): GroupKey {
  const none = sql``;
  switch (grouping) {
    case 'skill':
      return { key: sql`coalesce(f.skill_id, c.skill_id)::text`, join: none };
    case 'skillGroup':
      return {
        key: sql`gs.skill_group_id::text`,
        join: sql`LEFT JOIN skill_group_skills gs ON gs.skill_id = coalesce(f.skill_id, c.skill_id)`,
      };
    case 'campaign':
      return { key: sql`f.campaign_id::text`, join: none };
    case 'sender':
      return { key: sql`f.sender_id::text`, join: none };
    case 'agent':
      return { key: sql`f.agent`, join: none };
    case 'day':
      return { key: sql`to_char(${at} AT TIME ZONE ${timeZone}, 'YYYY-MM-DD')`, join: none };
    case 'hour':
      return { key: sql`to_char(${at} AT TIME ZONE ${timeZone}, 'YYYY-MM-DD"T"HH24:00')`, join: none };
  }
}

/** keyName is the display name of a grouping key `r.key` (a skill's, group's or campaign's name, a sender's address). */
export function keyName(grouping: ReportGrouping | 'agent'): RawBuilder<string | null> {
  switch (grouping) {
    case 'skill':
      return sql`(SELECT name FROM skills WHERE id = r.key::uuid)`;
    case 'skillGroup':
      return sql`(SELECT name FROM skill_groups WHERE id = r.key::uuid)`;
    case 'campaign':
      return sql`(SELECT name FROM campaigns WHERE id = r.key::uuid)`;
    case 'sender':
      return sql`(SELECT address FROM senders WHERE id = r.key::uuid)`;
    default:
      return sql`NULL::text`;
  }
}

/** FigureCell is one sum of figures of a report row: messages (or inbound messages) in one state. */
export interface FigureCell {
  key: string | null;
  name: string | null;
  kind: string;
  state: string;
  errorCode: string | null;
  accepted: boolean;
  senderKind: string | null;
  messages: number;
  segments: number;
}

/** figureCells sums a business unit's figures in a period per grouping key, state, error code and sender kind. */
export async function figureCells(
  db: Db,
  businessUnitId: string,
  period: ReportPeriod,
  grouping: ReportGrouping,
): Promise<FigureCell[]> {
  const group = groupKeyOf(grouping, period.timeZone, sql`f.bucket`);
  const { rows } = await sql<{
    key: string | null;
    name: string | null;
    kind: string;
    state: string;
    error_code: string | null;
    accepted: boolean;
    sender_kind: string | null;
    messages: string;
    segments: string;
  }>`
    SELECT r.*, ${keyName(grouping)} AS name FROM (
      SELECT ${group.key} AS key, f.kind, f.state, f.error_code, f.accepted, s.kind AS sender_kind,
             sum(f.messages) AS messages, sum(f.segments) AS segments
        FROM message_figures f
        LEFT JOIN campaigns c ON c.id = f.campaign_id
        LEFT JOIN senders s ON s.id = f.sender_id
        ${group.join}
       WHERE f.business_unit_id = ${businessUnitId} AND f.bucket >= ${period.from} AND f.bucket < ${period.to}
       GROUP BY 1, f.kind, f.state, f.error_code, f.accepted, s.kind
      HAVING sum(f.messages) <> 0 OR sum(f.segments) <> 0) r`.execute(db);
  return rows.map((r) => ({
    key: r.key,
    name: r.name,
    kind: r.kind,
    state: r.state,
    errorCode: r.error_code,
    accepted: r.accepted,
    senderKind: r.sender_kind,
    messages: Number(r.messages),
    segments: Number(r.segments),
  }));
}
