import { sql } from 'kysely';
import type { DbOrTransaction } from './schema';

/** AGENT_EVENTS_CHANNEL is the PostgreSQL channel every API process listens on for agents' live events. */
export const AGENT_EVENTS_CHANNEL = 'agent_events';

/**
 * notifyAgentEvent publishes one event to every API process (PostgreSQL NOTIFY: delivered on commit, to whichever
 * process holds the agent's event stream).
 */
export async function notifyAgentEvent(db: DbOrTransaction, payload: string): Promise<void> {
  await sql`SELECT pg_notify(${AGENT_EVENTS_CHANNEL}, ${payload})`.execute(db);
}
