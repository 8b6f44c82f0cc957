import { sql } from 'kysely';
import { retryDeadlockVictim } from './connection';
import type { Offer } from './routing';
import type { Db } from './schema';

/** FreeAgent is an available agent with the skill, in routing order, and how many more conversations it may hold. */
export interface FreeAgent {
  id: string;
  proficiency: number;
  free: number;
}

/** Match is one conversation and the agent it is offered to. */
export interface Match {
  conversationId: string;
  agentId: string;
}

/**
 * matchOffers gives each conversation (longest waiting first) to the agent with a free slot and the highest
 * proficiency, then the one idle longest (`agents` come in that order). An agent given an offer becomes the one idle
 * shortest of its proficiency, as one offer at a time would make it, so equals take turns.
 */
export function matchOffers(conversationIds: readonly string[], agents: readonly FreeAgent[]): Match[] {
  const line = agents.filter((a) => a.free > 0).map((a) => ({ ...a }));
  const matches: Match[] = [];
  for (const conversationId of conversationIds) {
    const agent = line.shift();
    if (!agent) break;
    matches.push({ conversationId, agentId: agent.id });
    agent.free--;
    if (agent.free === 0) continue;
    const behind = line.findIndex((other) => other.proficiency < agent.proficiency);
    line.splice(behind < 0 ? line.length : behind, 0, agent);
  }
  return matches;
}

/**
 * offerQueued offers up to `limit` of the skill's longest-waiting queued conversations in one transaction, matched by
 * matchOffers. The conversations are taken FOR UPDATE SKIP LOCKED and the candidate agents locked (SKIP LOCKED too,
 * no more of them than there are conversations) before their loads are counted, so no cap is exceeded and no
 * conversation is offered twice whatever the number of routers. Each offered agent's idle time restarts, in the
 * order of its offers. Returns the offers made: none when the queue is empty or nobody can take from it.
 */
export async function offerQueued(db: Db, skillId: string, limit: number): Promise<Offer[]> {
  return retryDeadlockVictim(() =>
    db.transaction().execute(async (trx) => {
      const queued = await sql<{ id: string; business_unit_id: string }>`
        SELECT id, business_unit_id FROM conversations
        WHERE skill_id = ${skillId} AND status = 'queued'
        ORDER BY queued_at, id
        LIMIT ${limit} FOR UPDATE SKIP LOCKED
      `.execute(trx);
      if (queued.rows.length === 0) return [];
      // A skill is one business unit's, and so is every conversation queued on it.
      const businessUnitId = queued.rows[0].business_unit_id;
      // The loads read here are before the locks: they only choose whom to lock, and are counted again under them.
      const candidates = await sql<{ id: string; proficiency: number; max_conversations: number }>`
        SELECT a.id, s.proficiency, a.max_conversations FROM agents a
        JOIN agent_skills s ON s.agent_id = a.id AND s.skill_id = ${skillId}
        WHERE a.state = 'available' AND a.business_unit_id = ${businessUnitId}
          AND (SELECT count(*) FROM conversations c
               WHERE c.agent_id = a.id AND c.status IN ('offered', 'assigned')) < a.max_conversations
        ORDER BY s.proficiency DESC, a.idle_since, a.id
        LIMIT ${queued.rows.length} FOR UPDATE OF a SKIP LOCKED
      `.execute(trx);
      if (candidates.rows.length === 0) return [];
      const loads = await sql<{ agent_id: string; load: number }>`
        SELECT agent_id, count(*)::int AS load FROM conversations
        WHERE agent_id = ANY(${candidates.rows.map((a) => a.id)}::uuid[]) AND status IN ('offered', 'assigned')
        GROUP BY agent_id
      `.execute(trx);
      const loadOf = new Map(loads.rows.map((r) => [r.agent_id, r.load]));
      const matches = matchOffers(
        queued.rows.map((c) => c.id),
        candidates.rows.map((a) => ({
          id: a.id,
          proficiency: a.proficiency,
          free: a.max_conversations - (loadOf.get(a.id) ?? 0),
        })),
      );
      if (matches.length === 0) return [];
      // Later offers read as later: an agent's idle time starts from its last offer, a microsecond apart per offer.
      const lastOffer = new Map(matches.map((m, i) => [m.agentId, i]));
      await sql`
        UPDATE agents a SET idle_since = now() + make_interval(secs => v.seq / 1000000.0)
        FROM unnest(${[...lastOffer.keys()]}::uuid[], ${[...lastOffer.values()]}::int[]) AS v(id, seq)
        WHERE a.id = v.id
      `.execute(trx);
      await sql`
        UPDATE conversations c SET status = 'offered', agent_id = v.agent_id, agent = a.name, offered_at = now(),
          offer_expires_at = now() + make_interval(secs => b.offer_timeout_seconds)
        FROM unnest(${matches.map((m) => m.conversationId)}::uuid[], ${matches.map((m) => m.agentId)}::uuid[])
          AS v(id, agent_id)
        JOIN agents a ON a.id = v.agent_id
        JOIN business_units b ON b.id = a.business_unit_id
        WHERE c.id = v.id
      `.execute(trx);
      return matches.map((m) => ({ ...m, businessUnitId, skillId }));
    }),
  );
}
