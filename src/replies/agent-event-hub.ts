import { listenAgentEvents } from '../db/agent-events';
import { log } from '../log';
import type { AgentEvent } from './agent-events';

/** AgentEventHub hands each agent's events (from any process) to the inboxes this process streams to. */
export interface AgentEventHub {
  /**
   * subscribe calls `deliver` with each of the agent's events until the returned function is called; `end` is called
   * when the process stops, so an open stream does not hold the server's shutdown.
   */
  subscribe(agentId: string, deliver: (event: AgentEvent) => void, end: () => void): () => void;
  stop(): Promise<void>;
}

/** startAgentEventHub listens on PostgreSQL's agents' channel once per process and fans events out by agent. */
export function startAgentEventHub(databaseUrl: string): AgentEventHub {
  const subscribers = new Map<string, Set<(event: AgentEvent) => void>>();
  const ends = new Set<() => void>();
  const listener = listenAgentEvents(
    databaseUrl,
    (payload) => {
      const event = JSON.parse(payload) as AgentEvent;
      for (const deliver of subscribers.get(event.agentId) ?? []) deliver(event);
    },
    (error) => log.warn({ err: error }, 'agent events: listening connection lost; reconnecting'),
  );
  return {
    subscribe(agentId, deliver, end) {
      const set = subscribers.get(agentId) ?? new Set();
      set.add(deliver);
      subscribers.set(agentId, set);
      ends.add(end);
      return () => {
        ends.delete(end);
        set.delete(deliver);
        if (set.size === 0) subscribers.delete(agentId);
      };
    },
    async stop() {
      for (const end of [...ends]) end();
      await listener.close();
    },
  };
}
