import { reserveSendSlots } from '../db/senders';
import type { Db } from '../db/schema';

/**
 * PACING_SHARE is the share of a sender's limit the pacer uses. Carriers count a sender's messages as they arrive, and
 * arrivals jitter with the worker's, the network's and the carrier's scheduling delays: slots exactly 1/mps apart put
 * mps + 1 messages into one second whenever a message is a millisecond later than the one a second after it. Pacing at
 * 98.5% keeps 15 ms of every second for that jitter and still uses 98.5% of the sender.
 */
export const PACING_SHARE = 0.985;

/**
 * scheduleSends reserves one slot per message segment on the sender and returns, for each message, the epoch ms at
 * which it may go out. A 3-segment message takes 3 slots, because carriers count segments against the rate.
 */
export async function scheduleSends(db: Db, senderId: string, segments: readonly number[]): Promise<number[]> {
  const total = segments.reduce((a, b) => a + b, 0);
  const { startMs, slotMs } = await reserveSendSlots(db, senderId, total, PACING_SHARE);
  let used = 0;
  return segments.map((n) => {
    const at = startMs + used * slotMs;
    used += n;
    return at;
  });
}

/** sleepUntil waits until an epoch ms (at once when it has passed). */
export function sleepUntil(epochMs: number): Promise<void> {
  const wait = epochMs - Date.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}
