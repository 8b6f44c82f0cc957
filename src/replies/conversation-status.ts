import type { ConversationStatus } from '../db/schema';

export type { ConversationStatus } from '../db/schema';

/** ConversationStatus is where a conversation is in the agents' queue (API.md: queued, assigned, closed). */
export const CONVERSATION_STATUSES = ['queued', 'assigned', 'closed'] as const satisfies readonly ConversationStatus[];

/** ConversationAction is what an agent (or the idle timer) can do to a conversation. */
export type ConversationAction = 'assign' | 'close';

/** OPEN_CONVERSATION_STATUSES are the statuses in which a conversation still takes messages either way. */
export const OPEN_CONVERSATION_STATUSES: readonly ConversationStatus[] = ['queued', 'assigned'];

// The one place that says which action is allowed from which status; anything else is a 409. Reassigning is allowed.
const ALLOWED_FROM: Record<ConversationAction, readonly ConversationStatus[]> = {
  assign: OPEN_CONVERSATION_STATUSES,
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
