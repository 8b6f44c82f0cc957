import { Kysely } from 'kysely';
import { RECEIPT_STATES } from '../outbound/message-state';
import type { Database } from './schema';

/** ReceiptTally is how many of a sender's recent final receipts there are and how many carry one of the codes. */
export interface ReceiptTally {
  receipts: number;
  flagged: number;
}

/**
 * recentReceiptTally counts a sender's last `window` final receipts that landed since `since`, and how many of them
 * carry one of `codes` (the receipt's ErrorCode): one index range scan (messages_sender_receipts), newest first.
 */
export async function recentReceiptTally(
  db: Kysely<Database>,
  query: { senderId: string; since: Date; window: number; codes: readonly string[] },
): Promise<ReceiptTally> {
  const recent = db
    .selectFrom('messages')
    .select('error_code')
    .where('sender_id', '=', query.senderId)
    .where('state', 'in', RECEIPT_STATES)
    .where('updated_at', '>=', query.since)
    .orderBy('updated_at', 'desc')
    .limit(query.window)
    .as('recent');
  const row = await db
    .selectFrom(recent)
    .select((eb) => [
      eb.fn.countAll<string>().as('receipts'),
      eb.fn
        .countAll<string>()
        .filterWhere('error_code', 'in', [...query.codes])
        .as('flagged'),
    ])
    .executeTakeFirstOrThrow();
  return { receipts: Number(row.receipts), flagged: Number(row.flagged) };
}
