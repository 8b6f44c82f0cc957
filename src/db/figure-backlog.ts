import { sql } from 'kysely';
import type { Db } from './schema';

/** UnitToFold is a business unit whose figures have something to fold, and the time zone its days are cut in. */
export interface UnitToFold {
  businessUnitId: string;
  timeZone: string;
}

// The first business unit after `after` with rows not folded yet in `table`, over its partial index (a skip scan:
// a backlog of millions of rows costs one index probe per business unit).
const nextUnit = (table: string, after: string) =>
  sql.raw(`(SELECT business_unit_id FROM ${table} WHERE NOT compacted AND business_unit_id > ${after}
             ORDER BY business_unit_id LIMIT 1)`);

/**
 * figuresToFold lists the business units with message or conversation figures not folded yet, and those whose daily
 * message figures were cut in another time zone than their own now.
 */
export async function figuresToFold(db: Db): Promise<UnitToFold[]> {
  const unfolded = (table: string) => sql`
    WITH RECURSIVE units AS (
      SELECT ${nextUnit(table, "'00000000-0000-0000-0000-000000000000'::uuid")} AS id
      UNION ALL SELECT ${nextUnit(table, 'units.id')} FROM units WHERE units.id IS NOT NULL)
    SELECT id FROM units WHERE id IS NOT NULL`;
  const { rows } = await sql<{ id: string; time_zone: string }>`
    SELECT b.id, b.time_zone FROM business_units b
     WHERE b.id IN (${unfolded('message_figures')}) OR b.id IN (${unfolded('conversation_figures')})
        OR EXISTS (SELECT 1 FROM figure_day_zones z WHERE z.business_unit_id = b.id AND z.time_zone <> b.time_zone)
     ORDER BY b.id`.execute(db);
  return rows.map((r) => ({ businessUnitId: r.id, timeZone: r.time_zone }));
}
