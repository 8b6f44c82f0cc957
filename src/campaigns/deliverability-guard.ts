import { recentReceiptTally, ReceiptTally } from '../db/deliverability';
import type { Campaign, Db, Sender } from '../db/schema';

// A sender whose messages carriers filter (30007) or refuse as unregistered (30034) burns the list it is sent to: the
// campaign pauses itself once those receipts pass a share of the sender's recent ones (per business unit, default 5%
// of the last 500), so a person can fix the content or the registration before the rest is sent.

/** GUARDED_CODES are the receipt ErrorCodes the guard counts: 30007 filtered, 30034 unregistered sender. */
export const GUARDED_CODES = ['30007', '30034'] as const;

/** DeliverabilitySettings are a business unit's guard: the share of the last `window` receipts that trips it. */
export interface DeliverabilitySettings {
  share: number;
  window: number;
}

/** DEFAULT_DELIVERABILITY is the guard of a business unit that set none (the migration's defaults). */
export const DEFAULT_DELIVERABILITY: DeliverabilitySettings = { share: 0.05, window: 500 };

// A handful of receipts says little (1 filtered of 3 is 33%): the guard judges once it has a window's worth, or 100
// receipts when the window is larger.
const MIN_RECEIPTS = 100;

/** minimumReceipts is how many recent receipts the guard needs before it judges a sender. */
export function minimumReceipts(settings: DeliverabilitySettings): number {
  return Math.min(settings.window, MIN_RECEIPTS);
}

/** isGuardTripped tells whether a sender's recent receipts pass the share the guard allows. */
export function isGuardTripped(tally: ReceiptTally, settings: DeliverabilitySettings): boolean {
  return tally.receipts >= minimumReceipts(settings) && tally.flagged > settings.share * tally.receipts;
}

/** guardReason is the campaign's status reason when the guard pauses it, naming the sender and the share. */
export function guardReason(senderAddress: string, tally: ReceiptTally, settings: DeliverabilitySettings): string {
  const percent = (n: number) => `${Math.round(n * 1000) / 10}%`;
  return (
    `paused itself: ${tally.flagged} of the last ${tally.receipts} receipts of sender ${senderAddress} were ` +
    `filtered or unregistered (error ${GUARDED_CODES.join('/')}), ${percent(tally.flagged / tally.receipts)} ` +
    `(more than ${percent(settings.share)} allowed)`
  );
}

/**
 * deliverabilityBreach reads a sender's recent receipts and returns the reason to pause the campaign, or null. Only
 * receipts since the campaign last went running count: a resume after the fix starts afresh rather than pausing at
 * once on the receipts that paused it.
 */
export async function deliverabilityBreach(
  db: Db,
  campaign: Pick<Campaign, 'updated_at'>,
  sender: Pick<Sender, 'id' | 'address'>,
  settings: DeliverabilitySettings,
): Promise<string | null> {
  const tally = await recentReceiptTally(db, {
    senderId: sender.id,
    since: campaign.updated_at,
    window: settings.window,
    codes: GUARDED_CODES,
  });
  return isGuardTripped(tally, settings) ? guardReason(sender.address, tally, settings) : null;
}
