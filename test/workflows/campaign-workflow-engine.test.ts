import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { CampaignWorkflowInput } from '../../workflows';
import { continuedAsNew } from '../../scripts/lib/scripted-worker';
import {
  batches,
  batchesInFlight,
  control,
  dispatched,
  heldBatch,
  outage,
  progressOf,
  reportedEvents,
  startCampaign,
  statusRow,
} from '../support/campaign-workflow';
import { useScriptedWorker } from '../support/workflow-worker';

// The campaign workflow on the real Temporal server with scripted activities: what it does by itself. It waits out a
// carrier outage, pauses itself past the failure share, comes back for recipients held by quiet hours, and continues
// as new with its whole state.

const worker = useScriptedWorker();

describe('a carrier outage', () => {
  test('reports carrier_down, retries the same batch after a backoff, and reports carrier_back once it goes through', async () => {
    const dispatchCampaignBatch = batches(
      outage(),
      dispatched({ lastId: '100' }),
      dispatched({ lastId: '200', done: true }),
    );
    const transitionCampaignStatus = statusRow();
    const { handle } = await startCampaign(worker, { dispatchCampaignBatch, transitionCampaignStatus });

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
    const { handle } = await startCampaign(worker, {
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
    const { handle } = await startCampaign(worker, { dispatchCampaignBatch, transitionCampaignStatus });

    await expect(progressOf(handle, (p) => p.status === 'paused')).resolves.toMatchObject({
      reason: 'paused itself: 40 of 60 messages failed permanently',
      afterId: '60',
      attempted: 60,
      failed: 40,
    });
    expect(await batchesInFlight(worker, handle)).toBe(0);
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
    const { handle, input } = await startCampaign(worker, {
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
      worker,
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
      worker,
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
    expect(await batchesInFlight(worker, handle)).toBe(0);

    await control(handle, { action: 'resume', status: 'running' });
    await expect(handle.result()).resolves.toBe('completed');
    expect(dispatchCampaignBatch.mock.calls.map(([batch]) => batch.afterId)).toEqual(['0', '100']);
  });
});
