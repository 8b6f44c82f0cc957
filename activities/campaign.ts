import { ApplicationFailure, Context } from '@temporalio/activity';
import { engineEventOf, EngineEvent } from '../src/campaigns/campaign-status';
import {
  BatchInput,
  BatchResult,
  CarrierOutageError,
  dispatchBatch,
  dispatchHeld,
  DispatchDeps,
} from '../src/campaigns/dispatch-batch';
import { applyEngineEvent } from '../src/campaigns/engine-events';
import type { CampaignStatus } from '../src/db/schema';
import { ActivityDeps, settleMs, statusCallbackUrl } from './deps';

export type { CampaignStatus } from '../src/db/schema';
export type { EngineEvent } from '../src/campaigns/campaign-status';

/** EngineEventInput is the campaign workflow's report of an event; from/to come from workflows older than events. */
export type EngineEventInput = { campaignId: string; reason: string | null } & (
  { event: EngineEvent } | { event?: undefined; from: string[]; to: string }
);

/** createCampaignActivities builds the activities of the campaign workflow over the engine in src/campaigns. */
export function createCampaignActivities(deps: ActivityDeps) {
  // Runs one engine step with a heartbeat that carries the checkpoint; a carrier outage fails it as CarrierOutage.
  async function runStep(
    step: (d: DispatchDeps, input: BatchInput) => Promise<BatchResult>,
    input: BatchInput,
  ): Promise<BatchResult> {
    try {
      return await step(
        {
          db: deps.db,
          carrier: deps.carrier,
          statusCallbackUrl: statusCallbackUrl(deps),
          carrierPatienceMs: deps.carrierPatienceMs ?? 10_000,
          carrierSettleMs: settleMs(deps),
          lastLook: deps.lastLook,
          heartbeat: () => {
            const context = Context.current();
            context.heartbeat(input.afterId);
            // Stop between chunks when Temporal cancels us (worker shutdown, timeout): the retry resumes from the rows.
            if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
          },
        },
        input,
      );
    } catch (error) {
      if (error instanceof CarrierOutageError)
        throw ApplicationFailure.create({ type: 'CarrierOutage', message: error.message, nonRetryable: true });
      throw error;
    }
  }

  return {
    /** dispatchCampaignBatch sends the next page of a campaign's list. */
    dispatchCampaignBatch: (input: BatchInput) => runStep(dispatchBatch, input),

    /** dispatchHeldMessages sends the next page of recipients held for quiet hours whose window is now open. */
    dispatchHeldMessages: (input: BatchInput) => runStep(dispatchHeld, input),

    /** transitionCampaignStatus applies an event of the engine to the campaign's row and returns its status. */
    async transitionCampaignStatus(input: EngineEventInput): Promise<CampaignStatus> {
      const event = input.event ?? engineEventOf(input.to, input.from);
      if (!event) throw ApplicationFailure.nonRetryable(`no engine event of campaign ${input.campaignId} was named`);
      const status = await applyEngineEvent(deps.db, input.campaignId, event, input.reason);
      if (!status) throw ApplicationFailure.nonRetryable(`campaign ${input.campaignId} does not exist`);
      return status;
    },
  };
}
