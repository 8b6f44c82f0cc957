import { Router, type Response } from 'express';
import {
  conversationThread,
  ConversationView,
  getConversation,
  listConversations,
  ThreadEntry,
} from '../../db/conversations';
import { AgentReplyRefusal, replyAsAgent } from '../../replies/agent-replies';
import { closeByAgent } from '../../replies/close-conversation';
import { contactName } from '../../replies/contact-name';
import { listUnroutedReplies, UnroutedReplyRow } from '../../db/unrouted-replies';
import { explainUnrouted, unroutedReason } from '../../replies/unrouted-replies';
import type { Answer } from '../answer';
import { agentIdOf, businessUnitOf } from '../auth';
import { closeConversationSchema, transferSchema } from '../agent-schemas';
import { getAgent } from '../../db/agents';
import { getDisposition, listQuickResponses } from '../../db/dispositions';
import { mergeQuickResponse } from '../../replies/quick-responses';
import type { mergedQuickResponse } from '../openapi/agent-resources';
import { getSkill } from '../../db/skills';
import { acceptConversation, assignConversation, transferConversation } from '../../replies/routing';
import type { conversationResponse, unroutedReplyResponse } from '../openapi/sending-resources';
import type { ApiDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import {
  agentReplySchema,
  assignConversationSchema,
  conversationListQuerySchema,
  idParamSchema,
  unroutedReplyQuerySchema,
} from '../schemas';
import { parseInput } from '../validation';

/** presentConversation is a conversation as the API answers it (the agents' routes answer offers with it too). */
export function presentConversation(conversation: ConversationView): Answer<typeof conversationResponse> {
  return {
    id: conversation.id,
    contact: conversation.contact,
    sender: conversation.sender_address,
    senderId: conversation.sender_id,
    campaignId: conversation.campaign_id,
    status: conversation.status,
    agent: conversation.agent,
    agentId: conversation.agent_id,
    skillId: conversation.skill_id,
    queuedAt: conversation.queued_at,
    offerExpiresAt: conversation.offer_expires_at,
    dispositionId: conversation.disposition_id,
    lastMessageAt: conversation.last_message_at,
    createdAt: conversation.created_at,
    closedAt: conversation.closed_at,
    closedReason: conversation.closed_reason,
    contactName: contactName(conversation.origin_fields),
    campaignName: conversation.campaign_name,
    campaignMessage:
      conversation.origin_body === null ? null : { body: conversation.origin_body, sentAt: conversation.origin_at! },
  };
}

function presentThreadEntry(entry: ThreadEntry) {
  return {
    id: entry.id,
    direction: entry.direction,
    body: entry.body,
    agent: entry.agent,
    messageSid: entry.inbound_sid,
    // An inbound message has no delivery state; an outbound one follows its SMS (pending, sent, delivered, ...).
    state: entry.direction === 'inbound' ? 'received' : entry.state,
    errorCode: entry.error_code,
    createdAt: entry.created_at,
  };
}

function presentUnroutedReply(row: UnroutedReplyRow): Answer<typeof unroutedReplyResponse> {
  const reason = unroutedReason(row.outcome)!;
  return {
    messageSid: row.message_sid,
    from: row.from_phone,
    to: row.to_address,
    body: row.body,
    receivedAt: row.received_at,
    reason,
    explanation: explainUnrouted(reason),
    campaignId: row.campaign_id,
    campaignName: row.campaign_name,
    skillId: row.skill_id,
  };
}

function notAllowed(action: string, conversation: ConversationView): ApiError {
  return new ApiError(
    409,
    'conflict',
    `cannot ${action} conversation ${conversation.id} while it is ${conversation.status}`,
  );
}

/** conversationRoutes is the agents' queue: list, read, assign, reply and close, all within the caller's business unit. */
export function conversationRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();
  const services = { db, workflows: deps.workflows.conversations };

  // An agent's own key reaches only the conversations offered or assigned to that agent.
  async function load(res: Response, params: unknown): Promise<ConversationView> {
    const { id } = parseInput(idParamSchema, params);
    const conversation = await getConversation(db, businessUnitOf(res).id, id);
    if (!conversation) throw notFound('conversation', id);
    const agentId = agentIdOf(res);
    if (agentId && conversation.agent_id !== agentId)
      throw new ApiError(403, 'forbidden', `conversation ${id} is not offered or assigned to this agent`);
    return conversation;
  }

  async function reloaded(res: Response, id: string) {
    return presentConversation((await getConversation(db, businessUnitOf(res).id, id))!);
  }

  router.get('/conversations', async (req, res) => {
    const filter = parseInput(conversationListQuerySchema, req.query);
    const agentId = agentIdOf(res) ?? undefined;
    res.json((await listConversations(db, businessUnitOf(res).id, { ...filter, agentId })).map(presentConversation));
  });

  // Replies that asked nothing of the system and reached no agent: what would otherwise vanish without a trace.
  router.get('/unrouted-replies', async (req, res) => {
    const { limit } = parseInput(unroutedReplyQuerySchema, req.query);
    res.json((await listUnroutedReplies(db, businessUnitOf(res).id, limit)).map(presentUnroutedReply));
  });

  router.get('/conversations/:id', async (req, res) => {
    const conversation = await load(res, req.params);
    const thread = await conversationThread(db, conversation.business_unit_id, conversation.id);
    res.json({ ...presentConversation(conversation), messages: thread.map(presentThreadEntry) });
  });

  router.post('/conversations/:id/assign', async (req, res) => {
    const conversation = await load(res, req.params);
    const { agent } = parseInput(assignConversationSchema, req.body);
    if (!(await assignConversation(db, conversation.business_unit_id, conversation.id, agent)))
      throw notAllowed('assign', conversation);
    res.json(await reloaded(res, conversation.id));
  });

  router.post('/conversations/:id/messages', async (req, res) => {
    const conversation = await load(res, req.params);
    const input = parseInput(agentReplySchema, req.body);
    let accepted;
    try {
      accepted = await replyAsAgent(services, conversation, { body: input.body, agent: input.agent ?? null });
    } catch (error) {
      if (error instanceof AgentReplyRefusal) throw new ApiError(409, error.code, error.message);
      throw error;
    }
    const { message, threadEntryId } = accepted;
    res.status(202).json({
      id: threadEntryId,
      conversationId: conversation.id,
      direction: 'outbound',
      body: message.body,
      agent: input.agent ?? conversation.agent,
      from: conversation.sender_address,
      state: message.state,
      createdAt: message.created_at,
    });
  });

  // The composer's quick responses, merged with this contact's list record and measured in segments.
  router.get('/conversations/:id/quick-responses', async (req, res) => {
    const conversation = await load(res, req.params);
    const templates = await listQuickResponses(db, conversation.business_unit_id);
    const merged: Answer<typeof mergedQuickResponse>[] = templates.map((q) => ({
      id: q.id,
      name: q.name,
      body: q.body,
      ...mergeQuickResponse(q.body, conversation.origin_fields),
    }));
    res.json(merged);
  });

  router.post('/conversations/:id/accept', async (req, res) => {
    const conversation = await load(res, req.params);
    const agentId = agentIdOf(res);
    if (!agentId) throw new ApiError(403, 'forbidden', "only an agent's own key accepts an offer");
    if (!(await acceptConversation(db, conversation.business_unit_id, conversation.id, agentId)))
      throw notAllowed('accept', conversation);
    res.json(await reloaded(res, conversation.id));
  });

  router.post('/conversations/:id/transfer', async (req, res) => {
    const conversation = await load(res, req.params);
    const target = parseInput(transferSchema, req.body);
    const unitId = conversation.business_unit_id;
    if ('skillId' in target && !(await getSkill(db, unitId, target.skillId)))
      throw notFound('skill', target.skillId, 'skillId');
    if ('agentId' in target && !(await getAgent(db, unitId, target.agentId)))
      throw notFound('agent', target.agentId, 'agentId');
    const moved = await transferConversation(db, conversation, target);
    if (moved.outcome === 'not_open') throw notAllowed('transfer', conversation);
    if (moved.outcome === 'agent_full')
      throw new ApiError(409, 'agent_full', `agent ${'agentId' in target ? target.agentId : ''} has no free slot`);
    res.json(await reloaded(res, conversation.id));
  });

  router.post('/conversations/:id/close', async (req, res) => {
    const conversation = await load(res, req.params);
    const { dispositionId } = parseInput(closeConversationSchema, req.body ?? {});
    if (dispositionId && !(await getDisposition(db, conversation.business_unit_id, dispositionId)))
      throw notFound('disposition', dispositionId, 'dispositionId');
    if (!(await closeByAgent(services, conversation, dispositionId ?? null))) throw notAllowed('close', conversation);
    res.json(await reloaded(res, conversation.id));
  });
  return router;
}
