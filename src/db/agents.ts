import { sql } from 'kysely';
import type { Agent, AgentState, DbOrTransaction } from './schema';

/** AgentSkill is one skill of an agent with its proficiency (1-20, higher is offered first). */
export interface AgentSkill {
  skillId: string;
  proficiency: number;
}

/** AgentView is an agent with its skills and how many conversations it holds now (offered or assigned). */
export type AgentView = Agent & { skills: AgentSkill[]; open_conversations: number };

/** insertAgent stores a new agent (offline until it says otherwise) with its skills. */
export async function insertAgent(
  db: DbOrTransaction,
  input: { businessUnitId: string; name: string; maxConversations: number; skills: AgentSkill[] },
): Promise<Agent> {
  const agent = await db
    .insertInto('agents')
    .values({ business_unit_id: input.businessUnitId, name: input.name, max_conversations: input.maxConversations })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (input.skills.length > 0)
    await db
      .insertInto('agent_skills')
      .values(input.skills.map((s) => ({ agent_id: agent.id, skill_id: s.skillId, proficiency: s.proficiency })))
      .execute();
  return agent;
}

function agentsWithLoad(db: DbOrTransaction, businessUnitId: string) {
  return db
    .selectFrom('agents as a')
    .selectAll('a')
    .select([
      sql<number>`(SELECT count(*)::int FROM conversations c
                   WHERE c.agent_id = a.id AND c.status IN ('offered', 'assigned'))`.as('open_conversations'),
      sql<AgentSkill[]>`coalesce((SELECT json_agg(json_build_object('skillId', s.skill_id, 'proficiency', s.proficiency)
                   ORDER BY s.proficiency DESC, s.skill_id) FROM agent_skills s WHERE s.agent_id = a.id), '[]')`.as(
        'skills',
      ),
    ])
    .where('a.business_unit_id', '=', businessUnitId);
}

/** listAgents returns a business unit's agents with their state and load, oldest first. */
export async function listAgents(db: DbOrTransaction, businessUnitId: string): Promise<AgentView[]> {
  return agentsWithLoad(db, businessUnitId).orderBy('a.created_at').orderBy('a.id').execute();
}

/** getAgent loads one of a business unit's agents with its state and load. */
export async function getAgent(
  db: DbOrTransaction,
  businessUnitId: string,
  id: string,
): Promise<AgentView | undefined> {
  return agentsWithLoad(db, businessUnitId).where('a.id', '=', id).executeTakeFirst();
}

/** heartbeatAgent records that the agent's inbox is open now. */
export async function heartbeatAgent(db: DbOrTransaction, agentId: string): Promise<void> {
  await db
    .updateTable('agents')
    .set({ last_heartbeat_at: sql<Date>`now()` })
    .where('id', '=', agentId)
    .execute();
}

/**
 * setAgentState changes an agent's state (and counts a heartbeat: the agent is there). Becoming available starts its
 * idle time when it had none running, so an agent back from a break does not jump the others.
 */
export async function setAgentState(
  db: DbOrTransaction,
  agentId: string,
  change: { state: AgentState; reason: string | null },
): Promise<Agent | undefined> {
  return db
    .updateTable('agents')
    .set({
      state: change.state,
      reason: change.reason,
      state_changed_at: sql<Date>`CASE WHEN state = ${change.state} THEN state_changed_at ELSE now() END`,
      last_heartbeat_at: change.state === 'offline' ? undefined : sql<Date>`now()`,
      idle_since: sql<Date>`CASE WHEN state <> 'available' AND ${change.state} = 'available' THEN now() ELSE idle_since END`,
    })
    .where('id', '=', agentId)
    .returningAll()
    .executeTakeFirst();
}

/** skillsOfAgent lists the skills an agent is offered conversations of. */
export async function skillsOfAgent(db: DbOrTransaction, agentId: string): Promise<string[]> {
  const rows = await db.selectFrom('agent_skills').select('skill_id').where('agent_id', '=', agentId).execute();
  return rows.map((r) => r.skill_id);
}

/** agentsWithoutHeartbeat lists the agents not offline whose last heartbeat is older than their unit's limit. */
export async function agentsWithoutHeartbeat(db: DbOrTransaction): Promise<Agent[]> {
  return db
    .selectFrom('agents as a')
    .innerJoin('business_units as b', 'b.id', 'a.business_unit_id')
    .selectAll('a')
    .where('a.state', '<>', 'offline')
    .where(
      sql<boolean>`coalesce(a.last_heartbeat_at, a.state_changed_at) < now() - make_interval(secs => b.agent_offline_seconds)`,
    )
    .execute();
}
