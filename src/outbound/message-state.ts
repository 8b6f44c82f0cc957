import type { MessageState } from '../db/schema';

export type { MessageState } from '../db/schema';

// The one owner of what an outbound message's state means: which states are still to send, which wait for a receipt,
// which a receipt may move to, and how each counts for a campaign. SQL builders use these lists, never bare strings.

/** UNSENT_STATES have not reached the carrier for sure: pending, or sending when a run was cut off. */
export const UNSENT_STATES = ['pending', 'sending'] as const satisfies readonly MessageState[];

/** AWAITING_RECEIPT_STATES are the states a final delivery receipt may move a message from. */
export const AWAITING_RECEIPT_STATES = ['sending', 'sent'] as const satisfies readonly MessageState[];

/** RECEIPT_STATES are the final carrier receipts that move a message (queued and sent say nothing new). */
export const RECEIPT_STATES = ['delivered', 'undelivered', 'failed'] as const satisfies readonly MessageState[];

/** SendState is what the carrier's answer to a send makes of a message. */
export type SendState = Extract<MessageState, 'sent' | 'failed' | 'opted_out'>;

/** isUnsent tells whether a message may still be sent (by this attempt or a retry of it). */
export function isUnsent(state: MessageState): boolean {
  return (UNSENT_STATES as readonly MessageState[]).includes(state);
}

/** isReceiptState narrows a carrier's MessageStatus to a final receipt state. */
export function isReceiptState(status: string): status is (typeof RECEIPT_STATES)[number] {
  return (RECEIPT_STATES as readonly string[]).includes(status);
}

/** CampaignCountKey names the campaign count (API.md's GET /campaigns/:id) a finished state adds to. */
export type CampaignCountKey = 'sent' | 'delivered' | 'failed' | 'skippedDnc' | 'skippedInvalid' | 'optedOut';

/** CAMPAIGN_COUNT_OF_STATE says which count each state adds to; states absent here count as pending. */
export const CAMPAIGN_COUNT_OF_STATE: Partial<Record<MessageState, CampaignCountKey>> = {
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  skipped_dnc: 'skippedDnc',
  skipped_invalid: 'skippedInvalid',
  opted_out: 'optedOut',
};
