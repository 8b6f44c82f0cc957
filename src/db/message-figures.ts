import { RawBuilder, sql, Transaction } from 'kysely';
import type { Database, Db, DbOrTransaction } from './schema';

// message_figures is kept by triggers on messages and inbound_messages (migration 2026-12-03T20-00-reports): every
// statement that changes a message, whatever module runs it, adds what it changed to the figures in its own
// transaction. Here the figures are folded and read; nothing here scans messages.

const KEY = sql.raw('business_unit_id, bucket, kind, campaign_id, skill_id, sender_id, state, error_code, accepted');

// A quarter hour's first moment to the first moment of its day in a time zone: the daily level's bucket.
const dayOf = (timeZone: string) => sql`(date_trunc('day', bucket AT TIME ZONE ${timeZone}) AT TIME ZONE ${timeZone})`;
const DAY_FIELDS = sql.raw('kind, campaign_id, skill_id, sender_id, state, error_code, accepted');

/**
 * tryFiguresLock takes a business unit's figures lock for the transaction, if no other holds it: one process at a time
 * folds a unit's figures (reads never need it: they also sum what is not folded yet).
 */
export async function tryFiguresLock(trx: Transaction<Database>, businessUnitId: string): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`
    SELECT pg_try_advisory_xact_lock(hashtext('message_figures'), hashtext(${businessUnitId})) AS locked`.execute(trx);
  return rows[0]?.locked === true;
}

/** figureDayZone is the time zone a business unit's daily figures were cut in, null while there are none. */
export async function figureDayZone(db: DbOrTransaction, businessUnitId: string): Promise<string | null> {
  const zone = await db
    .selectFrom('figure_day_zones')
    .select('time_zone')
    .where('business_unit_id', '=', businessUnitId)
    .executeTakeFirst();
  return zone?.time_zone ?? null;
}

/**
 * compactFigures folds up to `limit` of a business unit's figures written since the last fold into one row per key and
 * quarter hour, and into one per key and local day of `timeZone` (cut again from the quarter hours when the zone
 * changed), so reads stay small. Skipped when another fold of the unit holds the lock (reads are right either way: they
 * also sum the rows not folded yet). Returns how many rows it folded: fewer than `limit` means none were left.
 */
export async function compactFigures(db: Db, businessUnitId: string, timeZone: string, limit: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    if (!(await tryFiguresLock(trx, businessUnitId))) return 0;
    const sameZone = (await figureDayZone(trx, businessUnitId)) === timeZone;
    const { rows } = await sql<{ folded: string }>`
      WITH gone AS (
        DELETE FROM message_figures WHERE id IN (
          SELECT id FROM message_figures WHERE business_unit_id = ${businessUnitId} AND NOT compacted LIMIT ${limit})
        RETURNING *),
      quarters AS (
        INSERT INTO message_figures (compacted, ${KEY}, messages, segments)
        SELECT true, ${KEY}, sum(messages), sum(segments) FROM gone GROUP BY ${KEY}
        ON CONFLICT (${KEY}) WHERE compacted
        DO UPDATE SET messages = message_figures.messages + excluded.messages,
                      segments = message_figures.segments + excluded.segments),
      days AS (
        INSERT INTO message_figures_daily (business_unit_id, bucket, ${DAY_FIELDS}, messages, segments)
        SELECT business_unit_id, ${dayOf(timeZone)}, ${DAY_FIELDS}, sum(messages), sum(segments)
          FROM gone WHERE ${sameZone} GROUP BY business_unit_id, 2, ${DAY_FIELDS}
        ON CONFLICT (${KEY})
        DO UPDATE SET messages = message_figures_daily.messages + excluded.messages,
                      segments = message_figures_daily.segments + excluded.segments)
      SELECT count(*) AS folded FROM gone`.execute(trx);
    const folded = Number(rows[0]?.folded ?? 0);
    if (sameZone) return folded;
    // A new zone (or the first fold): the days are cut again from the folded quarter hours (rows written since the
    // fold are folded into the new days next time, never twice).
    await trx.deleteFrom('message_figures_daily').where('business_unit_id', '=', businessUnitId).execute();
    await sql`
      INSERT INTO message_figures_daily (business_unit_id, bucket, ${DAY_FIELDS}, messages, segments)
      SELECT business_unit_id, ${dayOf(timeZone)}, ${DAY_FIELDS}, sum(messages), sum(segments)
        FROM message_figures WHERE business_unit_id = ${businessUnitId} AND compacted
       GROUP BY business_unit_id, 2, ${DAY_FIELDS}`.execute(trx);
    await trx
      .insertInto('figure_day_zones')
      .values({ business_unit_id: businessUnitId, time_zone: timeZone })
      .onConflict((oc) => oc.column('business_unit_id').doUpdateSet({ time_zone: timeZone }))
      .execute();
    return folded;
  });
}

/**
 * reportQuery runs a report's query with PostgreSQL's JIT off and room to sort in memory. The planner's cost of a
 * report's plan (a sort per percentile) passes the JIT threshold, and compiling it took 294 of a query's 389 ms (20,000
 * conversations) while the query itself needed under 100; the agents report sorts 100,000 conversations by key and
 * each key's seconds for its p90s, which the default 4 MB of work_mem sends to disk.
 */
export async function reportQuery<T>(db: Db, query: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL jit = off`.execute(trx);
    await sql`SET LOCAL work_mem = '32MB'`.execute(trx);
    return query(trx);
  });
}

/** ReportGrouping is what a report's rows are per: a skill, a skill group, a campaign, a sender, a day or an hour. */
export type ReportGrouping = 'skill' | 'skillGroup' | 'campaign' | 'sender' | 'day' | 'hour';

/** ReportPeriod is a report's period, [from, to), and the time zone its days and hours are counted in. */
export interface ReportPeriod {
  from: Date;
  to: Date;
  timeZone: string;
  /** Both ends are midnights of the time zone: the period is whole days. */
  wholeDays: boolean;
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
  dayZone: string | null,
): Promise<FigureCell[]> {
  const group = groupKeyOf(grouping, period.timeZone, sql`f.bucket`);
  const inPeriod = sql`business_unit_id = ${businessUnitId} AND bucket >= ${period.from} AND bucket < ${period.to}`;
  // Whole days in the zone the daily figures were cut in, and no hours asked for: the day level and the rows not
  // folded yet; otherwise every quarter hour.
  const fields = sql`business_unit_id, bucket, ${DAY_FIELDS}, messages, segments`;
  const figures =
    period.wholeDays && grouping !== 'hour' && dayZone === period.timeZone
      ? sql`(SELECT ${fields} FROM message_figures_daily WHERE ${inPeriod}
             UNION ALL SELECT ${fields} FROM message_figures WHERE ${inPeriod} AND NOT compacted)`
      : sql`(SELECT ${fields} FROM message_figures WHERE ${inPeriod})`;
  const { rows } = await reportQuery(db, (trx) =>
    sql<{
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
    WITH cells AS (
      SELECT ${group.key} AS key, f.kind, f.state, f.error_code, f.accepted, s.kind AS sender_kind,
             sum(f.messages) AS messages, sum(f.segments) AS segments
        FROM ${figures} f
        LEFT JOIN campaigns c ON c.id = f.campaign_id
        LEFT JOIN senders s ON s.id = f.sender_id
        ${group.join}
       GROUP BY 1, f.kind, f.state, f.error_code, f.accepted, s.kind
      HAVING sum(f.messages) <> 0 OR sum(f.segments) <> 0),
    -- A key's name is looked up once, not once per cell.
    names AS (SELECT r.key, ${keyName(grouping)} AS name FROM (SELECT DISTINCT key FROM cells) r)
    SELECT cells.*, names.name FROM cells LEFT JOIN names ON names.key IS NOT DISTINCT FROM cells.key`.execute(trx),
  );
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
