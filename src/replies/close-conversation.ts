import { transitionConversation } from '../db/conversations';
import type { Conversation, Db } from '../db/schema';
import { log } from '../log';
import { conversationAllowedFrom } from './conversation-status';
import type { ConversationWorkflows } from './conversation-workflows';

/** closeConversation closes an open conversation, saying why (agent, idle); false if it was not open. */
export async function closeConversation(
  db: Db,
  businessUnitId: string,
  conversationId: string,
  reason: 'agent' | 'idle',
): Promise<boolean> {
  const closed = await transitionConversation(db, businessUnitId, conversationId, conversationAllowedFrom('close'), {
    status: 'closed',
    closedReason: reason,
  });
  if (closed) log.info({ conversationId, businessUnitId, contact: closed.contact, reason }, 'conversation closed');
  return closed !== undefined;
}

/**
 * closeByAgent closes a conversation for its agent and tells the contact's workflow, so its idle timer stops; false
 * when it was not open.
 */
export async function closeByAgent(
  deps: { db: Db; workflows: Pick<ConversationWorkflows, 'conversationClosed'> },
  conversation: Pick<Conversation, 'id' | 'business_unit_id' | 'contact'>,
): Promise<boolean> {
  if (!(await closeConversation(deps.db, conversation.business_unit_id, conversation.id, 'agent'))) return false;
  const contact = { businessUnitId: conversation.business_unit_id, contact: conversation.contact };
  await deps.workflows.conversationClosed(contact, conversation.id);
  return true;
}
