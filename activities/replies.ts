import { closeConversation } from '../src/replies/close-conversation';
import { sendAgentReply } from '../src/replies/agent-replies';
import { applyInboundReply, InboundReplyResult } from '../src/replies/apply-inbound-reply';
import { sendSingleMessage } from '../src/outbound/send-single';
import { ActivityDeps, singleSendDeps } from './deps';

/** createReplyActivities builds the activities of the conversation workflow over the reply domain in src/replies. */
export function createReplyActivities(deps: ActivityDeps) {
  const sendDeps = singleSendDeps(deps);
  return {
    /** applyInboundReply changes DNC, routes to agents and queues the confirmation for one inbound message. */
    applyInboundReply: (input: { messageSid: string }): Promise<InboundReplyResult> =>
      applyInboundReply(deps.db, input.messageSid),

    /** sendConfirmation sends a keyword's confirmation; a transient carrier failure is retried with the same key. */
    async sendConfirmation(input: { messageId: string }): Promise<string> {
      return (await sendSingleMessage(sendDeps, input.messageId)).state;
    },

    /** sendAgentReply sends an agent's reply unless the contact opted out meanwhile. */
    async sendAgentReply(input: { messageId: string }): Promise<string> {
      return (await sendAgentReply(sendDeps, input.messageId)).state;
    },

    /** closeIdleConversation closes a conversation nobody wrote in for the idle time; false if it was already closed. */
    closeIdleConversation: (input: { businessUnitId: string; conversationId: string }): Promise<boolean> =>
      closeConversation(deps.db, input.businessUnitId, input.conversationId, 'idle'),
  };
}
