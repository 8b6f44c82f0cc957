import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

/**
 * up lets the inbound webhook answer as soon as the message is stored: the row is the durable hand-off, and a
 * forwarder signals the contact's conversation workflow from it. forwarded_at says it was handed over; forward_after
 * holds a row back while one forwarder has it claimed, or after a failed attempt.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('inbound_messages')
    .addColumn('forwarded_at', 'timestamptz')
    .addColumn('forward_after', 'timestamptz')
    .execute();
  // Rows from before: handled or unowned ones need no forwarding; the others are forwarded (again, harmlessly).
  await sql`UPDATE inbound_messages SET forwarded_at = coalesce(processed_at, received_at)
             WHERE processed_at IS NOT NULL OR business_unit_id IS NULL`.execute(db);
  // Only the backlog is indexed, so finding it stays cheap however many messages have been handled.
  await db.schema
    .createIndex('inbound_messages_to_forward')
    .on('inbound_messages')
    .column('received_at')
    .where(sql.ref('forwarded_at'), 'is', null)
    .execute();
  // The forwarder keeps the number of forwarded, not yet handled messages in check: only those rows are indexed.
  await db.schema
    .createIndex('inbound_messages_unprocessed')
    .on('inbound_messages')
    .column('forwarded_at')
    .where(sql.ref('processed_at'), 'is', null)
    .execute();
}

/** down removes the forwarding columns and their index. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('inbound_messages_unprocessed').ifExists().execute();
  await db.schema.dropIndex('inbound_messages_to_forward').ifExists().execute();
  await db.schema.alterTable('inbound_messages').dropColumn('forward_after').dropColumn('forwarded_at').execute();
}
