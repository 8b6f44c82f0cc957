import type { Kysely } from 'kysely';
import { reserveSendSlots } from '../db/senders';
import type { Database } from '../db/schema';

/**
 * scheduleSends reserves one slot per message segment on the sender and returns, for each message, the epoch ms at
 * which it may go out. A 3-segment message takes 3 slots, because carriers count segments against the rate.
 */
export async function scheduleSends(db: Kysely<Database>, senderId: string, segments: readonly number[]): Promise<number[]> {
  const total = segments.reduce((a, b) => a + b, 0);
  const { startMs, mps } = await reserveSendSlots(db, senderId, total);
  const slotMs = 1000 / mps;
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
