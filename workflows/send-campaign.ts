import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { CampaignStatus, EngineEvent } from '../activities/campaign';
import { campaignControlSignal, campaignProgressQuery, campaignStatusKey } from './definitions';

// ---- types ----

/** CampaignWorkflowInput is everything that must survive continueAsNew. */
export interface CampaignWorkflowInput {
  campaignId: string;
  /** ISO time to start at; the durable timer waits for it (only while the status is scheduled). */
  startAt: string | null;
  /** walk: page through the list; sweep: come back for recipients held by quiet hours. */
  phase: 'walk' | 'sweep';
  /** Keyset checkpoint: a list record id while walking, a message id while sweeping. */
  afterId: string;
  attempted: number;
  failed: number;
  /** Carried over continueAsNew so a paused campaign stays paused in the next run. */
  status: CampaignStatus;
  batchSize: number;
  /** Seconds of the senders' rate a batch holds at least (absent in runs started before it existed: none). */
  batchSeconds?: number;
  batchesPerRun: number;
  /** Share of permanent failures past which the campaign pauses itself (after at least 50 attempts). */
  failureThreshold: number;
  /** Recipients held in the current sweep pass, and when the first of them may be sent. */
  held?: number;
  nextOpenAt?: number | null;
}

type Activities = ReturnType<typeof createActivities>;

// Each call carries a one-line summary the Temporal Web UI shows on the activity (metadata only: replay ignores it).
const batchActivities = (summary: string) =>
  proxyActivities<Activities>({
    startToCloseTimeout: '30 minutes',
    // A killed worker is noticed within the heartbeat timeout and the batch is retried elsewhere.
    heartbeatTimeout: '20 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['CarrierOutage'] },
    summary,
  });
const statusActivities = (summary: string) =>
  proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
    summary,
  });

// ---- helpers ----

function isCarrierOutage(error: unknown): boolean {
  return (
    error instanceof ActivityFailure &&
    error.cause instanceof ApplicationFailure &&
    error.cause.type === 'CarrierOutage'
  );
}

// ---- workflow ----

/** sendCampaignWorkflow walks a campaign's list batch by batch until every recipient has had its message. */
export async function sendCampaignWorkflow(input: CampaignWorkflowInput): Promise<string> {
  const state = { ...input, held: input.held ?? 0, nextOpenAt: input.nextOpenAt ?? null };
  let reason: string | null = null;
  let batches = 0;

  setHandler(campaignProgressQuery, () => ({
    status: state.status,
    reason,
    phase: state.phase,
    afterId: state.afterId,
    batches,
    attempted: state.attempted,
    failed: state.failed,
    held: state.held,
  }));
  setHandler(campaignControlSignal, ({ action, status }) => {
    // The API has already moved the campaign's row; the workflow mirrors it.
    state.status = status;
    // A resumed campaign starts its failure share afresh, or a self-pause would trigger again at once.
    if (action === 'resume') state.attempted = state.failed = 0;
    publish();
  });

  function publish() {
    upsertSearchAttributes([{ key: campaignStatusKey, value: state.status }]);
    describe();
  }
  // The Web UI's "current details": what this run has done so far (an answer to a query: no history event).
  function describe() {
    setCurrentDetails(
      [
        `**Status** ${state.status.replaceAll('_', ' ')}${reason ? `: ${reason}` : ''}`,
        `**Messages handed to the carrier** ${state.attempted} (failed permanently: ${state.failed})`,
        `**Held by quiet hours** ${state.held}${state.nextOpenAt ? ` until ${new Date(state.nextOpenAt).toISOString()}` : ''}`,
        `**Batches in this run** ${batches} (${state.phase === 'walk' ? 'list' : 'held recipients'} after ${state.afterId})`,
      ].join('\n\n'),
    );
  }
  // Where an event moves the campaign is decided by the activity (src/campaigns/campaign-status.ts), never here.
  async function report(event: EngineEvent, why: string | null = null) {
    const { transitionCampaignStatus } = statusActivities(`campaign event: ${event.replaceAll('_', ' ')}`);
    state.status = await transitionCampaignStatus({ campaignId: input.campaignId, event, reason: why });
    reason = why;
    publish();
  }

  if (state.status === 'scheduled') {
    const wait = state.startAt ? Math.max(0, Date.parse(state.startAt) - Date.now()) : 0;
    await condition(() => state.status !== 'scheduled', wait);
    if (state.status === 'scheduled') await report('start_time_reached');
  }
  publish();

  let outageBackoffMs = 1000;
  for (;;) {
    await condition(() => state.status !== 'paused');
    if (state.status === 'cancelled') return 'cancelled';
    const { dispatchCampaignBatch, dispatchHeldMessages } = batchActivities(
      state.phase === 'walk'
        ? `batch of up to ${state.batchSize} recipients after list record ${state.afterId}`
        : `held recipients after message ${state.afterId}`,
    );
    const step = state.phase === 'walk' ? dispatchCampaignBatch : dispatchHeldMessages;
    let result;
    try {
      result = await step({
        campaignId: input.campaignId,
        afterId: state.afterId,
        batchSize: state.batchSize,
        batchSeconds: state.batchSeconds,
      });
    } catch (error) {
      if (!isCarrierOutage(error)) throw error;
      if (state.status === 'running') await report('carrier_down', 'the carrier is not accepting messages');
      await sleep(outageBackoffMs);
      outageBackoffMs = Math.min(outageBackoffMs * 2, 30_000);
      continue;
    }
    outageBackoffMs = 1000;
    if (result.outcome === 'stopped') {
      // The row says paused or cancelled before our signal arrived: adopt it and wait for the user.
      if (result.status !== state.status) {
        state.status = result.status;
        publish();
      }
      if (state.status === 'completed') return state.status;
      continue;
    }
    if (state.status === 'waiting_for_carrier') await report('carrier_back');
    state.afterId = result.lastId;
    state.attempted += result.attempted;
    state.failed += result.failed;
    state.held += result.held;
    if (result.nextOpenAt !== null)
      state.nextOpenAt = Math.min(state.nextOpenAt ?? result.nextOpenAt, result.nextOpenAt);
    batches += 1;
    describe();
    if (state.attempted >= 50 && state.failed / state.attempted > state.failureThreshold) {
      await report(
        'too_many_failures',
        `paused itself: ${state.failed} of ${state.attempted} messages failed permanently`,
      );
      continue;
    }
    if (result.done) {
      if (state.held === 0) {
        await report('list_done');
        return state.status;
      }
      // Some recipients were outside their quiet-hours window: wait (durably) until the first window opens, then
      // sweep the campaign's unsent messages again from the start.
      await sleep(Math.max(1000, (state.nextOpenAt ?? 0) - Date.now()));
      Object.assign(state, { phase: 'sweep', afterId: '0', held: 0, nextOpenAt: null });
    }
    if (batches >= state.batchesPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof sendCampaignWorkflow>({ ...state, startAt: null });
    }
  }
}
