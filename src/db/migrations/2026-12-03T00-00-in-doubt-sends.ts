import { Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.

/**
 * up records when a message was last handed to the carrier (sending_at): a send whose answer never came back is looked
 * up at the carrier among the messages created since then, and only resent once the carrier has had time to show it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('sending_at', 'timestamptz').execute();
}

/** down removes the column. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('sending_at').execute();
}
