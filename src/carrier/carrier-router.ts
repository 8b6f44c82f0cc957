// The worker's one Carrier: each send goes through its sender's carrier (a business unit's Twilio or SMPP carrier), or
// the environment's Twilio carrier for a sender with none. The campaign and conversation code never knows which.
import { carrierOfSender } from '../db/carriers';
import type { Db } from '../db/schema';
import { log } from '../log';
import type { Carrier, OutboundSms, SentMessageQuery } from './carrier';
import { loadCarrierAccount } from './carrier-registry';
import type { CarrierAccount } from './carrier-settings';

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
    if (!link) return deps.fallback;
    const current = carriers.get(link.carrierId);
    if (current && current.version === link.version) return current.carrier;
    const account = await loadCarrierAccount(deps.db, deps.secretsKey, link.carrierId);
    if (!account) return deps.fallback;
    // Changed settings or secrets: a new adapter (a new bind); the old one finishes what it has in flight.
    const again = carriers.get(link.carrierId);
    if (again && again.version === account.version) return again.carrier;
    if (again) void again.carrier.close?.().catch(() => undefined);
    const carrier = deps.build(account);
    carriers.set(account.id, { version: account.version, carrier });
    log.info({ carrierId: account.id, kind: account.kind }, 'carrier adapter ready');
    return carrier;
  }

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
      const open = [...carriers.values()];
      carriers.clear();
      senders.clear();
      await Promise.allSettled(open.map((c) => c.carrier.close?.()));
    },
  };
}
