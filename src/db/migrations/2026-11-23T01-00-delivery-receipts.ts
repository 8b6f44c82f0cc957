import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

/** up keeps every delivery receipt by carrier sid, because a fast receipt can arrive before the send is recorded. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('delivery_receipts')
    .addColumn('carrier_sid', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

/** down drops the receipts table. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('delivery_receipts').execute();
}
