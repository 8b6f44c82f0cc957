// The API's side of the conversation workflow: it records, then signals; the work itself happens in the workflow.
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { ConversationWorkflowInput } from '../../workflows';
import {
  agentReplySignal,
  conversationClosedSignal,
  conversationWorkflowId,
  inboundReplySignal,
} from '../../workflows/definitions';
import { getInboundMessage, markInboundProcessed, recordInboundMessage } from '../db/inbound-messages';
import type { Database } from '../db/schema';
import { findSenderByAddress } from '../db/senders';
import { normalizePhone } from '../phones/phone-number';
import { unownedOutcome } from './apply-inbound-reply';
import { classifyReply } from './reply-keywords';

/** ConversationClientDeps are what the API needs to hand work to conversation workflows. */
export interface ConversationClientDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  /** Given to a conversation workflow when a signal starts it. */
  idleMs: number;
}

/** InboundWebhook is the part of the carrier's inbound webhook the system uses. */
export interface InboundWebhook {
  messageSid: string;
  from: string;
  to: string;
  body: string;
}

// Signal-with-start: the contact's workflow is started if it is not running, and the event is never lost in between.
async function signalConversation<Payload>(
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

/** contactPhone is the sender of an inbound message in the E.164 form calling lists and DNC groups use. */
function contactPhone(from: string): string {
  const normalized = normalizePhone(from, 'US');
  return normalized.ok ? normalized.e164 : from.trim();
}

/**
 * receiveInboundMessage records an inbound webhook once per MessageSid and hands it to the contact's conversation
 * workflow. A message to a number no business unit owns (alphanumeric IDs own none) is recorded and goes no further.
 * A repeat of a message not yet handled is signalled again, harmlessly: handling is keyed by the MessageSid too.
 */
export async function receiveInboundMessage(
  deps: ConversationClientDeps,
  webhook: InboundWebhook,
): Promise<'accepted' | 'duplicate' | 'unowned'> {
  const contact = contactPhone(webhook.from);
  const sender = await findSenderByAddress(deps.db, webhook.to);
  const inbound = { ...webhook, from: contact, businessUnitId: sender?.business_unit_id ?? null };
  const fresh = await recordInboundMessage(deps.db, inbound);
  if (!sender) {
    if (fresh) await markInboundProcessed(deps.db, webhook.messageSid, unownedOutcome(classifyReply(webhook.body)));
    return 'unowned';
  }
  if (!fresh && (await getInboundMessage(deps.db, webhook.messageSid))?.processed_at) return 'duplicate';
  await signalConversation(deps, sender.business_unit_id, contact, inboundReplySignal, {
    messageSid: webhook.messageSid,
  });
  return fresh ? 'accepted' : 'duplicate';
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
