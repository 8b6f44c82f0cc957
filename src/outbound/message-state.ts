import type { MessageState } from '../db/schema';

export type { MessageState } from '../db/schema';

// The one owner of what an outbound message's state means: which states are still to send, which wait for a receipt,
// which a receipt may move to, and how each counts for a campaign. SQL builders use these lists, never bare strings.

/**
 * UNSENT_STATES have no answer from the carrier yet: pending, sending (handed to the carrier; a run cut off here left
 * it so), in_doubt (no answer came back). The last two may have reached the carrier: IN_DOUBT_STATES.
 */
export const UNSENT_STATES = ['pending', 'sending', 'in_doubt'] as const satisfies readonly MessageState[];

/** IN_DOUBT_STATES may have reached the carrier without its answer recorded: looked up there before any resend. */
export const IN_DOUBT_STATES = ['sending', 'in_doubt'] as const satisfies readonly MessageState[];

/** AWAITING_RECEIPT_STATES are the states a final delivery receipt may move a message from. */
export const AWAITING_RECEIPT_STATES = ['sending', 'in_doubt', 'sent'] as const satisfies readonly MessageState[];

/** RECEIPT_STATES are the final carrier receipts that move a message (queued and sent say nothing new). */
export const RECEIPT_STATES = ['delivered', 'undelivered', 'failed'] as const satisfies readonly MessageState[];

/** SendState is what the carrier's answer to a send makes of a message. */
export type SendState = Extract<MessageState, 'sent' | 'failed' | 'opted_out'>;

/** isUnsent tells whether a message may still be sent (by this attempt or a retry of it). */
export function isUnsent(state: MessageState): boolean {
  return (UNSENT_STATES as readonly MessageState[]).includes(state);
}

/** isInDoubt tells whether a message may have reached the carrier without its answer recorded. */
export function isInDoubt(state: MessageState): boolean {
  return (IN_DOUBT_STATES as readonly MessageState[]).includes(state);
}

/** isReceiptState narrows a carrier's MessageStatus to a final receipt state. */
export function isReceiptState(status: string): status is (typeof RECEIPT_STATES)[number] {
  return (RECEIPT_STATES as readonly string[]).includes(status);
}

/** CampaignCountKey names the campaign count (API.md's GET /campaigns/:id) a finished state adds to. */
export type CampaignCountKey =
  'inDoubt' | 'sent' | 'delivered' | 'failed' | 'skippedDnc' | 'skippedInvalid' | 'optedOut' | 'expired';

/** CAMPAIGN_COUNT_OF_STATE says which count each state adds to; states absent here count as pending. */
export const CAMPAIGN_COUNT_OF_STATE: Partial<Record<MessageState, CampaignCountKey>> = {
  in_doubt: 'inDoubt',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  skipped_dnc: 'skippedDnc',
  skipped_invalid: 'skippedInvalid',
  opted_out: 'optedOut',
  // Not sent before the campaign's validity ran out (src/campaigns/validity.ts).
  expired: 'expired',
};

// Twilio's receipt error 30036: the message's validity period ran out before the carrier could deliver it.
const VALIDITY_EXPIRED_CODE = '30036';

/** ReceiptTarget is a state a final delivery receipt moves a message to. */
export type ReceiptTarget = (typeof RECEIPT_STATES)[number] | 'expired';

/**
 * receiptTarget is the state a carrier's receipt moves a message to, or null for one that says nothing new (queued,
 * sent). A message whose validity ran out at the carrier (30036) ends expired, as one we never sent in time does.
 */
export function receiptTarget(status: string, errorCode: string | null): ReceiptTarget | null {
  if (!isReceiptState(status)) return null;
  return status !== 'delivered' && errorCode === VALIDITY_EXPIRED_CODE ? 'expired' : status;
}
