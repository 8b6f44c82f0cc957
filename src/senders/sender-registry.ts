import type { Db, Sender } from '../db/schema';
import { getSendersByIds, insertSender, updateSender } from '../db/senders';
import { checkSenderCarrier } from '../carrier/carrier-registry';
import { InvalidInput, NotFound } from '../domain-errors';
import {
  carrierManagesOptConfirmations,
  DEFAULT_MPS,
  TransportCodeKind,
  validateTransportCode,
} from './transport-codes';

/** SenderStatus is whether a sender may carry messages now. */
export type SenderStatus = 'active' | 'provisioning' | 'suspended';

/** NewSenderRequest is a transport code a business unit registers. */
export interface NewSenderRequest {
  kind: TransportCodeKind;
  address: string;
  mps?: number;
  status?: SenderStatus;
  /** The business unit's carrier; absent: the environment's Twilio carrier. */
  carrierId?: string;
}

/** SenderChange is what a business unit may change of its sender. */
export interface SenderChange {
  mps?: number;
  status?: SenderStatus;
  optOutText?: string | null;
  optInText?: string | null;
  helpText?: string | null;
  /** null: back to the environment's Twilio carrier. */
  carrierId?: string | null;
}

/**
 * registerSender stores a transport code: its address checked and normalised for its kind (InvalidInput naming
 * address), its rate defaulting to the kind's; an address already registered anywhere is AlreadyExists.
 */
export async function registerSender(db: Db, businessUnitId: string, request: NewSenderRequest): Promise<Sender> {
  const checked = validateTransportCode(request.kind, request.address);
  if (!checked.ok) throw new InvalidInput(checked.message, 'address');
  await checkSenderCarrier(db, businessUnitId, request.carrierId);
  return insertSender(db, {
    business_unit_id: businessUnitId,
    kind: request.kind,
    address: checked.address,
    mps: request.mps ?? DEFAULT_MPS[request.kind],
    status: request.status ?? 'active',
    provisioning_started_at: request.status === 'provisioning' ? new Date() : null,
    opt_out_text: null,
    opt_in_text: null,
    help_text: null,
    carrier_id: request.carrierId ?? null,
  });
}

/**
 * changeSender applies a business unit's change to its sender. Toll-free opt-out and opt-in confirmations are sent by
 * the carrier (FCC): custom texts for them are refused (InvalidInput naming the field), never stored.
 */
export async function changeSender(db: Db, businessUnitId: string, id: string, change: SenderChange): Promise<Sender> {
  const [current] = await getSendersByIds(db, businessUnitId, [id]);
  if (!current) throw new NotFound('sender', id);
  if (carrierManagesOptConfirmations(current.kind as TransportCodeKind)) {
    const customised = (['optOutText', 'optInText'] as const).find((field) => change[field] !== undefined);
    if (customised) {
      const reason = 'toll-free opt-out and opt-in confirmations are sent by the carrier and cannot be customised';
      throw new InvalidInput(reason, customised);
    }
  }
  await checkSenderCarrier(db, businessUnitId, change.carrierId);
  const updated = await updateSender(db, businessUnitId, id, {
    mps: change.mps,
    status: change.status,
    // The expected ready date counts from the moment the sender went (back) into provisioning.
    provisioning_started_at:
      change.status === 'provisioning' && current.status !== 'provisioning' ? new Date() : undefined,
    opt_out_text: change.optOutText,
    opt_in_text: change.optInText,
    help_text: change.helpText,
    carrier_id: change.carrierId,
  });
  if (!updated) throw new NotFound('sender', id);
  return updated;
}
