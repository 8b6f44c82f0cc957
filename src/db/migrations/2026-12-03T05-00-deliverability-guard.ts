import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

/**
 * up gives each business unit its deliverability guard (the share of a sender's recent receipts that may be filtered
 * or unregistered, over how many receipts) and indexes a sender's final receipts by when they landed, so the guard
 * reads a sender's last few hundred before each chunk without scanning its history.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('business_units')
    .addColumn('deliverability_share', 'double precision', (c) => c.notNull().defaultTo(0.05))
    .addColumn('deliverability_window', 'integer', (c) => c.notNull().defaultTo(500))
    .execute();
  await db.schema
    .createIndex('messages_sender_receipts')
    .on('messages')
    .columns(['sender_id', 'updated_at'])
    .where(sql.ref('state'), 'in', ['delivered', 'undelivered', 'failed'])
    .execute();
}

/** down removes the index and the columns. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_sender_receipts').ifExists().execute();
  await db.schema
    .alterTable('business_units')
    .dropColumn('deliverability_share')
    .dropColumn('deliverability_window')
    .execute();
}
