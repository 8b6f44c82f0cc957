import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { OPTED_OUT_CODE } from '../carrier/carrier';
import { getConversation, recordAgentReply } from '../db/conversations';
import { addDncEntry, phonesOnDnc } from '../db/dnc';
import { getMessageById } from '../db/messages';
import type { Conversation, Database, Message } from '../db/schema';
import { log } from '../log';
import { sendSingleMessage, SingleSendDeps } from '../senders/send-single';
import { measureSms } from '../templates';
import { isOpenConversation } from './conversation-status';
import { conversationDncScope } from './reply-attribution';

/** AgentReplyRefusal says why an agent cannot answer now (the API's 409). */
export class AgentReplyRefusal extends Error {
  constructor(
    readonly code: 'conversation_closed' | 'opted_out',
    message: string,
  ) {
    super(message);
  }
}

/**
 * acceptAgentReply stores an agent's answer as a pending SMS from the number the contact wrote to, refusing it when
 * the conversation is closed or the contact has opted out. Sending is the conversation workflow's job.
 */
export async function acceptAgentReply(
  db: Kysely<Database>,
  conversation: Conversation,
  reply: { body: string; agent: string | null },
): Promise<{ message: Message; threadEntryId: string }> {
  if (!isOpenConversation(conversation.status)) {
    throw new AgentReplyRefusal('conversation_closed', `conversation ${conversation.id} is closed`);
  }
  const scope = await conversationDncScope(db, conversation);
  if ((await phonesOnDnc(db, scope.dncGroupIds, [conversation.contact])).size > 0) {
    throw new AgentReplyRefusal(
      'opted_out',
      `the contact of conversation ${conversation.id} has opted out of messages`,
    );
  }
  const agent = reply.agent ?? conversation.agent;
  const accepted = await recordAgentReply(db, conversation, {
    body: reply.body,
    agent,
    segments: measureSms(reply.body).segments,
    // Fixed now and stored with the row, so every retry of the send carries the same key.
    idempotencyKey: `agent-reply:${conversation.id}:${randomUUID()}`,
  });
  const ids = { conversationId: conversation.id, messageId: accepted.message.id };
  log.info({ ...ids, contact: conversation.contact, agent }, 'agent reply accepted');
  return accepted;
}

/**
 * sendAgentReply sends a stored agent reply unless the contact opted out meanwhile; a carrier that reports the
 * contact unsubscribed (21610) puts them on the conversation's DNC group, as campaigns do.
 */
export async function sendAgentReply(deps: SingleSendDeps, messageId: string): Promise<Message> {
  const message = await getMessageById(deps.db, messageId);
  if (!message?.conversation_id) throw new Error(`message ${messageId} is not an agent reply`);
  const conversation = await getConversation(deps.db, message.business_unit_id, message.conversation_id);
  if (!conversation) throw new Error(`message ${messageId}: conversation ${message.conversation_id} is gone`);
  const scope = await conversationDncScope(deps.db, conversation);
  const sent = await sendSingleMessage(deps, messageId, { dncGroupIds: scope.dncGroupIds });
  if (sent.state === 'opted_out') {
    await addDncEntry(deps.db, scope.optOutGroupId, sent.to_phone, {
      source: 'carrier',
      rule: `carrier:${OPTED_OUT_CODE}`,
    });
  }
  log.info({ conversationId: conversation.id, messageId, to: sent.to_phone, state: sent.state }, 'agent reply sent');
  return sent;
}
