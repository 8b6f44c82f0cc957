import { OPTED_OUT_CODE } from '../carrier/carrier';
import { addDncEntry, DncChange, removeDncEntry } from '../db/dnc';
import type { Db } from '../db/schema';
import type { DncScope } from './dnc-scope';

// Where an opt-out lands and how it is audited, for every source: a contact's STOP, the carrier's report that the
// contact unsubscribed there, a person's change through the API.

/** optOut puts a contact on the scope's opt-out group (idempotent; audited when new). */
export function optOut(db: Db, scope: DncScope, phone: string, change: DncChange): Promise<boolean> {
  return addDncEntry(db, scope.optOutGroupId, phone, change);
}

/** optIn takes a contact off the scope's opt-out group (idempotent; audited when there was an entry). */
export function optIn(db: Db, scope: DncScope, phone: string, change: DncChange): Promise<boolean> {
  return removeDncEntry(db, scope.optOutGroupId, phone, change);
}

/** recordCarrierOptOut mirrors the carrier's 21610 (the contact unsubscribed at the carrier) in the scope's group. */
export function recordCarrierOptOut(db: Db, scope: DncScope, phone: string): Promise<boolean> {
  return optOut(db, scope, phone, { source: 'carrier', rule: `carrier:${OPTED_OUT_CODE}` });
}
