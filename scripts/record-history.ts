// `npm run record-history`: runs each workflow type through one scenario on a private Temporal dev server, with the
// workflow code of the working tree and scripted activities, and saves every run's history as JSON under
// test/workflows/histories/. test/workflows/replay.test.ts replays those files against the current workflow code,
// so a change that would break a running workflow fails `npm test`. README, "Workflow tests and recorded histories",
// says when to record again and when to use patched() instead.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import * as prettier from 'prettier';
import { engineTransition } from '../src/campaigns/campaign-status';
import type { BatchInput, BatchResult } from '../src/campaigns/dispatch-batch';
import type { handleConversationWorkflow, sendCadenceStepWorkflow, sendCampaignWorkflow } from '../workflows';
import {
  agentReplySignal,
  campaignControlSignal,
  campaignProgressQuery,
  conversationStateQuery,
  inboundReplySignal,
} from '../workflows/definitions';
import { freePort } from './lib/free-port';
import { historyToJSON } from './lib/history-json';
import { LocalTemporal } from './lib/local-temporal';
import {
  deferred,
  dispatched,
  inOrder,
  ScriptedWorker,
  startScriptedWorker,
  untilQueried,
} from './lib/scripted-worker';

const HISTORIES = path.join(__dirname, '..', 'test', 'workflows', 'histories');

/** save writes one run's history as the JSON the Temporal CLI and Web UI export (Prettier-formatted, as npm test checks). */
async function save(worker: ScriptedWorker, file: string, workflowId: string, runId: string): Promise<void> {
  const history = await worker.client.workflow.getHandle(workflowId, runId).fetchHistory();
  const target = path.join(HISTORIES, file);
  const json = historyToJSON(history);
  const options = await prettier.resolveConfig(target);
  fs.writeFileSync(target, await prettier.format(json, { ...options, filepath: target }));
  console.log(`[record-history] ${path.relative(process.cwd(), target)}: ${history.events?.length} events`);
}

/**
 * A campaign through a carrier outage and a continue-as-new: the first batch meets the outage (carrier_down, a
 * backoff), the retry goes through (carrier_back), a user pauses during the second batch and the run continues as
 * new paused; the next run is resumed, walks to the list's end with a recipient held by quiet hours, sweeps it after
 * the window opens and completes. Both runs are kept.
 */
async function campaignScenario(worker: ScriptedWorker): Promise<void> {
  const workflowId = 'replay-campaign-outage-continue-as-new';
  const secondBatchStarted = deferred();
  const paused = deferred();
  worker.script(workflowId, {
    dispatchCampaignBatch: inOrder<BatchInput, BatchResult>(
      ApplicationFailure.create({ type: 'CarrierOutage', message: 'the carrier kept failing', nonRetryable: true }),
      dispatched({ lastId: '100', attempted: 100, failed: 2 }),
      async () => {
        secondBatchStarted.resolve();
        await paused.promise;
        return dispatched({ lastId: '200', attempted: 99, failed: 1, held: 1, nextOpenAt: Date.now() });
      },
      dispatched({ lastId: '250', attempted: 50, done: true }),
    ),
    dispatchHeldMessages: inOrder(dispatched({ lastId: 'm-1', attempted: 1, done: true })),
    // The row's answer, as the one owner of status rules decides it.
    transitionCampaignStatus: async ({ event }) => {
      if (!event) throw ApplicationFailure.nonRetryable('the workflow reported a transition without its event');
      return engineTransition(event).to;
    },
  });
  const handle = await worker.client.workflow.start<typeof sendCampaignWorkflow>('sendCampaignWorkflow', {
    workflowId,
    taskQueue: worker.taskQueue,
    args: [
      {
        campaignId: 'replay-campaign',
        startAt: null,
        phase: 'walk',
        afterId: '0',
        attempted: 0,
        failed: 0,
        status: 'running',
        batchSize: 100,
        batchSeconds: 60,
        batchesPerRun: 2,
        failureThreshold: 0.5,
      },
    ],
  });
  await secondBatchStarted.promise;
  await handle.signal(campaignControlSignal, { action: 'pause', status: 'paused' });
  paused.resolve();
  await untilQueried(handle, campaignProgressQuery, (p) => p.status === 'paused' && p.batches === 0);
  await handle.signal(campaignControlSignal, { action: 'resume', status: 'running' });
  const status = await handle.result();
  if (status !== 'completed') throw new Error(`the campaign scenario ended ${status}, not completed`);

  const { runId: lastRunId } = await handle.describe();
  await save(worker, 'campaign-outage-continue-as-new.json', workflowId, handle.firstExecutionRunId);
  await save(worker, 'campaign-resumed-swept-completed.json', workflowId, lastRunId);
}

/**
 * A conversation with an agent's reply and a STOP: the agent's reply is sent and opens the conversation, the contact
 * answers STOP (applied, its confirmation sent), and the conversation closes itself once idle.
 */
async function conversationScenario(worker: ScriptedWorker): Promise<void> {
  const workflowId = 'replay-conversation-stop-agent-reply';
  worker.script(workflowId, {
    sendAgentReply: async () => 'sent',
    applyInboundReply: inOrder({ outcome: 'opted_out', conversationId: 'c-1', confirmationMessageId: 'm-confirm' }),
    sendConfirmation: async () => 'sent',
    closeIdleConversation: async () => true,
  });
  const handle = await worker.client.workflow.signalWithStart<
    typeof handleConversationWorkflow,
    [{ conversationId: string; messageId: string }]
  >('handleConversationWorkflow', {
    workflowId,
    taskQueue: worker.taskQueue,
    args: [{ businessUnitId: 'replay-bu', contact: '+12125550100', idleMs: 500 }],
    signal: agentReplySignal,
    signalArgs: [{ conversationId: 'c-1', messageId: 'm-agent' }],
  });
  await untilQueried(handle, conversationStateQuery, (s) => s.handled === 1 && s.sending === 0);
  await handle.signal(inboundReplySignal, { messageSid: 'SM-stop' });
  await handle.result();
  await save(worker, 'conversation-stop-agent-reply.json', workflowId, handle.signaledRunId);
}

/** A cadence step: the message is stored, then sent. */
async function cadenceScenario(worker: ScriptedWorker): Promise<void> {
  const workflowId = 'replay-cadence-step';
  worker.script(workflowId, {
    prepareCadenceMessage: async () => ({ action: 'sms', messageId: 'm-cadence' }),
    sendCadenceMessage: async () => 'sent',
  });
  const handle = await worker.client.workflow.start<typeof sendCadenceStepWorkflow>('sendCadenceStepWorkflow', {
    workflowId,
    taskQueue: worker.taskQueue,
    args: [{ businessUnitId: 'replay-bu', skillId: 'skill-1', listId: 'list-1', row: 1, outcome: 'no_answer' }],
  });
  await handle.result();
  await save(worker, 'cadence-step.json', workflowId, handle.firstExecutionRunId);
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'proactive-sms-record-'));
  const temporal = new LocalTemporal({ dbFile: path.join(work, 'temporal.db'), port: await freePort(), uiPort: null });
  let worker: ScriptedWorker | undefined;
  try {
    console.log('[record-history] starting a Temporal dev server and a worker of workflows/ (bundled now)...');
    await temporal.start();
    worker = await startScriptedWorker({ address: temporal.address });
    fs.mkdirSync(HISTORIES, { recursive: true });
    await campaignScenario(worker);
    await conversationScenario(worker);
    await cadenceScenario(worker);
    console.log('[record-history] done: run `npm test -- test/workflows/replay.test.ts`, then commit the histories.');
  } finally {
    await worker?.shutdown();
    await temporal.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[record-history] failed: ${error instanceof Error ? error.stack : String(error)}`);
    console.error('[record-history] run `bash scripts/setup.sh` if the Temporal CLI is missing; a scenario that');
    console.error('[record-history] failed means the workflow no longer behaves as it scripts: update the scenario.');
    process.exit(1);
  },
);
