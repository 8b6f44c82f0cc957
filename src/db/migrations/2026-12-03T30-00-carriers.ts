import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

/**
 * up adds carriers as a resource of the business unit (settings in the clear, secrets only as AES-256-GCM ciphertext)
 * and lets a sender name one; a sender without one sends through the environment's Twilio carrier, as before. A
 * carrier a sender still uses cannot be deleted (RESTRICT backs the API's 409 when two requests race).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('carriers')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('twilio', 'smpp')`))
    .addColumn('settings', 'jsonb', (c) => c.notNull())
    .addColumn('secrets', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('carriers_name_unique')
    .on('carriers')
    .columns(['business_unit_id', 'name'])
    .unique()
    .execute();
  await db.schema
    .alterTable('senders')
    .addColumn('carrier_id', 'uuid', (c) => c.references('carriers.id').onDelete('restrict'))
    .execute();
  await db.schema
    .createIndex('senders_carrier')
    .on('senders')
    .column('carrier_id')
    .where('carrier_id', 'is not', null)
    .execute();
}

/** down removes the senders' carrier and the carriers. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('senders').dropColumn('carrier_id').execute();
  await db.schema.dropTable('carriers').execute();
}
