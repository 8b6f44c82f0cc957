import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import type { handleConversationWorkflow } from '../../workflows';
import {
  agentReplySignal,
  conversationClosedSignal,
  conversationWorkflowId,
  inboundReplySignal,
} from '../../workflows/definitions';
import { maskPhone } from '../phones/mask-phone';
import type { ConversationWorkflows } from '../replies/conversation-workflows';

/** conversationWorkflows hands replies, agents' answers and closings to each contact's conversation workflow. */
export function conversationWorkflows(temporal: Client, taskQueue: string, idleMs: number): ConversationWorkflows {
  // Signal-with-start: the contact's workflow is started if it is not running, and the event is never lost in between.
  async function signalWithStart<Payload>(
    contact: { businessUnitId: string; contact: string },
    signal: SignalDefinition<[Payload]>,
    payload: Payload,
  ): Promise<void> {
    await temporal.workflow.signalWithStart<typeof handleConversationWorkflow, [Payload]>(
      'handleConversationWorkflow',
      {
        workflowId: conversationWorkflowId(contact.businessUnitId, contact.contact),
        taskQueue,
        args: [{ businessUnitId: contact.businessUnitId, contact: contact.contact, idleMs }],
        // The Web UI shows these to whoever can open it: the contact's number stays masked there.
        staticSummary: `Replies from ${maskPhone(contact.contact)} · business unit ${contact.businessUnitId}`,
        staticDetails:
          `**Contact** ${maskPhone(contact.contact)}\n\n**Business unit** ${contact.businessUnitId}\n\n` +
          `Handles the contact's replies in order (STOP, START, HELP, messages to agents) and agents' answers; an ` +
          `open conversation closes itself after ${Math.round(idleMs / 60_000)} minutes without a message.`,
        signal,
        signalArgs: [payload],
      },
    );
  }

  return {
    deliverInbound: (contact, messageSid) => signalWithStart(contact, inboundReplySignal, { messageSid }),

    sendAgentReply: (contact, reply) => signalWithStart(contact, agentReplySignal, reply),

    async conversationClosed(contact, conversationId) {
      try {
        const handle = temporal.workflow.getHandle(conversationWorkflowId(contact.businessUnitId, contact.contact));
        await handle.signal(conversationClosedSignal, { conversationId });
      } catch (error) {
        // No workflow running means no timer to stop: the row already says closed.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    },
  };
}
