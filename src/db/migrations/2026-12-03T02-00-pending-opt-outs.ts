import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

// The CTIA opt-out and opt-in keywords as they stood when this ran, for rows already waiting (SQL cannot run the
// reply classifier, so the localised sets and plain-words revocations wait for their workflows as before).
const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE', 'ARRET'];
const OPT_IN_KEYWORDS = ['START', 'UNSTOP', 'YES'];

/**
 * up stores what a keyword reply asks for (opt_out, opt_in, help) on its inbound row, so every send path can honour a
 * STOP the moment it is stored, before the contact's conversation workflow applies it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inbound_messages').addColumn('keyword_kind', 'text').execute();
  await sql`UPDATE inbound_messages SET keyword_kind = CASE
      WHEN upper(btrim(body)) IN (${sql.join(OPT_OUT_KEYWORDS)}) THEN 'opt_out'
      WHEN upper(btrim(body)) IN (${sql.join(OPT_IN_KEYWORDS)}) THEN 'opt_in' END
    WHERE processed_at IS NULL AND keyword`.execute(db);
  // The DNC check asks, per batch of contacts, for each contact's latest consent change not applied yet: only those
  // rows are indexed, so the index stays as small as the backlog.
  await db.schema
    .createIndex('inbound_messages_pending_consent')
    .on('inbound_messages')
    .columns(['business_unit_id', 'from_phone', 'received_at'])
    .where(sql.ref('processed_at'), 'is', null)
    .where(sql.ref('keyword_kind'), 'in', ['opt_out', 'opt_in'])
    .execute();
}

/** down removes the column and its index. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('inbound_messages_pending_consent').ifExists().execute();
  await db.schema.alterTable('inbound_messages').dropColumn('keyword_kind').execute();
}
