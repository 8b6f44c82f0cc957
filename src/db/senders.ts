import { Kysely, sql } from 'kysely';
import { definedOnly } from './patch';
import { rethrowUniqueViolation } from './connection';
import type { Database, NewSender, Sender } from './schema';

/** insertSender stores a transport code; an address already registered (by any business unit) is AlreadyExists. */
export async function insertSender(db: Kysely<Database>, sender: NewSender): Promise<Sender> {
  return db
    .insertInto('senders')
    .values(sender)
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((error: unknown) =>
      rethrowUniqueViolation(error, 'address', `${sender.address} is already registered as a sender`),
    );
}

/** listSenders returns a business unit's senders, oldest first. */
export async function listSenders(db: Kysely<Database>, businessUnitId: string): Promise<Sender[]> {
  return db
    .selectFrom('senders')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .orderBy('created_at')
    .execute();
}

/** getSendersByIds loads senders of one business unit; ids of other tenants are simply absent. */
export async function getSendersByIds(db: Kysely<Database>, businessUnitId: string, ids: string[]): Promise<Sender[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('senders')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .where('id', 'in', ids)
    .execute();
}

/** findSenderByAddress finds which tenant owns a number (inbound routing). */
export async function findSenderByAddress(db: Kysely<Database>, address: string): Promise<Sender | undefined> {
  return db
    .selectFrom('senders')
    .selectAll()
    .where('address', '=', address)
    .where('kind', '<>', 'alphanumeric')
    .executeTakeFirst();
}

/** markSenderNeedsAttention records the carrier's refusal of a sender, keeping the time it was first seen. */
export async function markSenderNeedsAttention(
  db: Kysely<Database>,
  senderId: string,
  refusal: { code: string; message: string },
): Promise<void> {
  await db
    .updateTable('senders')
    .set({
      attention_code: refusal.code,
      attention_message: refusal.message,
      attention_since: sql`coalesce(attention_since, now())`,
    })
    .where('id', '=', senderId)
    .execute();
}

/** clearSenderAttention forgets a sender's refusal once a message went through it again. */
export async function clearSenderAttention(db: Kysely<Database>, senderId: string): Promise<void> {
  await db
    .updateTable('senders')
    .set({ attention_code: null, attention_message: null, attention_since: null })
    .where('id', '=', senderId)
    .where('attention_code', 'is not', null)
    .execute();
}

/** SenderPatch is what PATCH /senders/:id may change. */
export type SenderPatch = Partial<
  Pick<
    Sender,
    'mps' | 'status' | 'opt_out_text' | 'opt_in_text' | 'help_text' | 'provisioning_started_at' | 'carrier_id'
  >
>;

/** updateSender changes a sender of the business unit; undefined when it is not theirs. */
export async function updateSender(
  db: Kysely<Database>,
  businessUnitId: string,
  id: string,
  patch: SenderPatch,
): Promise<Sender | undefined> {
  const changes = definedOnly(patch);
  if (Object.keys(changes).length === 0) return (await getSendersByIds(db, businessUnitId, [id]))[0];
  return db
    .updateTable('senders')
    .set(changes)
    .where('id', '=', id)
    .where('business_unit_id', '=', businessUnitId)
    .returningAll()
    .executeTakeFirst();
}

// An idle sender's first slot starts this far ahead of the database's clock, so it is still ahead when the booking
// reaches the worker: a slot booked at "now" is already late by the round trip, and a send that late gives it up.
// Only after a real pause (IDLE_AFTER_MS): a fast sender whose schedule ran dry a few ms ago while its next chunk was
// being prepared goes on at once, or every chunk would cost it the lead.
const IDLE_START_LEAD_MS = 25;
const IDLE_AFTER_MS = 1000;

/**
 * reserveSendSlots books `slots` consecutive send slots on a sender, each 1 / (mps × rateShare) seconds long, and
 * returns when the first one starts (epoch ms) and how long each lasts. One row update serialises every worker on the
 * sender, so its rate holds however many replicas send; mps is read in the same statement, so a new limit holds at once.
 */
export async function reserveSendSlots(
  db: Kysely<Database>,
  senderId: string,
  slots: number,
  rateShare = 1,
): Promise<{ startMs: number; slotMs: number }> {
  const row = await sql<{ start_ms: number; slot_ms: number }>`
    WITH prev AS (
      SELECT id,
             CASE WHEN next_slot_at < clock_timestamp() - make_interval(secs => ${IDLE_AFTER_MS / 1000}::float8)
                  THEN clock_timestamp() + make_interval(secs => ${IDLE_START_LEAD_MS / 1000}::float8)
                  ELSE greatest(next_slot_at, clock_timestamp()) END AS start
        FROM senders WHERE id = ${senderId} FOR UPDATE)
    UPDATE senders s
       SET next_slot_at = prev.start + make_interval(secs => ${slots}::float8 / (s.mps * ${rateShare}::float8))
      FROM prev
     WHERE s.id = prev.id
    RETURNING (extract(epoch FROM prev.start) * 1000)::float8 AS start_ms,
              (1000 / (s.mps * ${rateShare}::float8))::float8 AS slot_ms`.execute(db);
  const first = row.rows[0];
  if (!first) throw new Error(`sender ${senderId} does not exist`);
  return { startMs: Number(first.start_ms), slotMs: Number(first.slot_ms) };
}
