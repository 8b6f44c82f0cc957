import { Client } from 'pg';
import { poolOf } from './connection';
import type { Db } from './schema';

// PostgreSQL announces each stored STOP and START on this channel (migration 2026-12-03T06-00-consent-notices).
const CHANNEL = 'contact_consent';

/** ConsentNotice is a contact's STOP (opt_out) or START (opt_in) to a business unit, as stored. */
export interface ConsentNotice {
  businessUnitId: string;
  phone: string;
  kind: 'opt_out' | 'opt_in';
}

/** ConsentListenerEvents are told what is heard and whether the listener is hearing everything. */
export interface ConsentListenerEvents {
  notice(notice: ConsentNotice): void;
  /** The channel is listened to: every STOP committed from now on is heard. */
  listening(): void;
  /** The connection is lost: notices may be missed until listening() again. */
  lost(): void;
}

/** ConsentListener is a dedicated connection listening to the consent channel; it reconnects until closed. */
export interface ConsentListener {
  close(): Promise<void>;
}

/**
 * listenForConsentNotices opens a connection of its own (LISTEN holds it for good, so it is not taken from the pool)
 * and keeps it listening: after a drop it reconnects every retryMs until close().
 */
export function listenForConsentNotices(db: Db, events: ConsentListenerEvents, retryMs = 1000): ConsentListener {
  const { connectionString } = poolOf(db).options;
  let closed = false;
  let client: Client | null = null;
  let retry: NodeJS.Timeout | null = null;

  const dropped = (failed: Client) => {
    if (client !== failed) return;
    client = null;
    events.lost();
    failed.end().catch(() => undefined);
    if (!closed) retry = setTimeout(connect, retryMs);
  };

  async function connect(): Promise<void> {
    retry = null;
    const attempt = new Client({ connectionString });
    client = attempt;
    attempt.on('error', () => dropped(attempt));
    attempt.on('end', () => dropped(attempt));
    attempt.on('notification', (message) => {
      const notice = parseNotice(message.payload);
      if (notice) events.notice(notice);
    });
    try {
      await attempt.connect();
      await attempt.query(`LISTEN ${CHANNEL}`);
      if (client === attempt && !closed) events.listening();
    } catch {
      dropped(attempt);
    }
  }

  void connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const last = client;
      client = null;
      await last?.end().catch(() => undefined);
    },
  };
}

function parseNotice(payload: string | undefined): ConsentNotice | null {
  try {
    const parsed = JSON.parse(payload ?? '') as Partial<ConsentNotice>;
    if (typeof parsed.businessUnitId !== 'string' || typeof parsed.phone !== 'string') return null;
    if (parsed.kind !== 'opt_out' && parsed.kind !== 'opt_in') return null;
    return { businessUnitId: parsed.businessUnitId, phone: parsed.phone, kind: parsed.kind };
  } catch {
    return null;
  }
}
