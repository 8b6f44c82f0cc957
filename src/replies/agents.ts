import { createApiKey } from '../auth/api-keys';
import { type AgentSkill, insertAgent } from '../db/agents';
import type { Agent, Db } from '../db/schema';

/** DEFAULT_MAX_CONVERSATIONS is an agent's cap when none is given. */
export const DEFAULT_MAX_CONVERSATIONS = 3;

/**
 * createAgent makes an agent (offline until its inbox opens) and its own key of role `agent`, in one transaction: an
 * agent never exists without the key that lets it work, and the key is shown once.
 */
export async function createAgent(
  db: Db,
  input: { businessUnitId: string; name: string; skills: AgentSkill[]; maxConversations?: number },
): Promise<{ agent: Agent; apiKey: string }> {
  return db.transaction().execute(async (trx) => {
    const agent = await insertAgent(trx, {
      ...input,
      maxConversations: input.maxConversations ?? DEFAULT_MAX_CONVERSATIONS,
    });
    const { secret } = await createApiKey(trx, {
      businessUnitId: input.businessUnitId,
      name: `agent ${input.name}`,
      role: 'agent',
      agentId: agent.id,
    });
    return { agent, apiKey: secret };
  });
}
