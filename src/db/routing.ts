import { sql, type Transaction } from 'kysely';
import { retryDeadlockVictim } from './connection';
import type { Conversation, Database, Db, DbOrTransaction } from './schema';

// Routing state is nothing but rows: a conversation is queued on a skill, offered to one agent (agent_id, with an
// expiry) or assigned. Offers from the queue are made in offer-queued.ts. Every change that adds to an agent's load
// locks the agent's row first and counts its load after the lock, so two routers (in any number of processes) can never fill the same slot twice; a conversation is taken
// from the queue with FOR UPDATE SKIP LOCKED, so two routers never offer the same one. Lock order: conversation, then
// agent, everywhere but an agent's own state change (which PostgreSQL may pick as a deadlock's victim: retried).

/** Offer is a conversation just offered to an agent. */
export interface Offer {
  conversationId: string;
  businessUnitId: string;
  agentId: string;
  skillId: string;
}

async function loadOf(trx: Transaction<Database>, agentId: string): Promise<number> {
  const row = await sql<{ load: number }>`
    SELECT count(*)::int AS load FROM conversations WHERE agent_id = ${agentId} AND status IN ('offered', 'assigned')
  `.execute(trx);
  return row.rows[0].load;
}

async function makeOffer(trx: Transaction<Database>, conversationId: string, agentId: string): Promise<Conversation> {
  await trx
    .updateTable('agents')
    .set({ idle_since: sql<Date>`now()` })
    .where('id', '=', agentId)
    .execute();
  return trx
    .updateTable('conversations')
    .set({
      status: 'offered',
      agent_id: agentId,
      agent: (eb) => eb.selectFrom('agents').select('name').where('id', '=', agentId),
      offered_at: sql<Date>`now()`,
      offer_expires_at: sql<Date>`now() + make_interval(secs => (
        SELECT b.offer_timeout_seconds FROM business_units b WHERE b.id = conversations.business_unit_id))`,
    })
    .where('id', '=', conversationId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** acceptOffer makes an offered conversation the agent's own; undefined when it is not offered to this agent. */
export async function acceptOffer(
  db: DbOrTransaction,
  businessUnitId: string,
  conversationId: string,
  agentId: string,
): Promise<Conversation | undefined> {
  return db
    .updateTable('conversations')
    .set({ status: 'assigned', assigned_at: sql<Date>`coalesce(assigned_at, now())`, offer_expires_at: null })
    .where('business_unit_id', '=', businessUnitId)
    .where('id', '=', conversationId)
    .where('agent_id', '=', agentId)
    .where('status', '=', 'offered')
    .returningAll()
    .executeTakeFirst();
}

/** LapsedOffer is an offer whose time ran out: back in its skill's queue, its agent set not responding. */
export interface LapsedOffer {
  conversationId: string;
  businessUnitId: string;
  agentId: string;
  skillId: string | null;
}

/**
 * lapseExpiredOffers puts offers past their expiry back in the queue (keeping their place: queued_at is unchanged)
 * and sets each of their agents still available `unavailable` with reason `not_responding`, in one transaction; rows
 * another sweeper holds are skipped, so any number of sweepers can run.
 */
export async function lapseExpiredOffers(db: Db, limit = 500): Promise<LapsedOffer[]> {
  return retryDeadlockVictim(() =>
    db.transaction().execute(async (trx) => {
      const lapsed = await sql<{ id: string; business_unit_id: string; agent_id: string; skill_id: string | null }>`
        WITH expired AS (
          SELECT id FROM conversations
          WHERE status = 'offered' AND offer_expires_at <= now()
          ORDER BY offer_expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
        ), old AS (
          SELECT c.id, c.agent_id FROM conversations c JOIN expired e ON e.id = c.id
        )
        UPDATE conversations c SET status = 'queued', agent_id = NULL, agent = NULL, offered_at = NULL,
          offer_expires_at = NULL
        FROM old WHERE old.id = c.id
        RETURNING c.id, c.business_unit_id, old.agent_id, c.skill_id
      `.execute(trx);
      const agentIds = [...new Set(lapsed.rows.map((r) => r.agent_id))].sort();
      if (agentIds.length > 0)
        await trx
          .updateTable('agents')
          .set({ state: 'unavailable', reason: 'not_responding', state_changed_at: sql<Date>`now()` })
          .where('id', 'in', agentIds)
          .where('state', '=', 'available')
          .execute();
      return lapsed.rows.map((r) => ({
        conversationId: r.id,
        businessUnitId: r.business_unit_id,
        agentId: r.agent_id,
        skillId: r.skill_id,
      }));
    }),
  );
}

/** requeueOffersOf puts an agent's unanswered offers back in their queues (keeping their place); their skills. */
export async function requeueOffersOf(db: DbOrTransaction, agentId: string): Promise<string[]> {
  const rows = await db
    .updateTable('conversations')
    .set({ status: 'queued', agent_id: null, agent: null, offered_at: null, offer_expires_at: null })
    .where('agent_id', '=', agentId)
    .where('status', '=', 'offered')
    .returning('skill_id')
    .execute();
  return [...new Set(rows.flatMap((r) => (r.skill_id ? [r.skill_id] : [])))];
}

/**
 * transferToSkill puts an offered or assigned conversation at the back of another skill's queue, freeing its agent's
 * slot; undefined when it is not open with an agent.
 */
export async function transferToSkill(
  db: DbOrTransaction,
  businessUnitId: string,
  conversationId: string,
  skillId: string,
): Promise<Conversation | undefined> {
  return db
    .updateTable('conversations')
    .set({
      status: 'queued',
      skill_id: skillId,
      agent_id: null,
      agent: null,
      queued_at: sql<Date>`now()`,
      offered_at: null,
      offer_expires_at: null,
    })
    .where('business_unit_id', '=', businessUnitId)
    .where('id', '=', conversationId)
    .where('status', 'in', ['queued', 'offered', 'assigned'])
    .returningAll()
    .executeTakeFirst();
}

/** TransferToAgent is what a transfer to a named agent did. */
export type TransferToAgent =
  | { outcome: 'offered'; conversation: Conversation; previousAgentId: string | null }
  | { outcome: 'not_open' | 'agent_full' };

/**
 * transferToAgent offers an open conversation to one agent, only within that agent's cap (counted under its lock,
 * like every offer); the previous agent's slot is freed in the same transaction.
 */
export async function transferToAgent(
  db: Db,
  businessUnitId: string,
  conversationId: string,
  agentId: string,
): Promise<TransferToAgent> {
  return retryDeadlockVictim(() =>
    db.transaction().execute(async (trx): Promise<TransferToAgent> => {
      const current = await trx
        .selectFrom('conversations')
        .select(['id', 'agent_id'])
        .where('business_unit_id', '=', businessUnitId)
        .where('id', '=', conversationId)
        .where('status', 'in', ['queued', 'offered', 'assigned'])
        .forUpdate()
        .executeTakeFirst();
      if (!current) return { outcome: 'not_open' };
      const agent = await trx
        .selectFrom('agents')
        .select(['id', 'max_conversations'])
        .where('id', '=', agentId)
        .where('business_unit_id', '=', businessUnitId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const load = (await loadOf(trx, agent.id)) - (current.agent_id === agent.id ? 1 : 0);
      if (load >= agent.max_conversations) return { outcome: 'agent_full' };
      const conversation = await makeOffer(trx, conversationId, agentId);
      return { outcome: 'offered', conversation, previousAgentId: current.agent_id };
    }),
  );
}

/**
 * skillsWithQueue lists the skills that have queued conversations and an available agent (the sweeper offers them
 * again); a queue nobody can take from costs the sweeper nothing.
 */
export async function skillsWithQueue(db: DbOrTransaction): Promise<string[]> {
  const rows = await sql<{ skill_id: string }>`
    SELECT DISTINCT c.skill_id FROM conversations c
    WHERE c.status = 'queued' AND c.skill_id IS NOT NULL
      AND EXISTS (SELECT 1 FROM agent_skills s JOIN agents a ON a.id = s.agent_id
                  WHERE s.skill_id = c.skill_id AND a.state = 'available')
  `.execute(db);
  return rows.rows.map((r) => r.skill_id);
}

/** freeSlotOf restarts an agent's idle time when one of its conversations ends. */
export async function freeSlotOf(db: DbOrTransaction, agentId: string): Promise<void> {
  await db
    .updateTable('agents')
    .set({ idle_since: sql<Date>`now()` })
    .where('id', '=', agentId)
    .execute();
}

/** AssignedByName is what a supervisor's assignment by name did: the conversation, and the agent it was taken from. */
export interface AssignedByName {
  conversation: Conversation;
  previousAgentId: string | null;
}

/**
 * assignByName gives an open conversation to the person a supervisor names, outside the ACD's offers. An offer or an
 * agent holding it is withdrawn in the same statement (the row locked first, so an agent's accept either comes
 * before and is taken over, or after and finds nothing offered): it is never held by two. When the name is that
 * agent's own, the agent keeps it (an acceptance on its behalf). Undefined when it is in none of `from`.
 */
export async function assignByName(
  db: DbOrTransaction,
  businessUnitId: string,
  conversationId: string,
  from: readonly string[],
  name: string,
): Promise<AssignedByName | undefined> {
  const rows = await sql<Conversation & { previous_agent_id: string | null }>`
    WITH old AS (
      SELECT id, agent_id, agent FROM conversations
      WHERE business_unit_id = ${businessUnitId} AND id = ${conversationId} AND status = ANY(${[...from]}::text[])
      FOR UPDATE
    )
    UPDATE conversations c SET status = 'assigned', agent = ${name},
      agent_id = CASE WHEN old.agent = ${name} THEN old.agent_id END,
      assigned_at = coalesce(c.assigned_at, now()), offer_expires_at = NULL
    FROM old WHERE c.id = old.id
    RETURNING c.*, old.agent_id AS previous_agent_id
  `.execute(db);
  const row = rows.rows[0];
  if (!row) return undefined;
  const { previous_agent_id: previousAgentId, ...conversation } = row;
  return { conversation, previousAgentId };
}
