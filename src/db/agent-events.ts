import { sql } from 'kysely';
import { Client } from 'pg';
import type { DbOrTransaction } from './schema';

/** AGENT_EVENTS_CHANNEL is the PostgreSQL channel every API process listens on for agents' live events. */
export const AGENT_EVENTS_CHANNEL = 'agent_events';

/**
 * notifyAgentEvents publishes events to every API process in one statement (PostgreSQL NOTIFY: delivered on commit,
 * in order, to whichever process holds the agent's event stream).
 */
export async function notifyAgentEvents(db: DbOrTransaction, payloads: string[]): Promise<void> {
  await sql`SELECT pg_notify(${AGENT_EVENTS_CHANNEL}, p) FROM unnest(${payloads}::text[]) WITH ORDINALITY AS e(p, n)
            ORDER BY n`.execute(db);
}

/** AgentEventListener is a live LISTEN on the agents' channel. */
export interface AgentEventListener {
  close(): Promise<void>;
}

/**
 * listenAgentEvents hands every payload published on the agents' channel to `onPayload`, over one connection of its
 * own (LISTEN holds it), reconnecting after a lost connection; events missed meanwhile are only liveness, since an
 * inbox reloads its lists when its stream reconnects.
 */
export function listenAgentEvents(
  databaseUrl: string,
  onPayload: (payload: string) => void,
  onError: (error: unknown) => void,
): AgentEventListener {
  let client: Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  const connect = async () => {
    const next = new Client({ connectionString: databaseUrl });
    next.on('notification', (message) => {
      if (message.channel === AGENT_EVENTS_CHANNEL && message.payload) onPayload(message.payload);
    });
    next.on('error', (error) => {
      onError(error);
      void next.end().catch(() => undefined);
      if (client === next) client = null;
      if (!closed) retry = setTimeout(() => void connect(), 1000);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${AGENT_EVENTS_CHANNEL}`);
      if (closed) {
        await next.end();
        return;
      }
      client = next;
    } catch (error) {
      onError(error);
      await next.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect(), 1000);
    }
  };
  const connecting = connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await connecting;
      await client?.end().catch(() => undefined);
    },
  };
}
