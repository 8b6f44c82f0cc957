import { OPTED_OUT_CODE, SendOutcome } from '../carrier/carrier';
import { recordSendResults, SendResult } from '../db/messages';
import type { Db, Message } from '../db/schema';
import type { DncScope } from '../dnc/dnc-scope';
import { recordCarrierOptOut } from '../dnc/opt-outs';

// The one owner of what a carrier's answer does to a message and to the DNC lists, for every send path.

/** SendAnswer is the carrier's final answer for one message, with the contact it was for. */
export interface SendAnswer extends SendResult {
  to: string;
}

/** sendAnswerOf turns the carrier's final answer for a message into what is stored. */
export function sendAnswerOf(message: Pick<Message, 'id' | 'to_phone'>, outcome: SendOutcome): SendAnswer {
  const base = { id: message.id, to: message.to_phone };
  if (outcome.kind === 'accepted') {
    return { ...base, state: 'sent', carrierSid: outcome.sid, errorCode: null, errorMessage: null };
  }
  const optedOut = outcome.kind === 'opted_out' || outcome.code === OPTED_OUT_CODE;
  return {
    ...base,
    state: optedOut ? 'opted_out' : 'failed',
    carrierSid: null,
    errorCode: String(outcome.code ?? 'rejected'),
    errorMessage: outcome.message,
  };
}

/**
 * recordSendAnswers stores the carrier's answers for messages of one DNC scope, and mirrors each contact the carrier
 * reports unsubscribed (21610) in the scope's opt-out group, so no later message of any kind reaches them.
 */
export async function recordSendAnswers(db: Db, scope: DncScope, answers: SendAnswer[]): Promise<void> {
  await recordSendResults(db, answers);
  for (const answer of answers.filter((a) => a.state === 'opted_out')) {
    await recordCarrierOptOut(db, scope, answer.to);
  }
}
