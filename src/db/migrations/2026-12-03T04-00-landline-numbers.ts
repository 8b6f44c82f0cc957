import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

/**
 * up keeps the numbers a carrier reported as landlines (receipt error 30006), per business unit: its next campaigns
 * skip them instead of paying for a message that cannot arrive.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('landline_numbers')
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('carrier_sid', 'text')
    .addColumn('reported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('landline_numbers_pkey', ['business_unit_id', 'phone'])
    .execute();
}

/** down drops the table. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('landline_numbers').execute();
}
