// Operations of the ACD (issue 16): agents and their own state and offers, the queue, dispositions, quick responses,
// and the work on a conversation beyond replying (accept, transfer).
import {
  agentStateSchema,
  createAgentSchema,
  createDispositionSchema,
  createQuickResponseSchema,
  transferSchema,
} from '../../agent-schemas';
import { idParamSchema } from '../../schemas';
import {
  agentCreated,
  agentResponse,
  dispositionResponse,
  mergedQuickResponse,
  queueSummaryResponse,
  quickResponseResponse,
} from '../agent-resources';
import { ApiOperation, jsonBody } from '../operation';
import { listOf } from '../resources';
import { conversationResponse } from '../sending-resources';

const v1 = { security: 'apiKey', tag: 'agents' } as const;
const own = { ...v1, errors: [403] };
const conversation = { ...v1, params: idParamSchema } as const;

/** agentOperations are /agents, /agents/me/…, /queue, /dispositions, /quick-responses, accept and transfer. */
export const agentOperations: ApiOperation[] = [
  {
    ...v1,
    operationId: 'createAgent',
    method: 'post',
    path: '/v1/agents',
    summary: 'A new agent with its skills and cap, and its own key of role agent (shown this once)',
    body: jsonBody(createAgentSchema),
    errors: [404],
    responses: { 201: { description: 'Created; `apiKey` is shown this once.', schema: agentCreated } },
  },
  {
    ...v1,
    operationId: 'listAgents',
    method: 'get',
    path: '/v1/agents',
    summary: 'The agents with their state, reason and open conversations',
    responses: { 200: { description: 'The agents.', schema: listOf(agentResponse) } },
  },
  {
    ...own,
    operationId: 'getOwnAgent',
    method: 'get',
    path: '/v1/agents/me',
    summary: "The calling agent (an agent's own key)",
    responses: { 200: { description: 'The agent.', schema: agentResponse } },
  },
  {
    ...own,
    operationId: 'setOwnAgentState',
    method: 'put',
    path: '/v1/agents/me/state',
    summary: 'available, unavailable (with a reason) or offline; an agent no longer available gives back its offers',
    body: jsonBody(agentStateSchema),
    responses: { 200: { description: 'The agent.', schema: agentResponse } },
  },
  {
    ...own,
    operationId: 'agentHeartbeat',
    method: 'post',
    path: '/v1/agents/me/heartbeat',
    summary: "The inbox is open: an agent without one for the business unit's agentOfflineSeconds goes offline",
    responses: { 204: { description: 'Noted.' } },
  },
  {
    ...own,
    operationId: 'listOwnOffers',
    method: 'get',
    path: '/v1/agents/me/offers',
    summary: 'The conversations offered to the calling agent, waiting for accept',
    responses: { 200: { description: 'The offers.', schema: listOf(conversationResponse) } },
  },
  {
    ...conversation,
    operationId: 'acceptConversation',
    method: 'post',
    path: '/v1/conversations/:id/accept',
    summary: 'The agent takes a conversation offered to it (409 when it is not offered to this agent)',
    errors: [403, 404, 409],
    responses: { 200: { description: 'Assigned to the agent.', schema: conversationResponse } },
  },
  {
    ...conversation,
    operationId: 'transferConversation',
    method: 'post',
    path: '/v1/conversations/:id/transfer',
    summary: "To another skill's queue, or offered to one agent (409 agent_full when it has no free slot)",
    body: jsonBody(transferSchema),
    errors: [403, 404, 409],
    responses: { 200: { description: 'Transferred.', schema: conversationResponse } },
  },
  {
    ...conversation,
    operationId: 'conversationQuickResponses',
    method: 'get',
    path: '/v1/conversations/:id/quick-responses',
    summary: "The quick responses merged with the contact's list record, each with its segments",
    errors: [403, 404],
    responses: { 200: { description: 'The merged quick responses.', schema: listOf(mergedQuickResponse) } },
  },
  {
    ...own,
    operationId: 'agentEvents',
    method: 'get',
    path: '/v1/events',
    summary: 'Server-sent events for the calling agent: offers, messages, states and conversations, as they happen',
    description:
      'A text/event-stream that stays open: `event: ready` first, then `event: offer|message|state|conversation` ' +
      'with a JSON `data` line each (`conversation`: one of its conversations was accepted, closed, transferred or ' +
      "taken over; `{conversationId, status}`). An open stream counts as the agent's heartbeat. Read it with fetch " +
      '(the key goes in the Authorization header).',
    responses: {
      200: {
        description: 'The stream.',
        otherContent: { mediaType: 'text/event-stream', schema: { type: 'string' } },
      },
    },
  },
  {
    ...v1,
    operationId: 'queueSummary',
    method: 'get',
    path: '/v1/queue',
    summary: 'Per skill: queue length, longest wait, agents by state, service level beside its 80 % in 20 s target',
    responses: { 200: { description: 'The queues.', schema: queueSummaryResponse } },
  },
  {
    ...v1,
    operationId: 'createDisposition',
    method: 'post',
    path: '/v1/dispositions',
    summary: 'A disposition code agents close conversations with',
    body: jsonBody(createDispositionSchema),
    errors: [409],
    responses: { 201: { description: 'Created.', schema: dispositionResponse } },
  },
  {
    ...v1,
    operationId: 'listDispositions',
    method: 'get',
    path: '/v1/dispositions',
    summary: 'The disposition codes',
    responses: { 200: { description: 'The codes.', schema: listOf(dispositionResponse) } },
  },
  {
    ...v1,
    operationId: 'createQuickResponse',
    method: 'post',
    path: '/v1/quick-responses',
    summary: "A quick response: {Field}s merge from the contact's list record",
    body: jsonBody(createQuickResponseSchema),
    errors: [400],
    responses: { 201: { description: 'Created.', schema: quickResponseResponse } },
  },
  {
    ...v1,
    operationId: 'listQuickResponses',
    method: 'get',
    path: '/v1/quick-responses',
    summary: 'The quick responses',
    responses: { 200: { description: 'The quick responses.', schema: listOf(quickResponseResponse) } },
  },
];
