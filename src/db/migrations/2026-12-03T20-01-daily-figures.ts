import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

const DAY_KEY = 'business_unit_id, bucket, kind, campaign_id, skill_id, sender_id, state, error_code, accepted';

/**
 * up adds the day level of the figures: the quarter-hour figures folded per local day of the business unit's time zone
 * (bucket = the moment that day starts), which a report over whole days reads instead of every quarter hour, and the
 * time zone the days were cut in (a change of zone cuts them again). Figures not folded yet get an index of their own,
 * so a read finds them without walking the folded ones.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('message_figures_daily')
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull())
    .addColumn('bucket', 'timestamptz', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'uuid')
    .addColumn('skill_id', 'uuid')
    .addColumn('sender_id', 'uuid')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('accepted', 'boolean', (c) => c.notNull())
    .addColumn('messages', 'bigint', (c) => c.notNull())
    .addColumn('segments', 'bigint', (c) => c.notNull())
    .execute();
  await sql
    .raw(`CREATE UNIQUE INDEX message_figures_daily_key ON message_figures_daily (${DAY_KEY}) NULLS NOT DISTINCT`)
    .execute(db);
  await db.schema
    .createTable('figure_day_zones')
    .addColumn('business_unit_id', 'uuid', (c) => c.primaryKey())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('message_figures_unfolded')
    .on('message_figures')
    .columns(['business_unit_id', 'bucket'])
    .where(sql.ref('compacted'), '=', false)
    .execute();
}

/** down removes the day level. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('message_figures_unfolded').ifExists().execute();
  await db.schema.dropTable('figure_day_zones').ifExists().execute();
  await db.schema.dropTable('message_figures_daily').ifExists().execute();
}
