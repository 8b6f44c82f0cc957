// The worker's one Carrier: each send goes through its sender's carrier (a business unit's Twilio or SMPP carrier), or
// the environment's Twilio carrier for a sender with none. The campaign and conversation code never knows which.
import { carrierOfSender, carrierVersions } from '../db/carriers';
import type { Db } from '../db/schema';
import { log } from '../log';
import { CarrierUnavailableError, type Carrier, type OutboundSms, type SentMessageQuery } from './carrier';
import { loadCarrierAccount } from './carrier-registry';
import { carrierHostOf, isCarrierHostAllowed, type CarrierAccount } from './carrier-settings';

/** ClosableCarrier is an adapter that holds something open (an SMPP bind) until it is closed. */
export type ClosableCarrier = Carrier & { close?(): Promise<void> };

/** CarrierRouterDeps are where the router finds carriers and how it builds an adapter for one. */
export interface CarrierRouterDeps {
  db: Db;
  secretsKey: Buffer | null;
  /** The environment's Twilio carrier (TWILIO_API_URL): senders without a carrier of their own. */
  fallback: Carrier;
  /** build makes the adapter for a business unit's carrier (one per carrier per process: one SMPP bind). */
  build(account: CarrierAccount): ClosableCarrier;
  /**
   * How often every SMPP carrier is looked for, so each has its bind open before any send: replies and receipts come
   * only over a bind. Default 5 s; 0 binds only on a sender's first send.
   */
  bindAllEveryMs?: number;
  /** CARRIER_HOSTS_ALLOWED: a carrier elsewhere is never reached (null: any host). */
  allowedHosts?: readonly string[] | null;
}

// A sender's carrier, once looked up, is trusted this long: a PATCH of the sender or of the carrier takes effect
// within it, and a busy sender costs one small query per interval rather than one per message.
const SENDER_LOOKUP_TTL_MS = 5000;

/** CarrierRouter is the Carrier the worker sends through, and closes what its carriers hold open. */
export interface CarrierRouter extends Carrier {
  close(): Promise<void>;
}

/** createCarrierRouter routes each send and look-up to the sender's carrier (by senderId), else to the fallback. */
export function createCarrierRouter(deps: CarrierRouterDeps): CarrierRouter {
  const senders = new Map<string, { at: number; carrier: Promise<Carrier> }>();
  const carriers = new Map<string, { version: string; carrier: ClosableCarrier }>();

  async function resolve(senderId: string): Promise<Carrier> {
    const link = await carrierOfSender(deps.db, senderId);
    return link ? ensure(link.carrierId, link.version) : deps.fallback;
  }

  // The adapter of a carrier at a version, built (and the older one closed) when it is new or has changed.
  async function ensure(carrierId: string, version: string): Promise<Carrier> {
    const current = carriers.get(carrierId);
    if (current && current.version === version) return current.carrier;
    const account = await loadCarrierAccount(deps.db, deps.secretsKey, carrierId);
    if (!account) return deps.fallback;
    const host = carrierHostOf(account.kind, account.settings as unknown as Record<string, unknown>);
    if (!isCarrierHostAllowed(host, deps.allowedHosts ?? null))
      throw new CarrierUnavailableError(`carrier ${carrierId}: ${host} is not among CARRIER_HOSTS_ALLOWED`);
    // Changed settings or secrets: a new adapter (a new bind); the old one finishes what it has in flight.
    const again = carriers.get(carrierId);
    if (again && again.version === account.version) return again.carrier;
    if (again) void again.carrier.close?.().catch(() => undefined);
    const carrier = deps.build(account);
    carriers.set(account.id, { version: account.version, carrier });
    log.info({ carrierId: account.id, kind: account.kind }, 'carrier adapter ready');
    return carrier;
  }

  let closed = false;
  async function bindAll(): Promise<void> {
    const all = await carrierVersions(deps.db);
    for (const { carrierId, kind, version } of all)
      if (kind === 'smpp' && !closed) await ensure(carrierId, version).catch(() => undefined);
    // A deleted carrier's bind is closed (no sender can use it any more).
    const live = new Set(all.map((c) => c.carrierId));
    for (const [carrierId, entry] of carriers) {
      if (live.has(carrierId)) continue;
      carriers.delete(carrierId);
      void entry.carrier.close?.().catch(() => undefined);
    }
  }
  const everyMs = deps.bindAllEveryMs ?? 5000;
  let sweep: Promise<void> = Promise.resolve();
  const timer =
    everyMs > 0
      ? setInterval(() => {
          sweep = sweep.then(bindAll).catch((error: unknown) => {
            log.warn({ err: String(error) }, 'could not look for SMPP carriers to bind');
          });
        }, everyMs)
      : null;
  timer?.unref();
  if (everyMs > 0) sweep = bindAll().catch(() => undefined);

  function carrierFor(senderId: string | undefined): Promise<Carrier> {
    if (!senderId) return Promise.resolve(deps.fallback);
    const now = Date.now();
    const known = senders.get(senderId);
    if (known && now - known.at < SENDER_LOOKUP_TTL_MS) return known.carrier;
    const carrier = resolve(senderId);
    senders.set(senderId, { at: now, carrier });
    carrier.catch(() => senders.delete(senderId));
    return carrier;
  }

  return {
    warmUp: () => deps.fallback.warmUp?.() ?? Promise.resolve(),
    async send(sms: OutboundSms) {
      return (await carrierFor(sms.senderId)).send(sms);
    },
    async findSent(query: SentMessageQuery) {
      return (await carrierFor(query.senderId)).findSent(query);
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await sweep;
      const open = [...carriers.values()];
      carriers.clear();
      senders.clear();
      await Promise.allSettled(open.map((c) => c.carrier.close?.()));
    },
  };
}
