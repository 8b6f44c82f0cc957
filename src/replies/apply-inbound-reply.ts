import { getBusinessUnit } from '../db/business-units';
import { appendInboundToThread, findOpenConversation, openOrJoinConversation } from '../db/conversations';
import { getInboundMessage, InboundOutcome, markInboundProcessed } from '../db/inbound-messages';
import { insertMessage } from '../db/messages';
import type { BusinessUnit, Db, InboundMessage, Sender } from '../db/schema';
import { findSenderByAddress } from '../db/senders';
import { optIn, optOut } from '../dnc/opt-outs';
import { pendingMessage } from '../outbound/outbound-message';
import { log } from '../log';
import { confirmationText } from './confirmations';
import { attributeReply, ReplyAttribution } from './reply-attribution';
import { classifyReply, ReplyClassification } from './reply-keywords';
import { explainUnrouted, unroutedOutcome, unroutedReason } from './unrouted-replies';
import { conversationReceived } from './routing';

/** InboundReplyResult is what the conversation workflow needs to know after a reply was applied. */
export interface InboundReplyResult {
  outcome: string;
  /** The open conversation the reply joined, if any: its idle timer restarts. */
  conversationId: string | null;
  /** A keyword confirmation waiting to be sent, if the system answers this reply. */
  confirmationMessageId: string | null;
}

/** REPLY_OUTCOMES names what handling a reply did (stored on the inbound message). */
export const REPLY_OUTCOMES = {
  optedOut: 'opted_out',
  optedIn: 'opted_in',
  help: 'help',
  routed: 'routed',
  noSmsChannel: unroutedOutcome('sms_channel_off'),
  noReplyHandling: unroutedOutcome('no_reply_handling'),
  unowned: 'unowned',
} as const;

/** confirmationIdempotencyKey is the carrier Idempotency-Key of the answer to one inbound message. */
export function confirmationIdempotencyKey(messageSid: string): string {
  return `reply-confirmation:${messageSid}`;
}

function resultOf(inbound: InboundMessage): InboundReplyResult {
  return {
    outcome: inbound.outcome ?? REPLY_OUTCOMES.unowned,
    conversationId: inbound.conversation_id,
    confirmationMessageId: inbound.confirmation_message_id,
  };
}

/**
 * applyInboundReply does what a contact's reply asks, once per MessageSid: a keyword changes the DNC group the reply
 * is attributed to (audited with the rule and the MessageSid) and queues its confirmation; any other message reaches
 * agents only when the business unit has the SMS channel and the campaign's skill handles replies. Every step is
 * idempotent, so a retried activity finishes the work; the stored outcome answers every later repeat.
 */
export async function applyInboundReply(db: Db, messageSid: string): Promise<InboundReplyResult> {
  const inbound = await getInboundMessage(db, messageSid);
  if (!inbound) throw new Error(`inbound message ${messageSid} was never recorded`);
  if (inbound.processed_at) return resultOf(inbound);
  const reply = classifyReply(inbound.body);
  const unit = inbound.business_unit_id ? await getBusinessUnit(db, inbound.business_unit_id) : undefined;
  const sender = await findSenderByAddress(db, inbound.to_address);
  if (!unit || !sender || sender.business_unit_id !== unit.id) {
    return resultOf(await markInboundProcessed(db, messageSid, unownedOutcome(reply)));
  }
  const attribution = await attributeReply(db, unit, sender.id, inbound.from_phone);
  const outcome = await applyKeyword(db, inbound, reply, attribution);
  const conversationId = await threadFor(db, inbound, reply, unit, sender, attribution);
  const confirmationMessageId =
    reply.kind === 'message' ? null : await queueConfirmation(db, inbound, reply.kind, unit, sender);
  const finalOutcome = outcome ?? routingOutcome(unit, attribution);
  const unrouted = unroutedReason(finalOutcome);
  // Nobody will read it: say so where an operator looks (the console lists it, /metrics counts it).
  if (unrouted)
    log.warn(
      { businessUnitId: unit.id, campaignId: attribution.campaign?.id ?? null, messageSid, reason: unrouted },
      `reply reached no agent: ${explainUnrouted(unrouted)}`,
    );
  const processed = await markInboundProcessed(db, messageSid, {
    classification: reply.kind,
    rule: reply.rule,
    outcome: finalOutcome,
    conversationId,
    confirmationMessageId,
    attribution: { campaignId: attribution.campaign?.id ?? null, skillId: attribution.skillId, senderId: sender.id },
  });
  if (conversationId) await conversationReceived(db, unit.id, conversationId);
  return resultOf(processed);
}

/** unownedOutcome records a message to a number no business unit owns (or one that cannot receive). */
export function unownedOutcome(reply: ReplyClassification): InboundOutcome {
  return {
    classification: reply.kind,
    rule: reply.rule,
    outcome: REPLY_OUTCOMES.unowned,
    conversationId: null,
    confirmationMessageId: null,
  };
}

// Opt-out and opt-in change the attributed group at once: a running campaign re-reads it before its next chunk.
async function applyKeyword(
  db: Db,
  inbound: InboundMessage,
  reply: ReplyClassification,
  attribution: ReplyAttribution,
): Promise<string | null> {
  const change = { source: 'reply' as const, rule: reply.rule, messageSid: inbound.message_sid };
  switch (reply.kind) {
    case 'opt_out':
      await optOut(db, attribution.dnc, inbound.from_phone, change);
      return REPLY_OUTCOMES.optedOut;
    case 'opt_in':
      await optIn(db, attribution.dnc, inbound.from_phone, change);
      return REPLY_OUTCOMES.optedIn;
    case 'help':
      return REPLY_OUTCOMES.help;
    default:
      return null;
  }
}

function isRoutable(unit: BusinessUnit, attribution: ReplyAttribution): boolean {
  return unit.sms_channel && attribution.replyHandling;
}

function routingOutcome(unit: BusinessUnit, attribution: ReplyAttribution): string {
  if (!unit.sms_channel) return REPLY_OUTCOMES.noSmsChannel;
  return attribution.replyHandling ? REPLY_OUTCOMES.routed : REPLY_OUTCOMES.noReplyHandling;
}

// A message opens or joins the agents' conversation when routable; a keyword only joins one already open, so the
// agent sees why the contact can no longer be answered.
async function threadFor(
  db: Db,
  inbound: InboundMessage,
  reply: ReplyClassification,
  unit: BusinessUnit,
  sender: Sender,
  attribution: ReplyAttribution,
): Promise<string | null> {
  let conversation;
  if (reply.kind !== 'message') {
    conversation = await findOpenConversation(db, unit.id, inbound.from_phone);
  } else if (isRoutable(unit, attribution)) {
    conversation = await openOrJoinConversation(db, {
      businessUnitId: unit.id,
      contact: inbound.from_phone,
      senderId: sender.id,
      campaignId: attribution.campaign?.id ?? null,
      skillId: attribution.skillId,
    });
  }
  if (!conversation) return null;
  await appendInboundToThread(db, conversation.id, { messageSid: inbound.message_sid, body: inbound.body });
  return conversation.id;
}

async function queueConfirmation(
  db: Db,
  inbound: InboundMessage,
  kind: 'opt_out' | 'opt_in' | 'help',
  unit: BusinessUnit,
  sender: Sender,
): Promise<string | null> {
  const text = confirmationText(kind, unit, sender);
  if (text === null) return null;
  const message = await insertMessage(
    db,
    pendingMessage(
      {
        businessUnitId: unit.id,
        kind: 'confirmation',
        to: inbound.from_phone,
        senderId: sender.id,
        idempotencyKey: confirmationIdempotencyKey(inbound.message_sid),
      },
      text,
    ),
  );
  return message.id;
}
