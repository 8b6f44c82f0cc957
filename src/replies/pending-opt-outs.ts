import { getBusinessUnit } from '../db/business-units';
import { latestPendingConsent } from '../db/inbound-messages';
import type { Db } from '../db/schema';
import { findSenderByAddress } from '../db/senders';
import { attributeReply } from './reply-attribution';

// A STOP is stored by the inbound webhook and applied by the contact's conversation workflow, which may be tens of
// seconds behind in a reply storm. Sending already honours the stored STOP (blockedContacts); this shows it on the
// DNC group it will land in, so the DNC API tells the truth from the moment the webhook answered.

/** PendingOptOut is a stored STOP not applied yet, as the DNC entry it will become. */
export interface PendingOptOut {
  phone: string;
  source: 'reply';
  createdAt: Date;
  messageSid: string;
}

/**
 * pendingOptOut is the contact's stored, not yet applied STOP when it will land on the group (the group its
 * workflow will attribute it to, decided the same way), else null; a later waiting START cancels it.
 */
export async function pendingOptOut(
  db: Db,
  businessUnitId: string,
  groupId: string,
  phone: string,
): Promise<PendingOptOut | null> {
  const pending = await latestPendingConsent(db, businessUnitId, phone);
  if (pending?.keyword_kind !== 'opt_out') return null;
  const [unit, sender] = await Promise.all([
    getBusinessUnit(db, businessUnitId),
    findSenderByAddress(db, pending.to_address),
  ]);
  if (!unit || sender?.business_unit_id !== businessUnitId) return null;
  const attribution = await attributeReply(db, unit, sender.id, phone);
  if (attribution.dnc.optOutGroupId !== groupId) return null;
  return { phone, source: 'reply', createdAt: pending.received_at, messageSid: pending.message_sid };
}
