import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Carrier } from '../src/carrier/carrier';
import { CampaignStatus } from '../src/campaigns/campaign-status';
import {
  BatchInput,
  BatchResult,
  CarrierOutageError,
  dispatchBatch,
  dispatchHeld,
  DispatchDeps,
} from '../src/campaigns/dispatch-batch';
import { getCampaignById, transitionCampaign } from '../src/db/campaigns';
import type { Database } from '../src/db/schema';
import { createCadenceActivities } from './cadence';
import { createReplyActivities } from './replies';

/** ActivityDeps are what the activities are built from (a factory, so tests and the worker inject their own). */
export interface ActivityDeps {
  db: Kysely<Database>;
  carrier: Carrier;
  publicUrl: string;
  carrierPatienceMs?: number;
}

/** createActivities builds the thin activity adapters over the domain code in src/. */
export function createActivities(deps: ActivityDeps) {
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
          statusCallbackUrl: `${deps.publicUrl}/webhooks/twilio/status`,
          carrierPatienceMs: deps.carrierPatienceMs ?? 10_000,
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

    /** transitionCampaignStatus moves a campaign's row if it is still in `from`, and returns its status either way. */
    async transitionCampaignStatus(input: {
      campaignId: string;
      from: string[];
      to: string;
      reason: string | null;
    }): Promise<string> {
      const moved = await transitionCampaign(
        deps.db,
        input.campaignId,
        input.from as CampaignStatus[],
        input.to as CampaignStatus,
        input.reason,
      );
      if (moved) return moved.status;
      const current = await getCampaignById(deps.db, input.campaignId);
      if (!current) throw ApplicationFailure.nonRetryable(`campaign ${input.campaignId} does not exist`);
      return current.status;
    },
    ...createReplyActivities(deps),
    ...createCadenceActivities(deps),
  };
}
