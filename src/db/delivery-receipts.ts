import { sql } from 'kysely';
import { AWAITING_RECEIPT_STATES, IN_DOUBT_STATES, receiptTarget } from '../outbound/message-state';
import { prepared, retryDeadlockVictim } from './connection';
import { recordLandlinesFrom } from './landline-numbers';
import type { Db } from './schema';

/** DeliveryReceipt is one status callback: the carrier's sid, its status and error code, and our id from its URL. */
export interface DeliveryReceipt {
  carrierSid: string;
  status: string;
  errorCode: string | null;
  /** Our message id, carried in the StatusCallback URL; null when the URL had none. */
  messageId: string | null;
}

/** ReceiptOutcome is what a receipt did: moved its message, was kept for a send not recorded yet, or nothing new. */
export type ReceiptOutcome = 'applied' | 'kept' | 'unchanged';

/**
 * applyDeliveryReceipts applies receipts in one statement, in their order per message and never backwards: a message
 * takes the first final status (delivered, undelivered, failed; expired for 30036) of its receipts, and only while it
 * waits for one, so a late `sent` or a repeat changes nothing. A receipt whose message id (from the StatusCallback URL)
 * names a message whose send got no answer (sending, in doubt) makes it adopt the carrier's sid: it is known sent and
 * never sent again. A final receipt whose sid no message holds yet (it outran the send's bookkeeping) is kept in
 * delivery_receipts until recordSendResults applies it. A landline report (30006) marks the number for the business
 * unit's next campaigns. Results are in the receipts' order.
 */
export async function applyDeliveryReceipts(db: Db, receipts: readonly DeliveryReceipt[]): Promise<ReceiptOutcome[]> {
  const rows = receipts.map((r) => ({ ...r, target: receiptTarget(r.status, r.errorCode) }));
  // queued and sent say nothing more than the send records, unless they carry our id for an adoption.
  const relevant = rows.filter((r) => r.target !== null || r.messageId !== null);
  if (relevant.length === 0) return receipts.map(() => 'unchanged');
  // Four array parameters rather than a VALUES row of five per receipt: a batch of hundreds is then about as cheap to
  // build, send and parse as a batch of one.
  const column = <T>(pick: (r: (typeof relevant)[number]) => T) => relevant.map(pick);
  const inDoubt = sql.join(IN_DOUBT_STATES);
  const awaiting = sql.join(AWAITING_RECEIPT_STATES);
  // One snapshot for the whole statement: the messages a receipt concerns are found once (by sid, or adopting through
  // our id), each is updated at most once with its first final receipt, and only receipts that found none are kept.
  // A message that changed meanwhile is re-checked by PostgreSQL against the WHERE clause before it is updated.
  // The rows are locked in id order before they are updated, as a chunk's send answers lock them (recordSendResults).
  // Only rows the statement may change are locked (a lock is a write): a `sent` for a message already sent, or a
  // repeated final receipt, only reads. A message's state never goes back to awaiting a receipt, so a row seen past it
  // cannot need the receipt by the time the lock would have been taken.
  // Prepared: planning it took about 1.1 of the 1.8 CPU-ms PostgreSQL spent per batch of 13 (now 0.55 in all).
  const { rows: done } = await retryDeadlockVictim(() =>
    sql<{ outcome: 'moved' | 'kept'; sid: string }>`${prepared('apply-delivery-receipts')}
    WITH receipt AS (
      SELECT * FROM unnest(${column((r) => r.carrierSid)}::text[], ${column((r) => r.target)}::text[],
                           ${column((r) => r.errorCode)}::text[], ${column((r) => r.messageId)}::bigint[])
        WITH ORDINALITY AS v(sid, target, code, message_id, ord)),
    adoption AS (
      SELECT DISTINCT ON (m.id) m.id, r.sid FROM receipt r JOIN messages m ON m.id = r.message_id
       WHERE m.carrier_sid IS NULL AND m.state IN (${inDoubt})
         AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.carrier_sid = r.sid)
       ORDER BY m.id, r.ord),
    final AS (SELECT DISTINCT ON (sid) sid, target, code FROM receipt WHERE target IS NOT NULL ORDER BY sid, ord),
    target AS (
      SELECT id, sid, true AS adopting, NULL AS state FROM adoption
      UNION ALL
      SELECT m.id, m.carrier_sid, false, m.state FROM messages m WHERE m.carrier_sid IN (SELECT sid FROM final)),
    locked AS (
      SELECT m.id FROM messages m
       WHERE m.id IN (SELECT t.id FROM target t LEFT JOIN final f ON f.sid = t.sid
                       WHERE t.adopting OR (f.target IS NOT NULL AND t.state IN (${awaiting})))
       ORDER BY m.id FOR UPDATE),
    moved AS (
      UPDATE messages m
         SET state = CASE WHEN f.target IS NOT NULL AND m.state IN (${awaiting}) THEN f.target ELSE 'sent' END,
             error_code = CASE WHEN f.target IS NOT NULL AND m.state IN (${awaiting}) THEN f.code ELSE m.error_code END,
             carrier_sid = coalesce(m.carrier_sid, t.sid),
             sent_at = coalesce(m.sent_at, now()),
             updated_at = now()
        FROM target t JOIN locked l ON l.id = t.id LEFT JOIN final f ON f.sid = t.sid
       WHERE m.id = t.id AND coalesce(m.carrier_sid, t.sid) = t.sid
         AND ((t.adopting AND m.carrier_sid IS NULL AND m.state IN (${inDoubt}))
           OR (f.target IS NOT NULL AND m.state IN (${awaiting})))
      RETURNING m.business_unit_id, m.to_phone, m.carrier_sid, m.error_code),
    kept AS (
      INSERT INTO delivery_receipts (carrier_sid, status, error_code)
      SELECT f.sid, f.target, f.code FROM final f WHERE NOT EXISTS (SELECT 1 FROM target t WHERE t.sid = f.sid)
      ON CONFLICT (carrier_sid) DO NOTHING
      RETURNING carrier_sid),
    -- A copy kept earlier is done with once its message moved (a repeat of the receipt found the message).
    cleared AS (DELETE FROM delivery_receipts d USING moved WHERE d.carrier_sid = moved.carrier_sid),
    ${recordLandlinesFrom('moved')}
    SELECT 'moved' AS outcome, carrier_sid AS sid FROM moved
    UNION ALL
    SELECT 'kept', carrier_sid FROM kept`.execute(db),
  );
  const moved = new Set(done.filter((d) => d.outcome === 'moved').map((d) => d.sid));
  const kept = done.filter((d) => d.outcome === 'kept').map((d) => d.sid);
  // The send's bookkeeping may have recorded a kept receipt's sid after this statement looked and before it stored
  // the copy, and its own application of kept receipts may have run before the copy was there: look once more.
  if (kept.length > 0) await applyKeptReceipts(db, kept);
  return rows.map((r) => {
    if (r.target !== null && kept.includes(r.carrierSid)) return 'kept';
    return moved.has(r.carrierSid) && (r.target !== null || r.messageId !== null) ? 'applied' : 'unchanged';
  });
}

/**
 * applyKeptReceipts applies the kept receipts of these sids whose messages now hold them (the send was recorded), and
 * removes those copies; a copy whose message is still unknown stays. Run by recordSendResults and after a kept receipt.
 */
export async function applyKeptReceipts(db: Db, carrierSids: readonly string[]): Promise<void> {
  if (carrierSids.length === 0) return;
  await sql`
    WITH kept AS (
      DELETE FROM delivery_receipts d
       WHERE d.carrier_sid IN (${sql.join(carrierSids)})
         AND EXISTS (SELECT 1 FROM messages m WHERE m.carrier_sid = d.carrier_sid)
      RETURNING carrier_sid, status, error_code),
    moved AS (
      UPDATE messages m SET state = kept.status, error_code = kept.error_code, updated_at = now()
        FROM kept
       WHERE m.carrier_sid = kept.carrier_sid AND m.state IN (${sql.join(AWAITING_RECEIPT_STATES)})
      RETURNING m.business_unit_id, m.to_phone, m.carrier_sid, m.error_code),
    ${recordLandlinesFrom('moved')}
    SELECT count(*) FROM moved`.execute(db);
}
