import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, WorkflowHandle } from '@temporalio/client';
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
  campaignStatusKey,
} from '../../workflows/definitions';
import { Answer, continuedAsNew, deferred, inOrder, untilQueried } from '../../scripts/lib/scripted-worker';
import { useScriptedWorker } from '../support/workflow-worker';

// The campaign workflow on the real Temporal server with scripted activities: each of its branches, as the engine's
// batches, the carrier and the users' signals drive it. The batches here are answers, not PostgreSQL work.

const worker = useScriptedWorker();

type Dispatched = Extract<BatchResult, { outcome: 'dispatched' }>;

/** dispatched is a batch that went through: by default it sent nothing and the list goes on. */
function dispatched(result: Partial<Dispatched> & { lastId: string }): BatchResult {
  return { outcome: 'dispatched', done: false, attempted: 0, failed: 0, held: 0, nextOpenAt: null, ...result };
}

/** batches answers a batch activity's calls in order, recording their inputs and when each came. */
function batches(...answers: Answer<BatchInput, BatchResult>[]) {
  const answer = inOrder<BatchInput, BatchResult>(...answers);
  const calledAt: number[] = [];
  const activity = jest.fn(async (batch: BatchInput) => {
    calledAt.push(Date.now());
    return answer(batch);
  });
  return Object.assign(activity, { calledAt });
}

/** outage is what dispatchCampaignBatch throws once the carrier failed past the engine's patience. */
function outage(): ApplicationFailure {
  return ApplicationFailure.create({ type: 'CarrierOutage', message: 'the carrier kept failing', nonRetryable: true });
}

/** heldBatch is a batch that waits, once started, until the scenario lets it answer (to signal mid-batch). */
function heldBatch(result: BatchResult) {
  const started = deferred();
  const release = deferred();
  const answer = async () => {
    started.resolve();
    await release.promise;
    return result;
  };
  return { answer, started: started.promise, release: () => release.resolve() };
}

/** The campaign row's answer to an event of the engine, as the one owner of status rules decides it. */
function statusRow() {
  return jest.fn(async (input: EngineEventInput) => {
    if (!input.event) throw ApplicationFailure.nonRetryable('the workflow reported a transition without its event');
    return engineTransition(input.event).to;
  });
}

function reportedEvents(transition: ReturnType<typeof statusRow>) {
  return transition.mock.calls.map(([{ event, reason }]) => ({ event, reason }));
}

function campaignInput(overrides: Partial<CampaignWorkflowInput> = {}): CampaignWorkflowInput {
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

async function startCampaign(
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

function progressOf(handle: WorkflowHandle, check: (progress: CampaignProgress) => boolean) {
  return untilQueried(handle, campaignProgressQuery, check);
}

function control(handle: WorkflowHandle, signal: CampaignControl) {
  return handle.signal(campaignControlSignal, signal);
}

/** batchesInFlight counts the batch activities the campaign's current run has started and not finished. */
async function batchesInFlight(handle: WorkflowHandle): Promise<number> {
  const { raw } = await worker.client.workflow.getHandle(handle.workflowId).describe();
  return raw.pendingActivities?.length ?? 0;
}

describe('a scheduled campaign', () => {
  test('waits for its start time, reports start_time_reached, then sends', async () => {
    const startAt = Date.now() + 300;
    const dispatchCampaignBatch = batches(dispatched({ lastId: '5', attempted: 5, done: true }));
    const transitionCampaignStatus = statusRow();
    const { handle } = await startCampaign(
      { dispatchCampaignBatch, transitionCampaignStatus },
      { status: 'scheduled', startAt: new Date(startAt).toISOString() },
    );

    await progressOf(handle, (p) => p.status === 'scheduled');
    expect(dispatchCampaignBatch).not.toHaveBeenCalled();
    await expect(handle.result()).resolves.toBe('completed');
    expect(dispatchCampaignBatch.calledAt[0]).toBeGreaterThanOrEqual(startAt);
    expect(reportedEvents(transitionCampaignStatus)).toEqual([
      { event: 'start_time_reached', reason: null },
      { event: 'list_done', reason: null },
    ]);
  });

  test('whose start time has passed starts at once', async () => {
    const transitionCampaignStatus = statusRow();
    const { handle } = await startCampaign(
      { dispatchCampaignBatch: batches(dispatched({ lastId: '5', done: true })), transitionCampaignStatus },
      { status: 'scheduled', startAt: new Date(Date.now() - 60_000).toISOString() },
    );

    await expect(handle.result()).resolves.toBe('completed');
    expect(reportedEvents(transitionCampaignStatus).map((r) => r.event)).toEqual(['start_time_reached', 'list_done']);
  });

  test('cancelled before its start time ends without a batch or a report', async () => {
    const dispatchCampaignBatch = batches();
    const transitionCampaignStatus = statusRow();
    const { handle } = await startCampaign(
      { dispatchCampaignBatch, transitionCampaignStatus },
      { status: 'scheduled', startAt: new Date(Date.now() + 3_600_000).toISOString() },
    );

    await progressOf(handle, (p) => p.status === 'scheduled');
    await control(handle, { action: 'cancel', status: 'cancelled' });
    await expect(handle.result()).resolves.toBe('cancelled');
    expect(dispatchCampaignBatch).not.toHaveBeenCalled();
    expect(transitionCampaignStatus).not.toHaveBeenCalled();
  });
});

describe("users' pause, resume and cancel", () => {
  test('a pause during a batch holds the next batch until resume, which continues after the checkpoint', async () => {
    const first = heldBatch(dispatched({ lastId: '100', attempted: 100 }));
    const dispatchCampaignBatch = batches(first.answer, dispatched({ lastId: '150', attempted: 50, done: true }));
    const transitionCampaignStatus = statusRow();
    const { handle, input } = await startCampaign({ dispatchCampaignBatch, transitionCampaignStatus });

    await first.started;
    await control(handle, { action: 'pause', status: 'paused' });
    first.release();
    await progressOf(handle, (p) => p.status === 'paused' && p.batches === 1);
    expect(await batchesInFlight(handle)).toBe(0);

    await control(handle, { action: 'resume', status: 'running' });
    await expect(handle.result()).resolves.toBe('completed');
    expect(dispatchCampaignBatch.mock.calls.map(([batch]) => batch)).toEqual([
      { campaignId: input.campaignId, afterId: '0', batchSize: 100, batchSeconds: 0 },
      { campaignId: input.campaignId, afterId: '100', batchSize: 100, batchSeconds: 0 },
    ]);
    expect(reportedEvents(transitionCampaignStatus)).toEqual([{ event: 'list_done', reason: null }]);
  });

  test('a cancel while paused ends the workflow without another batch', async () => {
    const first = heldBatch(dispatched({ lastId: '100', attempted: 100 }));
    const dispatchCampaignBatch = batches(first.answer);
    const { handle } = await startCampaign({ dispatchCampaignBatch, transitionCampaignStatus: statusRow() });

    await first.started;
    await control(handle, { action: 'pause', status: 'paused' });
    first.release();
    await progressOf(handle, (p) => p.status === 'paused' && p.batches === 1);
    await control(handle, { action: 'cancel', status: 'cancelled' });

    await expect(handle.result()).resolves.toBe('cancelled');
    expect(dispatchCampaignBatch).toHaveBeenCalledTimes(1);
  });
});

describe('a batch that finds the campaign stopped', () => {
  test('paused: the workflow adopts the status and waits for a resume', async () => {
    const dispatchCampaignBatch = batches(
      { outcome: 'stopped', status: 'paused' },
      dispatched({ lastId: '100', attempted: 100, done: true }),
    );
    const { handle } = await startCampaign({ dispatchCampaignBatch, transitionCampaignStatus: statusRow() });

    await progressOf(handle, (p) => p.status === 'paused');
    expect(await batchesInFlight(handle)).toBe(0);
    await control(handle, { action: 'resume', status: 'running' });

    await expect(handle.result()).resolves.toBe('completed');
    expect(dispatchCampaignBatch.mock.calls.map(([batch]) => batch.afterId)).toEqual(['0', '0']);
  });

  test.each(['cancelled', 'completed'] as const)('%s: the workflow ends with that status', async (status) => {
    const dispatchCampaignBatch = batches({ outcome: 'stopped', status });
    const transitionCampaignStatus = statusRow();
    const { handle } = await startCampaign({ dispatchCampaignBatch, transitionCampaignStatus });

    await expect(handle.result()).resolves.toBe(status);
    expect(transitionCampaignStatus).not.toHaveBeenCalled();
  });
});

describe('a carrier outage', () => {
  test('reports carrier_down, retries the same batch after a backoff, and reports carrier_back once it goes through', async () => {
    const dispatchCampaignBatch = batches(
      outage(),
      dispatched({ lastId: '100' }),
      dispatched({ lastId: '200', done: true }),
    );
    const transitionCampaignStatus = statusRow();
    const { handle } = await startCampaign({ dispatchCampaignBatch, transitionCampaignStatus });

    await expect(progressOf(handle, (p) => p.status === 'waiting_for_carrier')).resolves.toMatchObject({
      reason: 'the carrier is not accepting messages',
      batches: 0,
    });
    await expect(handle.result()).resolves.toBe('completed');

    expect(dispatchCampaignBatch.mock.calls.map(([batch]) => batch.afterId)).toEqual(['0', '0', '100']);
    const [failedAt, retriedAt] = dispatchCampaignBatch.calledAt;
    expect(retriedAt - failedAt).toBeGreaterThanOrEqual(1000);
    expect(reportedEvents(transitionCampaignStatus)).toEqual([
      { event: 'carrier_down', reason: 'the carrier is not accepting messages' },
      { event: 'carrier_back', reason: null },
      { event: 'list_done', reason: null },
    ]);
  });

  test('a batch that fails for any other reason fails the workflow', async () => {
    const transitionCampaignStatus = statusRow();
    const { handle } = await startCampaign({
      dispatchCampaignBatch: batches(ApplicationFailure.nonRetryable('the calling list is gone', 'ListGone')),
      transitionCampaignStatus,
    });

    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(transitionCampaignStatus).not.toHaveBeenCalled();
  });
});

describe('the failure share', () => {
  test('past the share (after 50 attempts) the campaign pauses itself saying why, and a resume counts afresh', async () => {
    const dispatchCampaignBatch = batches(
      // Every message failed, but 40 attempts are too few to judge: the campaign goes on.
      dispatched({ lastId: '40', attempted: 40, failed: 40 }),
      // 40 of 60 failed: past the share of 0.5.
      dispatched({ lastId: '60', attempted: 20, failed: 0 }),
      // After the resume, 20 of 60 failed: below the share only because the count started afresh.
      dispatched({ lastId: '120', attempted: 60, failed: 20, done: true }),
    );
    const transitionCampaignStatus = statusRow();
    const { handle } = await startCampaign({ dispatchCampaignBatch, transitionCampaignStatus });

    await expect(progressOf(handle, (p) => p.status === 'paused')).resolves.toMatchObject({
      reason: 'paused itself: 40 of 60 messages failed permanently',
      afterId: '60',
      attempted: 60,
      failed: 40,
    });
    expect(await batchesInFlight(handle)).toBe(0);
    await control(handle, { action: 'resume', status: 'running' });

    await expect(handle.result()).resolves.toBe('completed');
    expect(reportedEvents(transitionCampaignStatus)).toEqual([
      { event: 'too_many_failures', reason: 'paused itself: 40 of 60 messages failed permanently' },
      { event: 'list_done', reason: null },
    ]);
  });
});

describe('quiet hours', () => {
  test('recipients held by quiet hours are swept from the start once the first window opens', async () => {
    const firstWindow = Date.now() + 1100;
    const dispatchCampaignBatch = batches(
      dispatched({ lastId: '100', attempted: 98, held: 2, nextOpenAt: firstWindow + 3_600_000 }),
      dispatched({ lastId: '200', attempted: 99, held: 1, nextOpenAt: firstWindow, done: true }),
    );
    const dispatchHeldMessages = batches(
      dispatched({ lastId: 'm-2', attempted: 2 }),
      dispatched({ lastId: 'm-3', attempted: 1, done: true }),
    );
    const transitionCampaignStatus = statusRow();
    const { handle, input } = await startCampaign({
      dispatchCampaignBatch,
      dispatchHeldMessages,
      transitionCampaignStatus,
    });

    await expect(progressOf(handle, (p) => p.batches === 2)).resolves.toMatchObject({ phase: 'walk', held: 3 });
    await expect(handle.result()).resolves.toBe('completed');

    expect(dispatchHeldMessages.calledAt[0]).toBeGreaterThanOrEqual(firstWindow);
    expect(dispatchHeldMessages.mock.calls.map(([batch]) => batch)).toEqual([
      { campaignId: input.campaignId, afterId: '0', batchSize: 100, batchSeconds: 0 },
      { campaignId: input.campaignId, afterId: 'm-2', batchSize: 100, batchSeconds: 0 },
    ]);
    expect(reportedEvents(transitionCampaignStatus)).toEqual([{ event: 'list_done', reason: null }]);
  });
});

describe('continue-as-new', () => {
  test('after batchesPerRun batches the next run starts with every field of the state', async () => {
    const now = Date.now();
    const dispatchCampaignBatch = batches(
      dispatched({ lastId: '100', attempted: 50, failed: 5, held: 1, nextOpenAt: now + 7_200_000 }),
      dispatched({ lastId: '200', attempted: 40, failed: 3, held: 2, nextOpenAt: now + 3_600_000 }),
      // The next run: the list ends and the held recipients' window is an hour away.
      dispatched({ lastId: '200', done: true }),
    );
    const { handle, input } = await startCampaign(
      { dispatchCampaignBatch, transitionCampaignStatus: statusRow() },
      {
        startAt: new Date(now - 60_000).toISOString(),
        batchSize: 50,
        batchSeconds: 30,
        batchesPerRun: 2,
        failureThreshold: 0.9,
      },
    );

    const next = await progressOf(handle, (p) => p.batches === 1 && p.afterId === '200');
    expect(next).toEqual({
      status: 'running',
      reason: null,
      phase: 'walk',
      afterId: '200',
      batches: 1,
      attempted: 90,
      failed: 8,
      held: 3,
    });
    const { input: carried } = await continuedAsNew<CampaignWorkflowInput>(
      worker.client,
      handle.workflowId,
      handle.firstExecutionRunId,
    );
    expect(carried).toEqual({
      campaignId: input.campaignId,
      startAt: null,
      phase: 'walk',
      afterId: '200',
      attempted: 90,
      failed: 8,
      status: 'running',
      batchSize: 50,
      batchSeconds: 30,
      batchesPerRun: 2,
      failureThreshold: 0.9,
      held: 3,
      nextOpenAt: now + 3_600_000,
    });
    expect(dispatchCampaignBatch.mock.calls[2][0]).toEqual({
      campaignId: input.campaignId,
      afterId: '200',
      batchSize: 50,
      batchSeconds: 30,
    });
  });

  test('a campaign paused during the last batch of a run is still paused in the next run', async () => {
    const first = heldBatch(dispatched({ lastId: '100', attempted: 100 }));
    const dispatchCampaignBatch = batches(first.answer, dispatched({ lastId: '150', attempted: 50, done: true }));
    const { handle } = await startCampaign(
      { dispatchCampaignBatch, transitionCampaignStatus: statusRow() },
      { batchesPerRun: 1 },
    );

    await first.started;
    await control(handle, { action: 'pause', status: 'paused' });
    first.release();
    // The next run (no batch yet, after the first one's checkpoint) is paused, and so was its input.
    await progressOf(handle, (p) => p.batches === 0 && p.afterId === '100' && p.status === 'paused');
    const { input: carried } = await continuedAsNew<CampaignWorkflowInput>(
      worker.client,
      handle.workflowId,
      handle.firstExecutionRunId,
    );
    expect(carried).toMatchObject({ status: 'paused', afterId: '100', attempted: 100 });
    expect(await batchesInFlight(handle)).toBe(0);

    await control(handle, { action: 'resume', status: 'running' });
    await expect(handle.result()).resolves.toBe('completed');
    expect(dispatchCampaignBatch.mock.calls.map(([batch]) => batch.afterId)).toEqual(['0', '100']);
  });
});

describe('completion', () => {
  test('a list walked to its end with nobody held reports list_done and publishes the final status', async () => {
    const dispatchCampaignBatch = batches(
      dispatched({ lastId: '100', attempted: 100 }),
      dispatched({ lastId: '180', attempted: 80, done: true }),
    );
    const transitionCampaignStatus = statusRow();
    const { handle } = await startCampaign({ dispatchCampaignBatch, transitionCampaignStatus });

    await expect(handle.result()).resolves.toBe('completed');
    expect(dispatchCampaignBatch.mock.calls.map(([batch]) => batch.afterId)).toEqual(['0', '100']);
    expect(reportedEvents(transitionCampaignStatus)).toEqual([{ event: 'list_done', reason: null }]);
    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.get(campaignStatusKey)).toBe('completed');
  });
});
