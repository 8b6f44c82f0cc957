import { Router, type Response } from 'express';
import { type AgentView, getAgent, heartbeatAgent, listAgents } from '../../db/agents';
import { insertDisposition, insertQuickResponse, listDispositions, listQuickResponses } from '../../db/dispositions';
import { listConversations } from '../../db/conversations';
import { skillQueueFigures } from '../../db/queue-summary';
import type { Disposition, QuickResponse } from '../../db/schema';
import { getSkill } from '../../db/skills';
import { createAgent } from '../../replies/agents';
import { checkQuickResponse } from '../../replies/quick-responses';
import { changeAgentState } from '../../replies/routing';
import { SERVICE_LEVEL_TARGET, serviceLevel } from '../../replies/service-level';
import type { Answer } from '../answer';
import {
  agentStateSchema,
  createAgentSchema,
  createDispositionSchema,
  createQuickResponseSchema,
} from '../agent-schemas';
import { agentIdOf, businessUnitOf } from '../auth';
import type {
  agentCreated,
  agentResponse,
  dispositionResponse,
  queueSummaryResponse,
  quickResponseResponse,
} from '../openapi/agent-resources';
import type { ApiDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { parseInput } from '../validation';
import { presentConversation } from './conversations';

function presentAgent(agent: AgentView): Answer<typeof agentResponse> {
  return {
    id: agent.id,
    name: agent.name,
    state: agent.state,
    reason: agent.reason,
    maxConversations: agent.max_conversations,
    openConversations: agent.open_conversations,
    skills: agent.skills,
    lastHeartbeatAt: agent.last_heartbeat_at,
    stateChangedAt: agent.state_changed_at,
    createdAt: agent.created_at,
  };
}

function presentDisposition(d: Disposition): Answer<typeof dispositionResponse> {
  return { id: d.id, name: d.name, createdAt: d.created_at };
}

function presentQuickResponse(q: QuickResponse): Answer<typeof quickResponseResponse> {
  return { id: q.id, name: q.name, body: q.body, createdAt: q.created_at };
}

/** ownAgentId is the calling agent's id; a key that is not an agent's own has no /agents/me (403). */
export function ownAgentId(res: Response): string {
  const agentId = agentIdOf(res);
  if (!agentId) throw new ApiError(403, 'forbidden', "only an agent's own key has /agents/me");
  return agentId;
}

/**
 * agentRoutes is the ACD's people: agents (the supervisor's key creates and lists them), each agent's own state and
 * offers (its own key), the queue summary, dispositions and quick responses.
 */
export function agentRoutes({ db }: ApiDeps): Router {
  const router = Router();

  router.post('/agents', async (req, res) => {
    const input = parseInput(createAgentSchema, req.body);
    const unitId = businessUnitOf(res).id;
    for (const [i, skill] of input.skills.entries())
      if (!(await getSkill(db, unitId, skill.skillId))) throw notFound('skill', skill.skillId, `skills.${i}.skillId`);
    const { agent, apiKey } = await createAgent(db, { businessUnitId: unitId, ...input });
    const created: Answer<typeof agentCreated> = { ...presentAgent((await getAgent(db, unitId, agent.id))!), apiKey };
    res.status(201).json(created);
  });

  router.get('/agents', async (_req, res) => {
    res.json((await listAgents(db, businessUnitOf(res).id)).map(presentAgent));
  });

  router.get('/agents/me', async (_req, res) => {
    res.json(presentAgent((await getAgent(db, businessUnitOf(res).id, ownAgentId(res)))!));
  });

  router.put('/agents/me/state', async (req, res) => {
    const agentId = ownAgentId(res);
    const input = parseInput(agentStateSchema, req.body);
    if (input.state === 'available' && input.reason)
      throw new ApiError(400, 'validation_failed', 'reason: only an unavailable or offline agent has a reason');
    await changeAgentState(db, agentId, { state: input.state, reason: input.reason ?? null });
    res.json(presentAgent((await getAgent(db, businessUnitOf(res).id, agentId))!));
  });

  // The inbox page beats while it is open: an agent whose page is gone goes offline and its offers are re-offered.
  router.post('/agents/me/heartbeat', async (_req, res) => {
    await heartbeatAgent(db, ownAgentId(res));
    res.status(204).end();
  });

  router.get('/agents/me/offers', async (_req, res) => {
    const agentId = ownAgentId(res);
    const offers = await listConversations(db, businessUnitOf(res).id, { status: 'offered', limit: 100, agentId });
    res.json(offers.map(presentConversation));
  });

  router.get('/queue', async (_req, res) => {
    const figures = await skillQueueFigures(db, SERVICE_LEVEL_TARGET.seconds, businessUnitOf(res).id);
    const summary: Answer<typeof queueSummaryResponse> = {
      skills: figures.map((f) => ({
        skillId: f.skill_id,
        name: f.name,
        queued: f.queued,
        offered: f.offered,
        assigned: f.assigned,
        longestWaitSeconds: f.longest_wait_seconds,
        agents: { available: f.available, unavailable: f.unavailable, offline: f.offline },
        serviceLevel: {
          seconds: SERVICE_LEVEL_TARGET.seconds,
          target: SERVICE_LEVEL_TARGET.share,
          measured: serviceLevel(f.accepted, f.within_service_level),
          accepted: f.accepted,
        },
      })),
    };
    res.json(summary);
  });

  router.post('/dispositions', async (req, res) => {
    const { name } = parseInput(createDispositionSchema, req.body);
    res.status(201).json(presentDisposition(await insertDisposition(db, businessUnitOf(res).id, name)));
  });
  router.get('/dispositions', async (_req, res) => {
    res.json((await listDispositions(db, businessUnitOf(res).id)).map(presentDisposition));
  });

  router.post('/quick-responses', async (req, res) => {
    const input = parseInput(createQuickResponseSchema, req.body);
    checkQuickResponse(input.body);
    res.status(201).json(presentQuickResponse(await insertQuickResponse(db, businessUnitOf(res).id, input)));
  });
  router.get('/quick-responses', async (_req, res) => {
    res.json((await listQuickResponses(db, businessUnitOf(res).id)).map(presentQuickResponse));
  });
  return router;
}
