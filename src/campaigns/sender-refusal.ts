import { markMessages } from '../db/messages';
import type { CampaignStatus, Db, Sender } from '../db/schema';
import { clearSenderAttention, markSenderNeedsAttention } from '../db/senders';
import type { SenderRefusal } from './chunk-flight';
import { applyEngineEvent } from './engine-events';

/**
 * pauseForSenderRefusal is what a sender- or account-level refusal does to a campaign: the sender is marked as needing
 * attention (code and message), the campaign pauses itself saying which sender and code, and the messages that were
 * on their way go back to pending, not failed: resuming after the fix sends them. Returns the campaign's status (a
 * user's cancel that came first wins).
 */
export async function pauseForSenderRefusal(
  db: Db,
  campaignId: string,
  sender: Pick<Sender, 'id' | 'address'>,
  refusal: SenderRefusal,
  unsentIds: string[],
): Promise<CampaignStatus> {
  const code = refusal.code === null ? 'none' : String(refusal.code);
  await markSenderNeedsAttention(db, sender.id, { code, message: refusal.message });
  await markMessages(db, unsentIds, 'pending');
  const what = refusal.known ? 'refused' : 'kept refusing with an unknown code';
  const reason = `paused itself: the carrier ${what} sender ${sender.address} (${code}: ${refusal.message})`;
  return (await applyEngineEvent(db, campaignId, 'sender_refused', reason)) ?? 'cancelled';
}

/** senderRecovered clears a sender's attention once a message went through it again (a no-op when none was set). */
export async function senderRecovered(db: Db, sender: Pick<Sender, 'id' | 'attention_code'>): Promise<void> {
  if (sender.attention_code !== null) await clearSenderAttention(db, sender.id);
}
