import type { Carrier } from '../src/carrier/carrier';
import type { Db } from '../src/db/schema';
import type { SingleSendDeps } from '../src/outbound/send-single';

/** ActivityDeps are what the activities are built from (a factory, so tests and the worker inject their own). */
export interface ActivityDeps {
  db: Db;
  carrier: Carrier;
  publicUrl: string;
  carrierPatienceMs?: number;
}

/** statusCallbackUrl is where the carrier posts delivery receipts for what these activities send. */
export function statusCallbackUrl(deps: ActivityDeps): string {
  return `${deps.publicUrl}/webhooks/twilio/status`;
}

/** singleSendDeps are what sending one stored message (cadence step, agent reply, confirmation) needs. */
export function singleSendDeps(deps: ActivityDeps): SingleSendDeps {
  return { db: deps.db, carrier: deps.carrier, statusCallbackUrl: statusCallbackUrl(deps) };
}
