// Which waiting replies go to their conversation workflows next when more wait than Temporal may be given at once.
import type { InboundToForward } from '../db/inbound-messages';

/** conversationKey names the conversation (business unit and contact) a message belongs to. */
export const conversationKey = (m: InboundToForward) => `${m.businessUnitId}/${m.contact}`;

/**
 * takeRound removes the next round from `waiting` (in arrival order) and returns it, in arrival order: keywords
 * (STOP, START, HELP) first, up to `limit` of them, then the oldest other messages up to `limit` in all. In a reply
 * storm a STOP thus takes effect within a round or two rather than after every question that arrived before it.
 * A keyword brings its contact's earlier messages along: each contact's messages are handled in the order written
 * (its thread, STOP then START). So every contact's share of a round is the start of what it has waiting, and a
 * round may hold more than `limit`, though never more than twice it.
 */
export function takeRound(waiting: InboundToForward[], limit: number): InboundToForward[] {
  // Where each contact's last keyword within the first `limit` keywords is: its messages up to there go now.
  const upTo = new Map<string, number>();
  let keywords = 0;
  for (let i = 0; i < waiting.length && keywords < limit; i++) {
    if (!waiting[i].keyword) continue;
    upTo.set(conversationKey(waiting[i]), i);
    keywords += 1;
  }
  if (keywords === 0) return waiting.splice(0, limit);

  // Only the front of the queue is looked at (up to the last keyword taken): it may hold tens of thousands in a storm.
  const chosen = new Set<number>();
  let end = Math.max(...upTo.values()) + 1;
  for (let i = 0; i < end; i++) {
    if (i <= (upTo.get(conversationKey(waiting[i])) ?? -1)) chosen.add(i);
  }
  // The oldest others fill the round: taken from the front, so a contact's share stays the start of its messages.
  for (let i = 0; i < waiting.length && chosen.size < limit; i++) {
    chosen.add(i);
    end = Math.max(end, i + 1);
  }
  // Cut in arrival order: what is cut is the end of each contact's share, so the order still holds.
  const round: InboundToForward[] = [];
  let kept = 0;
  for (let i = 0; i < end; i++) {
    if (chosen.has(i) && round.length < 2 * limit) round.push(waiting[i]);
    else waiting[kept++] = waiting[i];
  }
  waiting.splice(kept, end - kept);
  return round;
}
