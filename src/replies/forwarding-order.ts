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
  // Where each contact's last keyword within the first `limit` keywords is: its messages up to there go now. Keyed by
  // contact, then business unit: the queue is walked far in a storm, and this looks up strings it already has.
  const upTo = new Map<string, Map<string, number>>();
  let keywords = 0;
  let end = 0;
  for (let i = 0; i < waiting.length && keywords < limit; i++) {
    const { keyword, contact, businessUnitId } = waiting[i];
    if (!keyword) continue;
    const units = upTo.get(contact) ?? new Map<string, number>();
    upTo.set(contact, units.set(businessUnitId, i));
    keywords += 1;
    end = i + 1;
  }
  if (keywords === 0) return waiting.splice(0, limit);

  const chosen = new Set<number>();
  for (let i = 0; i < end; i++) {
    const { contact, businessUnitId } = waiting[i];
    if (i <= (upTo.get(contact)?.get(businessUnitId) ?? -1)) chosen.add(i);
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
