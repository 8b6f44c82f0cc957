import { transitionConversation } from '../db/conversations';
import type { Conversation, Db } from '../db/schema';
import { log } from '../log';
import { conversationAllowedFrom } from './conversation-status';
import type { ConversationWorkflows } from './conversation-workflows';
import { conversationMoved, slotFreed } from './routing';

/**
 * closeConversation closes an open conversation, saying why (agent, idle) and with the agent's disposition code; the
 * agent's slot is free at once and the next queued conversation offered. False if it was not open.
 */
export async function closeConversation(
  db: Db,
  businessUnitId: string,
  conversationId: string,
  reason: 'agent' | 'idle',
  dispositionId: string | null = null,
): Promise<boolean> {
  const closed = await transitionConversation(db, businessUnitId, conversationId, conversationAllowedFrom('close'), {
    status: 'closed',
    closedReason: reason,
    dispositionId,
  });
  if (!closed) return false;
  log.info({ conversationId, businessUnitId, contact: closed.contact, reason }, 'conversation closed');
  if (closed.agent_id) await conversationMoved(db, closed.agent_id, closed);
  await slotFreed(db, closed.agent_id, closed.skill_id);
  return true;
}

/**
 * closeByAgent closes a conversation for its agent and tells the contact's workflow, so its idle timer stops; false
 * when it was not open.
 */
export async function closeByAgent(
  deps: { db: Db; workflows: Pick<ConversationWorkflows, 'conversationClosed'> },
  conversation: Pick<Conversation, 'id' | 'business_unit_id' | 'contact'>,
  dispositionId: string | null = null,
): Promise<boolean> {
  const unit = conversation.business_unit_id;
  if (!(await closeConversation(deps.db, unit, conversation.id, 'agent', dispositionId))) return false;
  const contact = { businessUnitId: conversation.business_unit_id, contact: conversation.contact };
  await deps.workflows.conversationClosed(contact, conversation.id);
  return true;
}
