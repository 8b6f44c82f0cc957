import { createHash } from 'node:crypto';

/**
 * stickySender picks the sender a recipient always gets from a campaign's pool: a hash of the phone, so the same
 * contact sees the same number (replies come back to it) and the load spreads evenly over the pool.
 */
export function stickySender<T extends { id: string }>(pool: readonly T[], phone: string): T {
  if (pool.length === 0) throw new Error('a campaign needs at least one sender');
  if (pool.length === 1) return pool[0];
  // Sorting by id keeps the choice stable whatever order the pool was given in.
  const ordered = [...pool].sort((a, b) => a.id.localeCompare(b.id));
  const bucket = createHash('sha1').update(phone).digest().readUInt32BE(0) % ordered.length;
  return ordered[bucket];
}
