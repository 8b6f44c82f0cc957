import { Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.

/**
 * up lets a campaign say how long its messages stay worth sending: valid_for_seconds (counted from started_at, when
 * it first went running) or expires_at. A recipient not sent by then ends in the message state 'expired'.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('campaigns')
    .addColumn('valid_for_seconds', 'integer')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('started_at', 'timestamptz')
    .execute();
}

/** down removes the columns. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('campaigns')
    .dropColumn('valid_for_seconds')
    .dropColumn('expires_at')
    .dropColumn('started_at')
    .execute();
}
