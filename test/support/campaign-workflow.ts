import { randomUUID } from 'node:crypto';
import { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { EngineEventInput } from '../../activities/campaign';
import { engineTransition } from '../../src/campaigns/campaign-status';
import type { BatchInput, BatchResult } from '../../src/campaigns/dispatch-batch';
import type { CampaignWorkflowInput, sendCampaignWorkflow } from '../../workflows';
import {
  CampaignControl,
  campaignControlSignal,
  CampaignProgress,
  campaignProgressQuery,
} from '../../workflows/definitions';
import { Answer, deferred, inOrder, ScriptedWorker, untilQueried } from '../../scripts/lib/scripted-worker';

// The campaign workflow's tests drive it with these: batches are scripted answers, not PostgreSQL work, and the
// status row answers each event of the engine as src/campaigns/campaign-status.ts decides.

export { dispatched } from '../../scripts/lib/scripted-worker';

/** batches answers a batch activity's calls in order, recording their inputs and when each came. */
export function batches(...answers: Answer<BatchInput, BatchResult>[]) {
  const answer = inOrder<BatchInput, BatchResult>(...answers);
  const calledAt: number[] = [];
  const activity = jest.fn(async (batch: BatchInput) => {
    calledAt.push(Date.now());
    return answer(batch);
  });
  return Object.assign(activity, { calledAt });
}

/** outage is what dispatchCampaignBatch throws once the carrier failed past the engine's patience. */
export function outage(): ApplicationFailure {
  return ApplicationFailure.create({ type: 'CarrierOutage', message: 'the carrier kept failing', nonRetryable: true });
}

/** heldBatch is a batch that waits, once started, until the scenario lets it answer (to signal mid-batch). */
export function heldBatch(result: BatchResult) {
  const started = deferred();
  const release = deferred();
  const answer = async () => {
    started.resolve();
    await release.promise;
    return result;
  };
  return { answer, started: started.promise, release: () => release.resolve() };
}

/** statusRow answers each event of the engine with the campaign's new status, as the one owner of status rules does. */
export function statusRow() {
  return jest.fn(async (input: EngineEventInput) => {
    if (!input.event) throw ApplicationFailure.nonRetryable('the workflow reported a transition without its event');
    return engineTransition(input.event).to;
  });
}

/** reportedEvents lists the engine's events the workflow reported, with their reasons. */
export function reportedEvents(transition: ReturnType<typeof statusRow>) {
  return transition.mock.calls.map(([{ event, reason }]) => ({ event, reason }));
}

/** campaignInput is a running campaign's first input (a new campaign id), changed by the overrides. */
export function campaignInput(overrides: Partial<CampaignWorkflowInput> = {}): CampaignWorkflowInput {
  return {
    campaignId: randomUUID(),
    startAt: null,
    phase: 'walk',
    afterId: '0',
    attempted: 0,
    failed: 0,
    status: 'running',
    batchSize: 100,
    batchSeconds: 0,
    batchesPerRun: 200,
    failureThreshold: 0.5,
    ...overrides,
  };
}

/** startCampaign starts a campaign workflow on the worker, its activities scripted. */
export async function startCampaign(
  worker: ScriptedWorker,
  activities: {
    dispatchCampaignBatch?: ReturnType<typeof batches>;
    dispatchHeldMessages?: ReturnType<typeof batches>;
    transitionCampaignStatus?: ReturnType<typeof statusRow>;
  },
  overrides: Partial<CampaignWorkflowInput> = {},
) {
  const input = campaignInput(overrides);
  const workflowId = `campaign-${input.campaignId}`;
  worker.script(workflowId, activities);
  const handle = await worker.client.workflow.start<typeof sendCampaignWorkflow>('sendCampaignWorkflow', {
    workflowId,
    taskQueue: worker.taskQueue,
    args: [input],
  });
  return { handle, input };
}

/** progressOf asks the campaign's progress until it passes the check. */
export function progressOf(handle: WorkflowHandle, check: (progress: CampaignProgress) => boolean) {
  return untilQueried(handle, campaignProgressQuery, check);
}

/** control signals a user's change of the campaign, as the API does once the row has moved. */
export function control(handle: WorkflowHandle, signal: CampaignControl) {
  return handle.signal(campaignControlSignal, signal);
}

/** batchesInFlight counts the batch activities the campaign's current run has started and not finished. */
export async function batchesInFlight(worker: ScriptedWorker, handle: WorkflowHandle): Promise<number> {
  const { raw } = await worker.client.workflow.getHandle(handle.workflowId).describe();
  return raw.pendingActivities?.length ?? 0;
}
