import { randomUUID } from 'node:crypto';
import { recordAgentReply } from '../db/conversations';
import { getMessageById, markMessages } from '../db/messages';
import type { Conversation, Db, Message } from '../db/schema';
import { isBlocked, loadDncScope } from '../dnc/dnc-scope';
import { log } from '../log';
import { pendingMessage } from '../outbound/outbound-message';
import { sendSingleMessage, SingleSendDeps } from '../outbound/send-single';
import { isOpenConversation } from './conversation-status';
import type { ConversationWorkflows } from './conversation-workflows';

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
  db: Db,
  conversation: Conversation,
  reply: { body: string; agent: string | null },
): Promise<{ message: Message; threadEntryId: string }> {
  if (!isOpenConversation(conversation.status)) {
    throw new AgentReplyRefusal('conversation_closed', `conversation ${conversation.id} is closed`);
  }
  const scope = await loadDncScope(db, conversation.business_unit_id, conversation.campaign_id);
  if (await isBlocked(db, scope, conversation.contact)) {
    throw new AgentReplyRefusal(
      'opted_out',
      `the contact of conversation ${conversation.id} has opted out of messages`,
    );
  }
  const agent = reply.agent ?? conversation.agent;
  const message = pendingMessage(
    {
      businessUnitId: conversation.business_unit_id,
      kind: 'agent_reply',
      conversationId: conversation.id,
      to: conversation.contact,
      senderId: conversation.sender_id,
      // Fixed now and stored with the row, so every retry of the send carries the same key.
      idempotencyKey: `agent-reply:${conversation.id}:${randomUUID()}`,
    },
    reply.body,
  );
  const accepted = await recordAgentReply(db, conversation, message, agent);
  const ids = { conversationId: conversation.id, messageId: accepted.message.id };
  log.info({ ...ids, contact: conversation.contact, agent }, 'agent reply accepted');
  return accepted;
}

/** AgentReplyDeps are what answering a contact needs: the store and the contact's conversation workflow. */
export interface AgentReplyDeps {
  db: Db;
  workflows: Pick<ConversationWorkflows, 'sendAgentReply'>;
}

/**
 * replyAsAgent is an agent's answer from start to finish: stored (or refused) by acceptAgentReply, then handed to the
 * contact's conversation workflow, which sends it. A reply nobody could be asked to send is marked failed in the
 * thread rather than left pending for ever.
 */
export async function replyAsAgent(
  deps: AgentReplyDeps,
  conversation: Conversation,
  reply: { body: string; agent: string | null },
): Promise<{ message: Message; threadEntryId: string }> {
  const accepted = await acceptAgentReply(deps.db, conversation, reply);
  const { message } = accepted;
  try {
    const contact = { businessUnitId: conversation.business_unit_id, contact: conversation.contact };
    await deps.workflows.sendAgentReply(contact, { conversationId: conversation.id, messageId: message.id });
  } catch (error) {
    await markMessages(deps.db, [message.id], 'failed', {
      code: 'not_queued',
      message: 'the reply could not be handed to the sending workflow',
    });
    throw error;
  }
  return accepted;
}

/**
 * sendAgentReply sends a stored agent reply unless the contact opted out meanwhile; a carrier that reports the
 * contact unsubscribed (21610) puts them on the conversation's DNC group, as for every other message.
 */
export async function sendAgentReply(deps: SingleSendDeps, messageId: string): Promise<Message> {
  const message = await getMessageById(deps.db, messageId);
  if (!message?.conversation_id) throw new Error(`message ${messageId} is not an agent reply`);
  const sent = await sendSingleMessage(deps, messageId);
  const fields = { conversationId: message.conversation_id, messageId, to: sent.to_phone, state: sent.state };
  log.info(fields, 'agent reply sent');
  return sent;
}
