import type { Kysely } from 'kysely';
import { transitionConversation } from '../db/conversations';
import type { Database } from '../db/schema';
import { log } from '../log';
import { conversationAllowedFrom } from './conversation-status';

/** closeConversation closes an open conversation, saying why (agent, idle); false if it was not open. */
export async function closeConversation(
  db: Kysely<Database>,
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
