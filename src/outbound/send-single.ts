import type { Kysely } from 'kysely';
import { Carrier, OPTED_OUT_CODE, SendOutcome } from '../carrier/carrier';
import { phonesOnDnc } from '../db/dnc';
import { getMessageById, markMessages, recordSendResults, SendResult } from '../db/messages';
import type { Database, Message } from '../db/schema';
import { getSendersByIds } from '../db/senders';
import { scheduleSends, sleepUntil } from './send-pacer';

/** SingleSendDeps are what sending one stored message needs. */
export interface SingleSendDeps {
  db: Kysely<Database>;
  carrier: Carrier;
  statusCallbackUrl: string;
}

/** sendResultOf turns the carrier's final answer for a message into what recordSendResults stores. */
export function sendResultOf(messageId: string, outcome: SendOutcome): SendResult {
  if (outcome.kind === 'accepted') {
    return { id: messageId, state: 'sent', carrierSid: outcome.sid, errorCode: null, errorMessage: null };
  }
  const state = outcome.kind === 'opted_out' || outcome.code === OPTED_OUT_CODE ? 'opted_out' : 'failed';
  return {
    id: messageId,
    state,
    carrierSid: null,
    errorCode: String(outcome.code ?? 'rejected'),
    errorMessage: outcome.message,
  };
}

/**
 * sendSingleMessage sends one stored message (an agent's reply, a keyword confirmation) the way campaigns send: it
 * reserves a slot on the sender so the sender's rate holds across replicas, sends with the row's Idempotency-Key and
 * records the answer. A message already past sending is left alone, and transient carrier trouble is thrown
 * (CarrierUnavailableError), so a retry of the caller sends it at most once. With dncGroupIds, a contact found on one
 * of them right before the send gets nothing.
 */
export async function sendSingleMessage(
  deps: SingleSendDeps,
  messageId: string,
  options: { dncGroupIds?: readonly string[] } = {},
): Promise<Message> {
  const message = await getMessageById(deps.db, messageId);
  if (!message) throw new Error(`message ${messageId} does not exist`);
  if (message.state !== 'pending' && message.state !== 'sending') return message;
  if (!message.sender_id || message.body === null) throw new Error(`message ${messageId} has no sender or no body`);

  const onDnc = await phonesOnDnc(deps.db, [...(options.dncGroupIds ?? [])], [message.to_phone]);
  if (onDnc.has(message.to_phone)) {
    await markMessages(deps.db, [message.id], 'skipped_dnc', {
      code: 'dnc',
      message: 'the contact opted out before this message was sent',
    });
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
  await recordSendResults(deps.db, [sendResultOf(message.id, outcome)]);
  return (await getMessageById(deps.db, messageId))!;
}
