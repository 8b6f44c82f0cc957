import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { campaignControlSignal, campaignProgressQuery, campaignStatusKey } from './definitions';

// ---- types ----

/** CampaignWorkflowInput is everything that must survive continueAsNew. */
export interface CampaignWorkflowInput {
  campaignId: string;
  /** ISO time to start at; the durable timer waits for it (only on the first run). */
  startAt: string | null;
  afterRecordId: string;
  attempted: number;
  failed: number;
  /** Carried over continueAsNew so a paused campaign stays paused in the next run. */
  status: string;
  batchSize?: number;
  batchesPerRun?: number;
  /** Share of permanent failures past which the campaign pauses itself (after at least 50 attempts). */
  failureThreshold?: number;
}

type Activities = ReturnType<typeof createActivities>;

const { dispatchCampaignBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  // A killed worker is noticed within the heartbeat timeout and the batch is retried elsewhere.
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['CarrierOutage'] },
});
const { transitionCampaignStatus } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

// ---- helpers ----

function isCarrierOutage(error: unknown): boolean {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === 'CarrierOutage';
}

// ---- workflow ----

/** sendCampaignWorkflow walks a campaign's list batch by batch until every recipient has had its message. */
export async function sendCampaignWorkflow(input: CampaignWorkflowInput): Promise<string> {
  let status = input.status;
  let reason: string | null = null;
  let afterRecordId = input.afterRecordId;
  let attempted = input.attempted;
  let failed = input.failed;
  let batches = 0;
  const batchSize = input.batchSize ?? 500;
  const batchesPerRun = input.batchesPerRun ?? 200;

  setHandler(campaignProgressQuery, () => ({ status, reason, afterRecordId, batches, attempted, failed }));
  setHandler(campaignControlSignal, ({ action }) => {
    // The API has already moved the campaign's row; the workflow mirrors it.
    status = action === 'pause' ? 'paused' : action === 'resume' ? 'running' : 'cancelled';
    // A resumed campaign starts its failure share afresh, or a self-pause would trigger again at once.
    if (action === 'resume') attempted = failed = 0;
    publish();
  });

  function publish() {
    upsertSearchAttributes([{ key: campaignStatusKey, value: status }]);
  }
  async function moveTo(from: string[], to: string, why: string | null = null) {
    status = await transitionCampaignStatus({ campaignId: input.campaignId, from, to, reason: why });
    reason = why;
    publish();
  }

  if (status === 'scheduled') {
    const wait = input.startAt ? Math.max(0, Date.parse(input.startAt) - Date.now()) : 0;
    await condition(() => status !== 'scheduled', wait);
    if (status === 'scheduled') await moveTo(['scheduled'], 'running');
  }
  publish();

  let outageBackoffMs = 1000;
  for (;;) {
    await condition(() => status !== 'paused');
    if (status === 'cancelled') return 'cancelled';
    let result;
    try {
      result = await dispatchCampaignBatch({ campaignId: input.campaignId, afterRecordId, batchSize });
    } catch (error) {
      if (!isCarrierOutage(error)) throw error;
      if (status === 'running') await moveTo(['running'], 'waiting_for_carrier', 'the carrier is not accepting messages');
      await sleep(outageBackoffMs);
      outageBackoffMs = Math.min(outageBackoffMs * 2, 30_000);
      continue;
    }
    outageBackoffMs = 1000;
    if (result.outcome === 'stopped') {
      // The row says paused or cancelled before our signal arrived: adopt it and wait for the user.
      if (result.status !== status) {
        status = result.status;
        publish();
      }
      if (status === 'completed') return status;
      continue;
    }
    if (status === 'waiting_for_carrier') await moveTo(['waiting_for_carrier'], 'running');
    afterRecordId = result.lastRecordId;
    attempted += result.attempted;
    failed += result.failed;
    batches += 1;
    const threshold = input.failureThreshold ?? 0.5;
    if (attempted >= 50 && failed / attempted > threshold) {
      await moveTo(['running'], 'paused', `paused itself: ${failed} of ${attempted} messages failed permanently`);
      continue;
    }
    if (result.done) {
      await moveTo(['running', 'waiting_for_carrier'], 'completed');
      return status;
    }
    if (batches >= batchesPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof sendCampaignWorkflow>({ ...input, startAt: null, afterRecordId, attempted, failed, status });
    }
  }
}
