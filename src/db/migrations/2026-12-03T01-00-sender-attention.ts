import { Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.

/**
 * up records why a sender needs a person's attention: the carrier's sender- or account-level refusal (its code and
 * message, and since when). Cleared when the sender next gets a message through.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('senders')
    .addColumn('attention_code', 'text')
    .addColumn('attention_message', 'text')
    .addColumn('attention_since', 'timestamptz')
    .execute();
}

/** down removes the columns. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('senders')
    .dropColumn('attention_code')
    .dropColumn('attention_message')
    .dropColumn('attention_since')
    .execute();
}
