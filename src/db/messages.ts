import { Insertable, Kysely, sql } from 'kysely';
import { MessageState, SendState, UNSENT_STATES } from '../outbound/message-state';
import { retryDeadlockVictim } from './connection';
import { applyDeliveryReceipts, applyKeptReceipts } from './delivery-receipts';
import type { Database, Message, MessageTable } from './schema';

const INSERT_SLICE_ROWS = 1000;

/** insertMessagesOnce stores campaign recipients; a (campaign, record) that already has its row keeps it. */
export async function insertMessagesOnce(db: Kysely<Database>, rows: Insertable<MessageTable>[]): Promise<void> {
  // PostgreSQL takes at most 65,535 parameters per statement: a large batch goes in slices (each row is keyed, so a
  // crash between slices only leaves the rest for the retry).
  for (let i = 0; i < rows.length; i += INSERT_SLICE_ROWS) {
    await db
      .insertInto('messages')
      .values(rows.slice(i, i + INSERT_SLICE_ROWS))
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
  }
}

/** CampaignMessage is a recipient's message with the time zone its list record gives (for quiet hours). */
export type CampaignMessage = Message & { record_timezone: string | null };

function campaignMessages(db: Kysely<Database>, campaignId: string) {
  return db
    .selectFrom('messages')
    .leftJoin('list_records', 'list_records.id', 'messages.record_id')
    .selectAll('messages')
    .select('list_records.timezone as record_timezone')
    .where('messages.campaign_id', '=', campaignId)
    .where('messages.state', 'in', UNSENT_STATES);
}

/** unsentCampaignMessages returns a batch's messages still to send (pending, or sending when a run was cut off). */
export async function unsentCampaignMessages(
  db: Kysely<Database>,
  campaignId: string,
  recordIdFrom: string,
  recordIdTo: string,
): Promise<CampaignMessage[]> {
  return campaignMessages(db, campaignId)
    .where('messages.record_id', '>', recordIdFrom)
    .where('messages.record_id', '<=', recordIdTo)
    .orderBy('messages.record_id')
    .execute();
}

/** heldCampaignMessages pages by message id through every message of a campaign still unsent (held for quiet hours). */
export async function heldCampaignMessages(
  db: Kysely<Database>,
  campaignId: string,
  afterId: string,
  limit: number,
): Promise<CampaignMessage[]> {
  return campaignMessages(db, campaignId)
    .where('messages.id', '>', afterId)
    .orderBy('messages.id')
    .limit(limit)
    .execute();
}

/** markMessages moves messages to a state (with an optional error) in one statement. */
export async function markMessages(
  db: Kysely<Database>,
  ids: string[],
  state: MessageState,
  error: { code: string | null; message: string | null } = { code: null, message: null },
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('messages')
    .set({ state, error_code: error.code, error_message: error.message, updated_at: sql`now()` })
    .where('id', 'in', ids)
    .execute();
}

/**
 * markSending marks messages as handed to the carrier now (before the request goes: a crash leaves them in doubt) and
 * returns the ids it marked: one that a receipt or a look-up has meanwhile settled is not sent again.
 */
export async function markSending(db: Kysely<Database>, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .updateTable('messages')
    .set({ state: 'sending', sending_at: sql`now()`, error_code: null, error_message: null, updated_at: sql`now()` })
    .where('id', 'in', ids)
    .where('state', 'in', UNSENT_STATES)
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** markInDoubt marks messages whose send got no answer; one a receipt has meanwhile shown sent stays sent. */
export async function markInDoubt(db: Kysely<Database>, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('messages')
    .set({ state: 'in_doubt', updated_at: sql`now()` })
    .where('id', 'in', ids)
    .where('state', '=', 'sending')
    .execute();
}

/** markExpired ends messages the carrier never had as expired; one a receipt or a look-up has meanwhile settled stays. */
export async function markExpired(
  db: Kysely<Database>,
  ids: string[],
  reason: { code: string; message: string },
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('messages')
    .set({ state: 'expired', error_code: reason.code, error_message: reason.message, updated_at: sql`now()` })
    .where('id', 'in', ids)
    .where('state', 'in', UNSENT_STATES)
    .execute();
}

/** knownCarrierSids returns which of the carrier's sids are already recorded on one of our messages. */
export async function knownCarrierSids(db: Kysely<Database>, sids: string[]): Promise<Set<string>> {
  if (sids.length === 0) return new Set();
  const rows = await db.selectFrom('messages').select('carrier_sid').where('carrier_sid', 'in', sids).execute();
  return new Set(rows.map((r) => r.carrier_sid!));
}

/** SendResult is the carrier's answer for one message. */
export interface SendResult {
  id: string;
  state: SendState;
  carrierSid: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

/** recordSendResults stores the carrier's answers for a chunk of messages in one statement. */
export async function recordSendResults(db: Kysely<Database>, results: SendResult[]): Promise<void> {
  if (results.length === 0) return;
  const values = sql.join(
    results.map((r) => sql`(${r.id}::bigint, ${r.state}, ${r.carrierSid}, ${r.errorCode}, ${r.errorMessage})`),
  );
  // Receipts may already have moved a message on (a fast "delivered", its error code kept): never step back. The rows
  // are locked in id order first, as the receipts' statement locks them: a chunk's answers and the receipts that
  // outran them touch the same rows at once, and two statements locking them in different orders deadlock.
  await retryDeadlockVictim(() =>
    sql`
    WITH v(id, state, sid, code, message) AS (VALUES ${values}),
    locked AS (SELECT m.id FROM messages m WHERE m.id IN (SELECT id FROM v) ORDER BY m.id FOR UPDATE)
    UPDATE messages m
       SET state = CASE WHEN m.state IN (${sql.join(UNSENT_STATES)}) THEN v.state ELSE m.state END,
           carrier_sid = coalesce(m.carrier_sid, v.sid),
           error_code = CASE WHEN m.state IN (${sql.join(UNSENT_STATES)}) THEN v.code ELSE m.error_code END,
           error_message = CASE WHEN m.state IN (${sql.join(UNSENT_STATES)}) THEN v.message ELSE m.error_message END,
           sent_at = coalesce(m.sent_at, now()), updated_at = now()
      FROM v JOIN locked l ON l.id = v.id
     WHERE m.id = v.id`.execute(db),
  );
  // Receipts that arrived before this bookkeeping (a fast carrier) are applied now, and their kept copies go in the
  // same statement: from now on a repeat of the receipt finds its message by carrier sid.
  await applyKeptReceipts(
    db,
    results.map((r) => r.carrierSid).filter((sid): sid is string => sid !== null),
  );
}

/** insertMessage stores one outbound message that is not a campaign recipient (agent reply, cadence, confirmation). */
export async function insertMessage(db: Kysely<Database>, row: Insertable<MessageTable>): Promise<Message> {
  const inserted = await db
    .insertInto('messages')
    .values(row)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  return (
    inserted ??
    (await db
      .selectFrom('messages')
      .selectAll()
      .where('idempotency_key', '=', row.idempotency_key)
      .executeTakeFirstOrThrow())
  );
}

/**
 * applyDeliveryReceipt applies one carrier receipt (see applyDeliveryReceipts, which the status webhook uses for
 * receipts arriving together); true when it moved its message.
 */
export async function applyDeliveryReceipt(
  db: Kysely<Database>,
  carrierSid: string,
  status: string,
  errorCode: string | null,
  messageId: string | null = null,
): Promise<boolean> {
  const [outcome] = await applyDeliveryReceipts(db, [{ carrierSid, status, errorCode, messageId }]);
  return outcome === 'applied';
}

/** getMessageById loads one outbound message for the engine, which acts on behalf of its business unit. */
export async function getMessageById(db: Kysely<Database>, id: string): Promise<Message | undefined> {
  return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
}

/** lastAttributedMessage finds what last sent a contact a message from a sender: a campaign or a cadence step's skill. */
export async function lastAttributedMessage(
  db: Kysely<Database>,
  businessUnitId: string,
  contact: string,
  senderId: string,
): Promise<{ campaignId: string | null; skillId: string | null } | null> {
  // Only messages that went out count: a pending row is a campaign that has not reached the contact yet.
  const row = await db
    .selectFrom('messages')
    .select(['campaign_id', 'skill_id'])
    .where('business_unit_id', '=', businessUnitId)
    .where('to_phone', '=', contact)
    .where('sender_id', '=', senderId)
    .where((eb) => eb.or([eb('campaign_id', 'is not', null), eb('skill_id', 'is not', null)]))
    .where('sent_at', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { campaignId: row.campaign_id, skillId: row.skill_id } : null;
}
