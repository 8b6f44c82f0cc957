import { Insertable, Kysely, sql } from 'kysely';
import type { Database, Message, MessageTable } from './schema';

/** MessageState is the life of one outbound SMS; a state never moves back to an earlier rank. */
export const MESSAGE_STATE_RANK: Record<string, number> = {
  pending: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
  skipped_dnc: 3,
  skipped_invalid: 3,
  opted_out: 3,
};

/** insertMessagesOnce stores campaign recipients; a (campaign, record) that already has its row keeps it. */
export async function insertMessagesOnce(db: Kysely<Database>, rows: Insertable<MessageTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('messages')
    .values(rows)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

/** unsentCampaignMessages returns the batch's messages still to send (pending, or sending when a run was cut off). */
export async function unsentCampaignMessages(
  db: Kysely<Database>,
  campaignId: string,
  recordIdFrom: string,
  recordIdTo: string,
): Promise<Message[]> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('record_id', '>', recordIdFrom)
    .where('record_id', '<=', recordIdTo)
    .where('state', 'in', ['pending', 'sending'])
    .orderBy('record_id')
    .execute();
}

/** markMessages moves messages to a state (with an optional error) in one statement. */
export async function markMessages(
  db: Kysely<Database>,
  ids: string[],
  state: string,
  error: { code: string | null; message: string | null } = { code: null, message: null },
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('messages')
    .set({ state, error_code: error.code, error_message: error.message, updated_at: sql`now()` })
    .where('id', 'in', ids)
    .execute();
}

/** SendResult is the carrier's answer for one message. */
export interface SendResult {
  id: string;
  state: 'sent' | 'failed' | 'opted_out';
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
  // Receipts may already have moved a message on (a fast "delivered"): never step back.
  await sql`
    UPDATE messages m
       SET state = CASE WHEN m.state IN ('pending', 'sending') THEN v.state ELSE m.state END,
           carrier_sid = coalesce(m.carrier_sid, v.sid),
           error_code = v.code, error_message = v.message, sent_at = coalesce(m.sent_at, now()), updated_at = now()
      FROM (VALUES ${values}) AS v(id, state, sid, code, message)
     WHERE m.id = v.id`.execute(db);
}

/** insertMessage stores one outbound message that is not a campaign recipient (agent reply, cadence, confirmation). */
export async function insertMessage(db: Kysely<Database>, row: Insertable<MessageTable>): Promise<Message> {
  const inserted = await db
    .insertInto('messages')
    .values(row)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  return inserted ?? (await db.selectFrom('messages').selectAll().where('idempotency_key', '=', row.idempotency_key).executeTakeFirstOrThrow());
}

const RECEIPT_STATES = ['queued', 'sent', 'delivered', 'undelivered', 'failed'];

/** applyDeliveryReceipt moves a message forward on a carrier receipt; repeats and stale receipts change nothing. */
export async function applyDeliveryReceipt(
  db: Kysely<Database>,
  carrierSid: string,
  status: string,
  errorCode: string | null,
): Promise<boolean> {
  if (!RECEIPT_STATES.includes(status) || status === 'queued' || status === 'sent') return false;
  const result = await db
    .updateTable('messages')
    .set({ state: status, error_code: errorCode, updated_at: sql`now()` })
    .where('carrier_sid', '=', carrierSid)
    .where('state', 'in', ['sending', 'sent'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
