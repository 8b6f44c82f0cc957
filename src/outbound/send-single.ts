import { CarrierInDoubtError, CarrierUnavailableError, type Carrier } from '../carrier/carrier';
import { getMessageById, markInDoubt, markMessages, markSending } from '../db/messages';
import type { Db, Message } from '../db/schema';
import { clearSenderAttention, getSendersByIds, markSenderNeedsAttention } from '../db/senders';
import { isBlocked, loadMessageDncScope } from '../dnc/dnc-scope';
import type { LastLook } from '../dnc/last-look';
import { scheduleSends, sleepUntil } from '../senders/send-pacer';
import { reconcileInDoubt } from './in-doubt';
import { isInDoubt, isUnsent } from './message-state';
import { DNC_SKIP, isBlockedByDnc, statusCallbackFor } from './outbound-message';
import { recordSendAnswers, sendAnswerOf } from './send-results';

/** SingleSendDeps are what sending one stored message needs. */
export interface SingleSendDeps {
  db: Db;
  carrier: Carrier;
  statusCallbackUrl: string;
  /** How long after a send the carrier's list is trusted to show it (CARRIER_SETTLE_MS). */
  settleMs: number;
  /** The worker's last look at STOPs stored after the DNC read, right before the send (none: that read is the last). */
  lastLook?: LastLook;
}

/**
 * sendSingleMessage sends one stored message (a cadence step, an agent's reply, a keyword's answer) the way campaigns
 * send: a message that may already be at the carrier (an earlier attempt got no answer) is looked up there first and
 * never sent twice; a contact the message's DNC scope blocks right before the send gets nothing (a keyword's answer is
 * never blocked); a slot is reserved on the sender so its rate holds across replicas; the answer is recorded with the
 * carrier's opt-out mirrored in DNC. Transient carrier trouble, and an in-doubt send not yet settled, are thrown
 * (CarrierUnavailableError): the caller's retry comes back here and finds out.
 */
export async function sendSingleMessage(deps: SingleSendDeps, messageId: string): Promise<Message> {
  const message = await getMessageById(deps.db, messageId);
  if (!message) throw new Error(`message ${messageId} does not exist`);
  if (!isUnsent(message.state)) return message;
  if (!message.sender_id || message.body === null) throw new Error(`message ${messageId} has no sender or no body`);
  const [sender] = await getSendersByIds(deps.db, message.business_unit_id, [message.sender_id]);
  if (!sender) throw new Error(`message ${messageId}: sender ${message.sender_id} is gone`);
  const scope = await loadMessageDncScope(deps.db, message);

  if (isInDoubt(message.state)) {
    const found = await reconcileInDoubt(deps, scope, message, sender.address);
    if (found.verdict === 'sent' || found.verdict === 'held') return (await getMessageById(deps.db, messageId))!;
    if (found.verdict === 'unsettled') {
      const retryAfterMs = found.settlesAt - Date.now();
      throw new CarrierUnavailableError(`message ${messageId} is in doubt: waiting for the carrier to show it`, {
        retryAfterMs,
      });
    }
  }
  const skipForDnc = async () => {
    await markMessages(deps.db, [message.id], DNC_SKIP.state, DNC_SKIP);
    return (await getMessageById(deps.db, messageId))!;
  };
  const readAt = Date.now();
  if (isBlockedByDnc(message.kind) && (await isBlocked(deps.db, scope, message.to_phone))) return skipForDnc();

  const [slot] = await scheduleSends(deps.db, sender.id, [message.segments]);
  await markSending(deps.db, [message.id]);
  await sleepUntil(slot);
  // A STOP stored while the slot was awaited: nothing but microtasks between this look and the request.
  if (isBlockedByDnc(message.kind) && (await deps.lastLook?.stoppedSince(scope, message.to_phone, readAt)))
    return skipForDnc();
  let outcome;
  try {
    outcome = await deps.carrier.send({
      senderId: sender.id,
      to: message.to_phone,
      from: sender.address,
      body: message.body,
      idempotencyKey: message.idempotency_key,
      statusCallback: statusCallbackFor(deps.statusCallbackUrl, message.id),
    });
  } catch (error) {
    // The next attempt looks it up before anything else.
    if (error instanceof CarrierInDoubtError) await markInDoubt(deps.db, [message.id]);
    throw error;
  }
  if (outcome.kind === 'sender_refused') {
    // Never the contact's failure: the sender needs a person, and the message waits for the fix (retried later).
    const code = outcome.code === null ? 'none' : String(outcome.code);
    await markSenderNeedsAttention(deps.db, sender.id, { code, message: outcome.message });
    await markMessages(deps.db, [message.id], 'pending');
    throw new CarrierUnavailableError(`the carrier refused sender ${sender.address} (${code}): ${outcome.message}`);
  }
  await recordSendAnswers(deps.db, scope, [sendAnswerOf(message, outcome)]);
  if (outcome.kind === 'accepted' && sender.attention_code !== null) await clearSenderAttention(deps.db, sender.id);
  return (await getMessageById(deps.db, messageId))!;
}
