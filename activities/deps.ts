import type { Carrier } from '../src/carrier/carrier';
import type { Db } from '../src/db/schema';
import type { LastLook } from '../src/dnc/last-look';
import type { SingleSendDeps } from '../src/outbound/send-single';

/** ActivityDeps are what the activities are built from (a factory, so tests and the worker inject their own). */
export interface ActivityDeps {
  db: Db;
  carrier: Carrier;
  publicUrl: string;
  carrierPatienceMs?: number;
  /** How long after a send the carrier's list is trusted to show it (CARRIER_SETTLE_MS; default 10 s). */
  carrierSettleMs?: number;
  /** The worker's last look at STOPs stored after a send's DNC read, right before each send. */
  lastLook?: LastLook;
}

/** DEFAULT_SETTLE_MS is CARRIER_SETTLE_MS's default (src/config.ts), for callers that build deps by hand. */
const DEFAULT_SETTLE_MS = 10_000;

/** settleMs is how long an in-doubt send waits for the carrier's records before it is sent again. */
export function settleMs(deps: ActivityDeps): number {
  return deps.carrierSettleMs ?? DEFAULT_SETTLE_MS;
}

/** statusCallbackUrl is where the carrier posts delivery receipts for what these activities send. */
export function statusCallbackUrl(deps: ActivityDeps): string {
  return `${deps.publicUrl}/webhooks/twilio/status`;
}

/** singleSendDeps are what sending one stored message (cadence step, agent reply, confirmation) needs. */
export function singleSendDeps(deps: ActivityDeps): SingleSendDeps {
  const { db, carrier, lastLook } = deps;
  return { db, carrier, statusCallbackUrl: statusCallbackUrl(deps), settleMs: settleMs(deps), lastLook };
}
