import { notifyAgentEvents } from '../db/agent-events';
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
  await publishAgentEvents(db, [event]);
}

/** publishAgentEvents publishes several events in one statement (a routing pass's offers), as publishAgentEvent. */
export async function publishAgentEvents(db: Db, events: AgentEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await notifyAgentEvents(
      db,
      events.map((event) => JSON.stringify(event)),
    );
  } catch (error) {
    log.warn({ err: error, events }, 'agent events not published');
  }
}
