import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

// The figures table is a running GROUP BY over messages and handled inbound messages: every statement that inserts,
// updates or deletes rows adds, in the same transaction, the difference between what its new rows and its old rows
// count (statement-level triggers over the transition tables), so whichever module changes a message's state feeds the
// figures and a rolled-back change never counts. Rows are only ever inserted by the triggers (no hot row to lock);
// compactFigures folds them into one row per key (`compacted`) later.
const KEY = 'business_unit_id, bucket, kind, campaign_id, skill_id, sender_id, state, error_code, accepted';

// What one outbound message counts: nothing while it waits to be sent; otherwise its state in the quarter hour it was
// first answered by the carrier (else when it reached its state), so a late receipt moves the count of the quarter it
// was sent in, whatever day the receipt arrives. A quarter hour serves every time zone's days and hours.
function messageFigures(rows: string, sign: number): string {
  return `SELECT business_unit_id, date_bin('15 minutes', coalesce(sent_at, updated_at), timestamptz '2000-01-01') AS bucket,
                 kind, campaign_id, skill_id, sender_id, state,
                 CASE WHEN state IN ('undelivered', 'failed') THEN error_code END AS error_code,
                 carrier_sid IS NOT NULL AS accepted, ${sign} AS sign, ${sign} * segments AS segments
            FROM ${rows} WHERE state NOT IN ('pending', 'sending', 'in_doubt')`;
}

// What one inbound message counts once handled: its classification (opt_out, opt_in, help, message) in the quarter
// hour it arrived, attributed to the campaign, skill and sender it answers.
function inboundFigures(rows: string, sign: number): string {
  return `SELECT business_unit_id, date_bin('15 minutes', received_at, timestamptz '2000-01-01') AS bucket,
                 'inbound' AS kind, campaign_id, skill_id, sender_id, classification AS state,
                 NULL::text AS error_code, false AS accepted, ${sign} AS sign, 0 AS segments
            FROM ${rows} WHERE processed_at IS NOT NULL AND business_unit_id IS NOT NULL AND classification IS NOT NULL`;
}

function figuresTrigger(fn: string, figuresOf: (rows: string, sign: number) => string): string {
  const insert = (parts: string[]) => `
    INSERT INTO message_figures (${KEY}, messages, segments)
    SELECT ${KEY}, sum(sign), sum(segments) FROM (${parts.join(' UNION ALL ')}) AS delta
     GROUP BY ${KEY} HAVING sum(sign) <> 0 OR sum(segments) <> 0;`;
  return `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN ${insert([figuresOf('new_rows', 1)])}
    ELSIF TG_OP = 'UPDATE' THEN ${insert([figuresOf('old_rows', -1), figuresOf('new_rows', 1)])}
    ELSE ${insert([figuresOf('old_rows', -1)])}
    END IF;
    RETURN NULL;
  END $$`;
}

async function attachTriggers(db: Kysely<any>, table: string, fn: string): Promise<void> {
  await sql
    .raw(
      `CREATE TRIGGER ${table}_figures_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();
       CREATE TRIGGER ${table}_figures_update AFTER UPDATE ON ${table}
         REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();
       CREATE TRIGGER ${table}_figures_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_rows
         FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();`,
    )
    .execute(db);
}

/**
 * up adds what reports need: skill groups; the business unit's time zone, price per segment per sender kind and
 * service-level threshold; the campaign, skill and sender an inbound message was attributed to; when a conversation was
 * accepted; and the figures table with the triggers that keep it current (filled from the messages already stored).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('business_units')
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('segment_prices', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('service_level_seconds', 'integer', (c) => c.notNull().defaultTo(60))
    .execute();
  await db.schema
    .createTable('skill_groups')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('skill_group_skills')
    .addColumn('skill_group_id', 'uuid', (c) => c.notNull().references('skill_groups.id').onDelete('cascade'))
    .addColumn('skill_id', 'uuid', (c) => c.notNull().references('skills.id'))
    .addPrimaryKeyConstraint('skill_group_skills_pk', ['skill_group_id', 'skill_id'])
    .execute();
  await db.schema
    .alterTable('inbound_messages')
    .addColumn('campaign_id', 'uuid')
    .addColumn('skill_id', 'uuid')
    .addColumn('sender_id', 'uuid')
    .execute();
  await db.schema
    .createIndex('inbound_messages_by_campaign')
    .on('inbound_messages')
    .columns(['campaign_id', 'from_phone'])
    .where(sql.ref('campaign_id'), 'is not', null)
    .execute();
  await db.schema.alterTable('conversations').addColumn('assigned_at', 'timestamptz').execute();
  await db.schema
    .createIndex('conversations_by_creation')
    .on('conversations')
    .columns(['business_unit_id', 'created_at'])
    .execute();
  await db.schema
    .createTable('message_figures')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('compacted', 'boolean', (c) => c.notNull().defaultTo(false))
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
    .raw(`CREATE UNIQUE INDEX message_figures_key ON message_figures (${KEY}) NULLS NOT DISTINCT WHERE compacted`)
    .execute(db);
  await db.schema
    .createIndex('message_figures_by_time')
    .on('message_figures')
    .columns(['business_unit_id', 'bucket'])
    .execute();
  await sql.raw(figuresTrigger('message_figures_of_messages', messageFigures)).execute(db);
  await sql.raw(figuresTrigger('message_figures_of_inbound', inboundFigures)).execute(db);
  await sql
    .raw(
      `INSERT INTO message_figures (compacted, ${KEY}, messages, segments)
       SELECT true, ${KEY}, sum(sign), sum(segments) FROM (${messageFigures('messages', 1)}) AS f
        GROUP BY ${KEY}`,
    )
    .execute(db);
  await attachTriggers(db, 'messages', 'message_figures_of_messages');
  await attachTriggers(db, 'inbound_messages', 'message_figures_of_inbound');
}

/** down removes the figures, their triggers and the added columns and tables. */
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['messages', 'inbound_messages'])
    for (const op of ['insert', 'update', 'delete'])
      await sql.raw(`DROP TRIGGER IF EXISTS ${table}_figures_${op} ON ${table}`).execute(db);
  await sql.raw('DROP FUNCTION IF EXISTS message_figures_of_messages()').execute(db);
  await sql.raw('DROP FUNCTION IF EXISTS message_figures_of_inbound()').execute(db);
  await db.schema.dropTable('message_figures').ifExists().execute();
  await db.schema.dropIndex('conversations_by_creation').ifExists().execute();
  await db.schema.dropIndex('inbound_messages_by_campaign').ifExists().execute();
  await db.schema.alterTable('conversations').dropColumn('assigned_at').execute();
  await db.schema
    .alterTable('inbound_messages')
    .dropColumn('campaign_id')
    .dropColumn('skill_id')
    .dropColumn('sender_id')
    .execute();
  await db.schema.dropTable('skill_group_skills').ifExists().execute();
  await db.schema.dropTable('skill_groups').ifExists().execute();
  await db.schema
    .alterTable('business_units')
    .dropColumn('time_zone')
    .dropColumn('segment_prices')
    .dropColumn('service_level_seconds')
    .execute();
}
