import { sql } from 'kysely';
import { Client, Notification } from 'pg';
import { poolOf } from './connection';
import type { Db } from './schema';

// PostgreSQL announces each stored STOP and START on this channel (migration 2026-12-03T06-00-consent-notices), and
// the inbound intake its fences after them (see announceOptOutFence).
const CHANNEL = 'contact_consent';
// Where the sending workers answer fences.
const ACK_CHANNEL = 'consent_ack';
// How the workers' listening connections are told apart in pg_stat_activity: a fence waits for each of them.
const WATCH_APPLICATION = 'sms-consent-watch';
const FENCE_APPLICATION = 'sms-consent-fence';
// NOTIFY payloads stop at 8,000 bytes: an ack carries at most this many fence ids (each under 40 characters).
const MAX_IDS_PER_ACK = 150;

/** ConsentNotice is a contact's STOP (opt_out) or START (opt_in) to a business unit, as stored. */
export interface ConsentNotice {
  businessUnitId: string;
  phone: string;
  kind: 'opt_out' | 'opt_in';
}

/** ConsentListenerEvents are told what is heard and whether the listener is hearing everything. */
export interface ConsentListenerEvents {
  notice(notice: ConsentNotice): void;
  /** A fence: every notice committed before it has been heard; ack(id) once what it asks for is done. */
  fence?(id: string): void;
  /** The channel is listened to: every STOP committed from now on is heard. */
  listening(): void;
  /** The connection is lost: notices may be missed until listening() again. */
  lost(): void;
}

/** ConsentListener is a dedicated connection listening to the consent channel; it reconnects until closed. */
export interface ConsentListener {
  /** ack answers fences on this connection (the fence knows the listener by its backend). Lost if it drops. */
  ack(fenceIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

interface Listening {
  /** The connection while it listens (null while reconnecting). */
  client(): Client | null;
  close(): Promise<void>;
}

/**
 * keepListening opens a connection of its own (LISTEN holds it for good, so it is not taken from the pool) and keeps
 * it listening to the channel: after a drop it reconnects every retryMs until close().
 */
function keepListening(
  connectionString: string,
  channel: string,
  applicationName: string,
  events: { notification(message: Notification): void; listening(): void; lost(): void },
  retryMs: number,
): Listening {
  let closed = false;
  let client: Client | null = null;
  let ready = false;
  let retry: NodeJS.Timeout | null = null;

  const dropped = (failed: Client) => {
    if (client !== failed) return;
    client = null;
    ready = false;
    events.lost();
    failed.end().catch(() => undefined);
    if (!closed) retry = setTimeout(connect, retryMs);
  };

  async function connect(): Promise<void> {
    retry = null;
    const attempt = new Client({ connectionString, application_name: applicationName });
    client = attempt;
    attempt.on('error', () => dropped(attempt));
    attempt.on('end', () => dropped(attempt));
    attempt.on('notification', (message) => {
      if (message.channel === channel) events.notification(message);
    });
    try {
      await attempt.connect();
      await attempt.query(`LISTEN ${channel}`);
      if (client === attempt && !closed) {
        ready = true;
        events.listening();
      }
    } catch {
      dropped(attempt);
    }
  }

  void connect();
  return {
    client: () => (ready ? client : null),
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const last = client;
      client = null;
      await last?.end().catch(() => undefined);
    },
  };
}

/** connectionStringOf is where a pool connects: a listener on another thread opens its connection there. */
export function connectionStringOf(db: Db): string {
  const { connectionString } = poolOf(db).options;
  if (!connectionString) throw new Error('the database pool has no connection string');
  return connectionString;
}

/**
 * listenForConsentNotices keeps a connection listening for stored STOPs and STARTs and the fences after them (at the
 * pool's database, or at a connection string).
 */
export function listenForConsentNotices(
  database: Db | string,
  events: ConsentListenerEvents,
  retryMs = 1000,
): ConsentListener {
  const listening = keepListening(
    typeof database === 'string' ? database : connectionStringOf(database),
    CHANNEL,
    WATCH_APPLICATION,
    {
      notification: (message) => {
        const heard = parseNotice(message.payload);
        if (heard && 'fence' in heard) events.fence?.(heard.fence);
        else if (heard) events.notice(heard);
      },
      listening: () => events.listening(),
      lost: () => events.lost(),
    },
    retryMs,
  );
  return {
    async ack(fenceIds) {
      const client = listening.client();
      for (let i = 0; client && i < fenceIds.length; i += MAX_IDS_PER_ACK)
        await client.query(`SELECT pg_notify('${ACK_CHANNEL}', $1)`, [
          fenceIds.slice(i, i + MAX_IDS_PER_ACK).join(' '),
        ]);
    },
    close: () => listening.close(),
  };
}

/**
 * announceOptOutFence puts a fence on the consent channel and returns the backends of the listeners that will hear it,
 * each of which then acks it. Run after the opt-outs it covers committed: a listener hears notices in commit order,
 * so one that hears the fence has heard them. Counted are the listeners that have finished their LISTEN (idle after
 * it, or acking since): one still running it may not hear the fence and is left out, safely, since it starts
 * listening after the opt-outs committed and so checks PostgreSQL for any read older than that.
 */
export async function announceOptOutFence(db: Db, fenceId: string): Promise<number[]> {
  const { rows } = await sql<{ pids: number[] }>`
    SELECT pg_notify(${CHANNEL}, ${JSON.stringify({ fence: fenceId })}),
           ARRAY(SELECT pid FROM pg_stat_activity
                  WHERE application_name = ${WATCH_APPLICATION} AND pid <> pg_backend_pid()
                    AND ((state = 'idle' AND query LIKE 'LISTEN%') OR query LIKE ${`%${ACK_CHANNEL}%`})) AS pids`.execute(
    db,
  );
  return rows[0]?.pids ?? [];
}

/** FenceAckEvents are told which listener (by backend) acked which fences, and whether acks can be heard. */
export interface FenceAckEvents {
  acked(listenerPid: number, fenceIds: string[]): void;
  listening(): void;
  lost(): void;
}

/** listenForFenceAcks keeps a connection listening for the workers' fence acks. */
export function listenForFenceAcks(db: Db, events: FenceAckEvents, retryMs = 1000): { close(): Promise<void> } {
  return keepListening(
    connectionStringOf(db),
    ACK_CHANNEL,
    FENCE_APPLICATION,
    {
      notification: (message) => events.acked(message.processId, (message.payload ?? '').split(' ').filter(Boolean)),
      listening: () => events.listening(),
      lost: () => events.lost(),
    },
    retryMs,
  );
}

/** consentWatchApplication is the application_name of the workers' listening connections (for tests and views). */
export const consentWatchApplication = WATCH_APPLICATION;

function parseNotice(payload: string | undefined): ConsentNotice | { fence: string } | null {
  try {
    const parsed = JSON.parse(payload ?? '') as Partial<ConsentNotice> & { fence?: unknown };
    if (typeof parsed.fence === 'string') return { fence: parsed.fence };
    if (typeof parsed.businessUnitId !== 'string' || typeof parsed.phone !== 'string') return null;
    if (parsed.kind !== 'opt_out' && parsed.kind !== 'opt_in') return null;
    return { businessUnitId: parsed.businessUnitId, phone: parsed.phone, kind: parsed.kind };
  } catch {
    return null;
  }
}
