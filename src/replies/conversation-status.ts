import type { ConversationStatus } from '../db/schema';

export type { ConversationStatus } from '../db/schema';

/** ConversationStatus is where a conversation is in the agents' queue (API.md: queued, offered, assigned, closed). */
export const CONVERSATION_STATUSES = [
  'queued',
  'offered',
  'assigned',
  'closed',
] as const satisfies readonly ConversationStatus[];

/** ConversationAction is what an agent (or the idle timer) can do to a conversation. */
export type ConversationAction = 'assign' | 'accept' | 'transfer' | 'close';

/** OPEN_CONVERSATION_STATUSES are the statuses in which a conversation still takes messages either way. */
export const OPEN_CONVERSATION_STATUSES: readonly ConversationStatus[] = ['queued', 'offered', 'assigned'];

/** LOADING_STATUSES are the statuses that take one of the agent's slots (its cap counts them). */
export const LOADING_STATUSES: readonly ConversationStatus[] = ['offered', 'assigned'];

// The one place that says which action is allowed from which status; anything else is a 409. A supervisor's
// assignment by name may take a conversation from the queue, from an offer (withdrawn from its agent in the same
// statement, so it is never offered to one and held by another) or from another agent.
const ALLOWED_FROM: Record<ConversationAction, readonly ConversationStatus[]> = {
  assign: OPEN_CONVERSATION_STATUSES,
  accept: ['offered'],
  transfer: LOADING_STATUSES,
  close: OPEN_CONVERSATION_STATUSES,
};

/** conversationAllowedFrom lists the statuses from which an action is allowed. */
export function conversationAllowedFrom(action: ConversationAction): readonly ConversationStatus[] {
  return ALLOWED_FROM[action];
}

/** isOpenConversation tells whether a conversation still takes messages. */
export function isOpenConversation(status: string): boolean {
  return (OPEN_CONVERSATION_STATUSES as readonly string[]).includes(status);
}
