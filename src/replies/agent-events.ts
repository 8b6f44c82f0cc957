import { notifyAgentEvent } from '../db/agent-events';
import type { AgentState, ConversationStatus, Db } from '../db/schema';
import { log } from '../log';

/**
 * AgentEvent is what an agent's inbox is told as it happens: an offer, a new message, a change of its state, and a
 * conversation of its own that moved (accepted in another tab, closed, transferred away, taken over by a supervisor).
 */
export type AgentEvent =
  | { agentId: string; type: 'offer'; conversationId: string }
  | { agentId: string; type: 'message'; conversationId: string }
  | { agentId: string; type: 'conversation'; conversationId: string; status: ConversationStatus }
  | { agentId: string; type: 'state'; state: AgentState; reason: string | null };

/**
 * publishAgentEvent tells the agent's open inboxes (in whichever API process) what changed; a lost event costs only
 * liveness, never routing state, so a failure is logged and not thrown.
 */
export async function publishAgentEvent(db: Db, event: AgentEvent): Promise<void> {
  try {
    await notifyAgentEvent(db, JSON.stringify(event));
  } catch (error) {
    log.warn({ err: error, event }, 'agent event not published');
  }
}
