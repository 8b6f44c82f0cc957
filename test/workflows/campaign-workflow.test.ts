import { campaignStatusKey } from '../../workflows/definitions';
import {
  batches,
  batchesInFlight,
  control,
  dispatched,
  heldBatch,
  progressOf,
  reportedEvents,
  startCampaign,
  statusRow,
} from '../support/campaign-workflow';
import { useScriptedWorker } from '../support/workflow-worker';

// The campaign workflow on the real Temporal server with scripted activities: how it starts, how users' signals steer
// it, and how it ends. What it does by itself (outages, failures, quiet hours, long runs) is in
// campaign-workflow-engine.test.ts.

const worker = useScriptedWorker();

describe('a scheduled campaign', () => {
  test('waits for its start time, reports start_time_reached, then sends', async () => {
    const startAt = Date.now() + 300;
    const dispatchCampaignBatch = batches(dispatched({ lastId: '5', attempted: 5, done: true }));
    const transitionCampaignStatus = statusRow();
    const { handle } = await startCampaign(
      worker,
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
      worker,
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
      worker,
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
    const { handle, input } = await startCampaign(worker, { dispatchCampaignBatch, transitionCampaignStatus });

    await first.started;
    await control(handle, { action: 'pause', status: 'paused' });
    first.release();
    await progressOf(handle, (p) => p.status === 'paused' && p.batches === 1);
    expect(await batchesInFlight(worker, handle)).toBe(0);

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
    const { handle } = await startCampaign(worker, { dispatchCampaignBatch, transitionCampaignStatus: statusRow() });

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
    const { handle } = await startCampaign(worker, { dispatchCampaignBatch, transitionCampaignStatus: statusRow() });

    await progressOf(handle, (p) => p.status === 'paused');
    expect(await batchesInFlight(worker, handle)).toBe(0);
    await control(handle, { action: 'resume', status: 'running' });

    await expect(handle.result()).resolves.toBe('completed');
    expect(dispatchCampaignBatch.mock.calls.map(([batch]) => batch.afterId)).toEqual(['0', '0']);
  });

  test.each(['cancelled', 'completed'] as const)('%s: the workflow ends with that status', async (status) => {
    const dispatchCampaignBatch = batches({ outcome: 'stopped', status });
    const transitionCampaignStatus = statusRow();
    const { handle } = await startCampaign(worker, { dispatchCampaignBatch, transitionCampaignStatus });

    await expect(handle.result()).resolves.toBe(status);
    expect(transitionCampaignStatus).not.toHaveBeenCalled();
  });
});

describe('completion', () => {
  test('a list walked to its end with nobody held reports list_done and publishes the final status', async () => {
    const dispatchCampaignBatch = batches(
      dispatched({ lastId: '100', attempted: 100 }),
      dispatched({ lastId: '180', attempted: 80, done: true }),
    );
    const transitionCampaignStatus = statusRow();
    const { handle } = await startCampaign(worker, { dispatchCampaignBatch, transitionCampaignStatus });

    await expect(handle.result()).resolves.toBe('completed');
    expect(dispatchCampaignBatch.mock.calls.map(([batch]) => batch.afterId)).toEqual(['0', '100']);
    expect(reportedEvents(transitionCampaignStatus)).toEqual([{ event: 'list_done', reason: null }]);
    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.get(campaignStatusKey)).toBe('completed');
  });
});
