import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

// A conversation's seconds as the agents report reads them: float8, null when not measured. The rollup keeps them
// numeric (exact, so signed differences cancel), and PostgreSQL turns a numeric into a float8 through its text form:
// six such casts a conversation were the largest single cost of the report (about 70 of 250 ms over 131,300 skill
// group rows). Stored, they are cast once when a row is written (a fold, a trigger's difference), never on a read.
const MEASURED: { column: string; flag: string; seconds: string }[] = [
  { column: 'time_to_accept', flag: 'assigned', seconds: 'to_accept' },
  { column: 'time_to_first_answer', flag: 'answered', seconds: 'to_answer' },
  { column: 'handle_time', flag: 'handled', seconds: 'handle' },
];
const KEY = ['created_at', 'campaign_id', 'skill_id', 'sender_id', 'agent'];

/**
 * up adds the measured seconds as float8 columns generated from the exact ones, and gives back their key to folded
 * rows that lost it: before this, a fold whose chunk held only a conversation's unkeyed differences (an answer, a
 * receipt) wrote that chunk's empty key over the folded one, and the conversation dropped out of every report. The key
 * of a folded row is its conversation's own (the newest keyed difference is the conversation as it is now).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const columns = MEASURED.map(
    ({ column, flag, seconds }) =>
      `ADD COLUMN ${column} float8 GENERATED ALWAYS AS (CASE WHEN ${flag} > 0 THEN ${seconds}::float8 END) STORED`,
  );
  await sql.raw(`ALTER TABLE conversation_figures ${columns.join(', ')}`).execute(db);
  await sql
    .raw(
      `UPDATE conversation_figures f SET ${KEY.map((k) => `${k} = c.${k}`).join(', ')}
         FROM conversations c
        WHERE f.compacted AND c.id = f.conversation_id
          AND (${KEY.map((k) => `f.${k}`).join(', ')}) IS DISTINCT FROM (${KEY.map((k) => `c.${k}`).join(', ')})`,
    )
    .execute(db);
}

/** down removes the float8 seconds (the keys given back stay: they are the right ones). */
export async function down(db: Kysely<any>): Promise<void> {
  const columns = MEASURED.map(({ column }) => `DROP COLUMN ${column}`);
  await sql.raw(`ALTER TABLE conversation_figures ${columns.join(', ')}`).execute(db);
}
