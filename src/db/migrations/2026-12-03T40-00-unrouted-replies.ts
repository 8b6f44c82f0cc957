import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

/**
 * up indexes the replies that reached no agent (outcome not_routed:<reason>), newest first per business unit: the
 * console lists them and /metrics counts them on every scrape, and only those rows are in the index.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('inbound_messages_unrouted')
    .on('inbound_messages')
    .columns(['business_unit_id', 'received_at desc'])
    .where(sql.ref('outcome'), 'like', 'not_routed:%')
    .execute();
}

/** down removes the index. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('inbound_messages_unrouted').ifExists().execute();
}
