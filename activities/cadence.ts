import { ApplicationFailure } from '@temporalio/activity';
import {
  CadenceEvent,
  CadenceEventError,
  prepareCadenceMessage,
  PreparedCadenceStep,
} from '../src/cadences/cadence-step';
import { sendSingleMessage } from '../src/outbound/send-single';
import { ActivityDeps, singleSendDeps } from './deps';

export type { CadenceEvent } from '../src/cadences/cadence-step';

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

    /**
     * sendCadenceMessage sends the stored message at the sender's pace unless the contact opted out meanwhile.
     * Workflows started before the DNC scope had one owner still pass dncGroupIds: the message's own scope is used.
     */
    async sendCadenceMessage(input: { messageId: string; dncGroupIds?: string[] }): Promise<string> {
      return (await sendSingleMessage(singleSendDeps(deps), input.messageId)).state;
    },
  };
}
