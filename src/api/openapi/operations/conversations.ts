// Operations of the agents' reply queue.
import {
  agentReplySchema,
  assignConversationSchema,
  conversationListQuerySchema,
  idParamSchema,
  unroutedReplyQuerySchema,
} from '../../schemas';
import { closeConversationSchema } from '../../agent-schemas';
import { ApiOperation, jsonBody } from '../operation';
import { listOf } from '../resources';
import {
  agentReplyResponse,
  conversationResponse,
  conversationThreadResponse,
  unroutedReplyResponse,
} from '../sending-resources';

const conversation = { security: 'apiKey', tag: 'conversations', params: idParamSchema } as const;

/** conversationOperations are the agents' queue: list, read, assign, reply, close. */
export const conversationOperations: ApiOperation[] = [
  {
    operationId: 'listConversations',
    method: 'get',
    path: '/v1/conversations',
    summary: 'The queue, longest waiting first',
    tag: 'conversations',
    security: 'apiKey',
    query: conversationListQuerySchema,
    responses: { 200: { description: 'The conversations.', schema: listOf(conversationResponse) } },
  },
  {
    operationId: 'listUnroutedReplies',
    method: 'get',
    path: '/v1/unrouted-replies',
    summary: 'Replies that reached no agent (no SMS channel, or no skill with reply handling), newest first, and why',
    tag: 'conversations',
    security: 'apiKey',
    query: unroutedReplyQuerySchema,
    responses: { 200: { description: 'The replies.', schema: listOf(unroutedReplyResponse) } },
  },
  {
    ...conversation,
    operationId: 'getConversation',
    method: 'get',
    path: '/v1/conversations/:id',
    summary: 'A conversation with its messages, oldest first',
    errors: [404],
    responses: { 200: { description: 'The conversation.', schema: conversationThreadResponse } },
  },
  {
    ...conversation,
    operationId: 'assignConversation',
    method: 'post',
    path: '/v1/conversations/:id/assign',
    summary: 'Give a conversation to an agent',
    description:
      "The supervisor's assignment by name, from the queue, an offer or another agent: an offer is withdrawn from " +
      'its agent (who can no longer accept it, and whose slot goes to the next queued conversation) unless the name ' +
      "is that agent's own. Within the ACD, `POST /v1/conversations/:id/transfer {agentId}` offers it to one agent.",
    body: jsonBody(assignConversationSchema),
    errors: [404, 409],
    responses: { 200: { description: 'Assigned.', schema: conversationResponse } },
  },
  {
    ...conversation,
    operationId: 'replyToConversation',
    method: 'post',
    path: '/v1/conversations/:id/messages',
    summary: 'An agent replies, from the number the contact wrote to',
    body: jsonBody(agentReplySchema),
    errors: [404, 409],
    responses: { 202: { description: 'The reply is on its way.', schema: agentReplyResponse } },
  },
  {
    ...conversation,
    operationId: 'closeConversation',
    method: 'post',
    path: '/v1/conversations/:id/close',
    summary: 'Close a conversation, with a disposition code; its agent takes the next queued one',
    body: jsonBody(closeConversationSchema),
    errors: [403, 404, 409],
    responses: { 200: { description: 'Closed.', schema: conversationResponse } },
  },
];
