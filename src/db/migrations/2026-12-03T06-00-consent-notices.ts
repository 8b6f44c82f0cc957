import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

/**
 * up makes PostgreSQL announce every stored STOP and START of a business unit's contact on the `contact_consent`
 * channel, in the storing transaction: listeners hear of it when it commits, before the webhook answers. The sending
 * workers keep what they hear for a last look right before each send (src/dnc/last-look.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE FUNCTION notify_contact_consent() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('contact_consent', json_build_object(
        'businessUnitId', NEW.business_unit_id, 'phone', NEW.from_phone, 'kind', NEW.keyword_kind)::text);
      RETURN NULL;
    END $$`.execute(db);
  // Only consent keywords of an owned number fire it: an ordinary reply costs the WHEN test and nothing more.
  await sql`CREATE TRIGGER inbound_consent_notice AFTER INSERT ON inbound_messages FOR EACH ROW
    WHEN (NEW.keyword_kind IN ('opt_out', 'opt_in') AND NEW.business_unit_id IS NOT NULL)
    EXECUTE FUNCTION notify_contact_consent()`.execute(db);
}

/** down removes the trigger and its function. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS inbound_consent_notice ON inbound_messages`.execute(db);
  await sql`DROP FUNCTION IF EXISTS notify_contact_consent()`.execute(db);
}
