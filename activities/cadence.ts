import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from '.';
import {
  CadenceEvent,
  CadenceEventError,
  prepareCadenceMessage,
  PreparedCadenceStep,
} from '../src/cadences/cadence-step';
import { sendSingleMessage } from '../src/senders/send-single';

/** createCadenceActivities builds the activities of the cadence-step workflow over the domain in src/cadences. */
export function createCadenceActivities(deps: ActivityDeps) {
  return {
    /** prepareCadenceMessage stores the step's personalised message once, or says why nothing is sent. */
    async prepareCadenceMessage(event: CadenceEvent): Promise<PreparedCadenceStep> {
      try {
        return await prepareCadenceMessage(deps.db, event);
      } catch (error) {
        // The skill, list or row is gone: no retry will bring it back.
        if (error instanceof CadenceEventError)
          throw ApplicationFailure.nonRetryable(error.message, 'CadenceEventGone');
        throw error;
      }
    },

    /** sendCadenceMessage sends the stored message at the sender's pace unless the contact opted out meanwhile. */
    async sendCadenceMessage(input: { messageId: string; dncGroupIds: string[] }): Promise<string> {
      const sendDeps = {
        db: deps.db,
        carrier: deps.carrier,
        statusCallbackUrl: `${deps.publicUrl}/webhooks/twilio/status`,
      };
      return (await sendSingleMessage(sendDeps, input.messageId, { dncGroupIds: input.dncGroupIds })).state;
    },
  };
}
