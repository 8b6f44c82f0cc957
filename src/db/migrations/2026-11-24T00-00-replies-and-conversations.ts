import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

/** up adds what reply handling needs: one open conversation per contact, why it closed, and each inbound's outcome. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('conversations')
    .addColumn('closed_reason', 'text')
    .addColumn('closed_at', 'timestamptz')
    .execute();
  // A contact has at most one open conversation per business unit, so a retried activity joins it instead of forking.
  await sql`CREATE UNIQUE INDEX conversations_one_open ON conversations (business_unit_id, contact) WHERE status <> 'closed'`.execute(
    db,
  );

  // What handling an inbound message did, so a repeated MessageSid (or a retried activity) answers the same way.
  await db.schema
    .alterTable('inbound_messages')
    .addColumn('outcome', 'text')
    .addColumn('conversation_id', 'uuid', (c) => c.references('conversations.id'))
    .addColumn('confirmation_message_id', 'bigint', (c) => c.references('messages.id'))
    .execute();
  // Attribution finds the last message a sender sent a contact; the existing index leads with the contact.
  await db.schema
    .createIndex('messages_contact_sender')
    .on('messages')
    .columns(['business_unit_id', 'to_phone', 'sender_id', 'id'])
    .execute();
}

/** down removes the reply-handling columns and indexes. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_contact_sender').ifExists().execute();
  await db.schema
    .alterTable('inbound_messages')
    .dropColumn('confirmation_message_id')
    .dropColumn('conversation_id')
    .dropColumn('outcome')
    .execute();
  await db.schema.dropIndex('conversations_one_open').ifExists().execute();
  await db.schema.alterTable('conversations').dropColumn('closed_at').dropColumn('closed_reason').execute();
}
