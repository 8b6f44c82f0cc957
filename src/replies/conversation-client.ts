// The API's side of the conversation workflow: signals to it; the work itself happens in the workflow.
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { ConversationWorkflowInput } from '../../workflows';
import { agentReplySignal, conversationClosedSignal, conversationWorkflowId } from '../../workflows/definitions';
import type { AppConfig } from '../config';
import type { Database } from '../db/schema';

/** ConversationClientDeps are what the API needs to hand work to conversation workflows. */
export interface ConversationClientDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  /** Given to a conversation workflow when a signal starts it. */
  idleMs: number;
}

/** conversationClientDeps picks what conversation signals need out of a process's connections and settings. */
export function conversationClientDeps(deps: {
  db: Kysely<Database>;
  temporal: Client;
  config: AppConfig;
}): ConversationClientDeps {
  return {
    db: deps.db,
    temporal: deps.temporal,
    taskQueue: deps.config.taskQueue,
    idleMs: deps.config.conversationIdleMs,
  };
}

// Signal-with-start: the contact's workflow is started if it is not running, and the event is never lost in between.
export async function signalConversation<Payload>(
  deps: ConversationClientDeps,
  businessUnitId: string,
  contact: string,
  signal: SignalDefinition<[Payload]>,
  payload: Payload,
): Promise<void> {
  const input: ConversationWorkflowInput = { businessUnitId, contact, idleMs: deps.idleMs };
  await deps.temporal.workflow.signalWithStart('handleConversationWorkflow', {
    workflowId: conversationWorkflowId(businessUnitId, contact),
    taskQueue: deps.taskQueue,
    args: [input],
    signal: signal.name,
    signalArgs: [payload],
  });
}

/** signalAgentReply asks the contact's conversation workflow to send an agent's stored reply. */
export async function signalAgentReply(
  deps: ConversationClientDeps,
  reply: { businessUnitId: string; contact: string; conversationId: string; messageId: string },
): Promise<void> {
  const payload = { conversationId: reply.conversationId, messageId: reply.messageId };
  await signalConversation(deps, reply.businessUnitId, reply.contact, agentReplySignal, payload);
}

/** signalConversationClosed tells a running conversation workflow that an agent closed the conversation. */
export async function signalConversationClosed(
  deps: ConversationClientDeps,
  closed: { businessUnitId: string; contact: string; conversationId: string },
): Promise<void> {
  try {
    const handle = deps.temporal.workflow.getHandle(conversationWorkflowId(closed.businessUnitId, closed.contact));
    await handle.signal(conversationClosedSignal, { conversationId: closed.conversationId });
  } catch (error) {
    // No workflow running means no timer to stop: the row already says closed.
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
