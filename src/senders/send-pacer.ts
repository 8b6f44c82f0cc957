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

// At most this share of a chunk's slots is booked spare: the cost when a stall never comes.
const MAX_SPARE_SHARE = 0.1;

/**
 * spareSlotsFor is how many spare one-segment slots a chunk of `chunkLength` messages books after its own, so a send
 * whose slot passed in a stall (more than lateBoundMs late) takes one instead of going back to the queue: as many as
 * the sender's last chunk missed, up to a tenth of the chunk. Only a fast sender books any, one whose slots are shorter
 * than the lateness bound, where a stall of a few milliseconds misses several slots and an unused spare costs a few
 * milliseconds of the sender; a slow sender's spare would cost a whole slot of a second or more.
 */
export function spareSlotsFor(mps: number, chunkLength: number, recentMisses: number, lateBoundMs: number): number {
  const slotMs = 1000 / (mps * PACING_SHARE);
  if (slotMs >= lateBoundMs) return 0;
  return Math.min(recentMisses, Math.ceil(chunkLength * MAX_SPARE_SHARE));
}

/** sleepUntil waits until an epoch ms (at once when it has passed). */
export function sleepUntil(epochMs: number): Promise<void> {
  const wait = epochMs - Date.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}
