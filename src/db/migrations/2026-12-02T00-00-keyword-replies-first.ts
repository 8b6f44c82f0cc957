import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

/**
 * up marks the inbound messages that change a contact's consent or ask for help (STOP, START, HELP and the plain-words
 * revocations), so a forwarding backlog (a reply storm) hands them to their workflows ahead of ordinary replies.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('inbound_messages')
    .addColumn('keyword', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  // Rows already waiting when this runs keep their arrival order (false): SQL cannot run the reply classifier.
  // The sweep looks for waiting keywords first: only those rows are indexed.
  await db.schema
    .createIndex('inbound_messages_keywords_to_forward')
    .on('inbound_messages')
    .column('received_at')
    .where(sql.ref('forwarded_at'), 'is', null)
    .where(sql.ref('keyword'), '=', true)
    .execute();
  // A keyword taken ahead of the queue brings its contact's earlier waiting messages along, in order.
  await db.schema
    .createIndex('inbound_messages_contact_to_forward')
    .on('inbound_messages')
    .columns(['business_unit_id', 'from_phone', 'received_at'])
    .where(sql.ref('forwarded_at'), 'is', null)
    .execute();
}

/** down removes the column and its indexes. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('inbound_messages_contact_to_forward').ifExists().execute();
  await db.schema.dropIndex('inbound_messages_keywords_to_forward').ifExists().execute();
  await db.schema.alterTable('inbound_messages').dropColumn('keyword').execute();
}
