import { InDoubtHeld, type Carrier } from '../carrier/carrier';
import { applyDeliveryReceipt, getMessageById, knownCarrierSids } from '../db/messages';
import type { Db, Message } from '../db/schema';
import type { DncScope } from '../dnc/dnc-scope';
import { isInDoubt } from './message-state';
import { recordSendAnswers } from './send-results';

// Real carriers ignore idempotency keys (Twilio's CreateMessage has none), so a send whose answer never came back
// (a timeout, a connection dropped after the request was written, a worker killed mid-send) is never simply sent
// again: it is looked up at the carrier first. This module is that look-up, for every send path.

/** InDoubtDeps are what a look-up needs: the store, the carrier and how long the carrier may take to show a message. */
export interface InDoubtDeps {
  db: Db;
  carrier: Carrier;
  /** How long after a send the carrier's list is trusted to show it; until then "not found" proves nothing. */
  settleMs: number;
  now?: () => number;
}

/** InDoubtMessage is what the look-up reads of a message. */
export type InDoubtMessage = Pick<
  Message,
  'id' | 'sender_id' | 'to_phone' | 'body' | 'carrier_sid' | 'sending_at' | 'updated_at'
>;

/** Reconciliation is what the carrier's records say of an in-doubt send. */
export type Reconciliation =
  /** The carrier has it: its sid was adopted and the message recorded as sent (and its final status, if any). */
  | { verdict: 'sent'; carrierSid: string | null }
  /** The carrier does not have it, and has had time to show it: send it again. */
  | { verdict: 'not_sent' }
  /** Not found yet, but too soon to say (epoch ms when it will be). */
  | { verdict: 'unsettled'; settlesAt: number }
  /** The carrier cannot be asked and holds such sends for an operator: the message stays in doubt. */
  | { verdict: 'held' };

// The carrier's clock and ours differ a little: its creation time may read slightly before our sending mark.
const CLOCK_SKEW_MS = 5000;

/**
 * reconcileInDoubt looks an in-doubt message up at the carrier (the sender's messages to the contact with the same
 * body, created since the message was handed over, whose sid no other message of ours holds). Found: its sid and
 * status are adopted and recorded (an opt-out reported later still lands through the scope). Throws
 * CarrierUnavailableError when the carrier cannot answer the look-up now.
 */
export async function reconcileInDoubt(
  deps: InDoubtDeps,
  scope: DncScope,
  message: InDoubtMessage,
  from: string,
): Promise<Reconciliation> {
  // The caller's copy may be old: a receipt that carried our id may have adopted the carrier's sid meanwhile.
  const current = await getMessageById(deps.db, message.id);
  if (!current || !isInDoubt(current.state)) return { verdict: 'sent', carrierSid: current?.carrier_sid ?? null };
  if (current.carrier_sid) return adopt(deps, scope, current, current.carrier_sid);
  const now = deps.now?.() ?? Date.now();
  const handedOverAt = new Date(current.sending_at ?? current.updated_at).getTime();
  const candidates = await findSent(deps, {
    senderId: message.sender_id ?? undefined,
    to: message.to_phone,
    from,
    body: message.body ?? '',
    since: handedOverAt - CLOCK_SKEW_MS,
  });
  if (candidates === null) return { verdict: 'held' };
  const known = await knownCarrierSids(
    deps.db,
    candidates.map((c) => c.sid),
  );
  // Oldest first: had the send gone twice, the first one is this message's, the second a duplicate to report.
  const match = candidates.filter((c) => !known.has(c.sid)).sort((a, b) => a.createdAt - b.createdAt)[0];
  if (match) {
    const found = await adopt(deps, scope, message, match.sid);
    await applyDeliveryReceipt(deps.db, match.sid, match.status, match.errorCode);
    return found;
  }
  const settlesAt = handedOverAt + deps.settleMs;
  return now >= settlesAt ? { verdict: 'not_sent' } : { verdict: 'unsettled', settlesAt };
}

// An SMPP carrier set to hold answers InDoubtHeld: nothing to find, and nothing to resend.
async function findSent(deps: InDoubtDeps, query: Parameters<Carrier['findSent']>[0]) {
  try {
    return await deps.carrier.findSent(query);
  } catch (error) {
    if (error instanceof InDoubtHeld) return null;
    throw error;
  }
}

async function adopt(deps: InDoubtDeps, scope: DncScope, message: InDoubtMessage, carrierSid: string) {
  const answer = { id: message.id, to: message.to_phone, state: 'sent' as const, carrierSid };
  await recordSendAnswers(deps.db, scope, [{ ...answer, errorCode: null, errorMessage: null }]);
  return { verdict: 'sent' as const, carrierSid };
}
