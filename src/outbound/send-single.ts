import type { Carrier } from '../carrier/carrier';
import { getMessageById, markMessages } from '../db/messages';
import type { Db, Message } from '../db/schema';
import { getSendersByIds } from '../db/senders';
import { isBlocked, loadMessageDncScope } from '../dnc/dnc-scope';
import { scheduleSends, sleepUntil } from '../senders/send-pacer';
import { DNC_SKIP, isBlockedByDnc } from './outbound-message';
import { isUnsent } from './message-state';
import { recordSendAnswers, sendAnswerOf } from './send-results';

/** SingleSendDeps are what sending one stored message needs. */
export interface SingleSendDeps {
  db: Db;
  carrier: Carrier;
  statusCallbackUrl: string;
}

/**
 * sendSingleMessage sends one stored message (a cadence step, an agent's reply, a keyword's answer) the way campaigns
 * send: a contact the message's DNC scope blocks right before the send gets nothing (a keyword's answer is never
 * blocked), a slot is reserved on the sender so its rate holds across replicas, the row's Idempotency-Key goes with
 * the send, and the answer is recorded with the carrier's opt-out mirrored in DNC. A message already past sending is
 * left alone, and transient carrier trouble is thrown (CarrierUnavailableError), so a retry sends it at most once.
 */
export async function sendSingleMessage(deps: SingleSendDeps, messageId: string): Promise<Message> {
  const message = await getMessageById(deps.db, messageId);
  if (!message) throw new Error(`message ${messageId} does not exist`);
  if (!isUnsent(message.state)) return message;
  if (!message.sender_id || message.body === null) throw new Error(`message ${messageId} has no sender or no body`);

  const scope = await loadMessageDncScope(deps.db, message);
  if (isBlockedByDnc(message.kind) && (await isBlocked(deps.db, scope, message.to_phone))) {
    await markMessages(deps.db, [message.id], DNC_SKIP.state, DNC_SKIP);
    return (await getMessageById(deps.db, messageId))!;
  }
  const [sender] = await getSendersByIds(deps.db, message.business_unit_id, [message.sender_id]);
  if (!sender) throw new Error(`message ${messageId}: sender ${message.sender_id} is gone`);

  const [slot] = await scheduleSends(deps.db, sender.id, [message.segments]);
  if (message.state === 'pending') await markMessages(deps.db, [message.id], 'sending');
  await sleepUntil(slot);
  const outcome = await deps.carrier.send({
    to: message.to_phone,
    from: sender.address,
    body: message.body,
    idempotencyKey: message.idempotency_key,
    statusCallback: deps.statusCallbackUrl,
  });
  await recordSendAnswers(deps.db, scope, [sendAnswerOf(message, outcome)]);
  return (await getMessageById(deps.db, messageId))!;
}
