// The data every benchmark creates through the HTTP API, as a customer's integration would: a business unit, senders,
// generated calling lists (streamed, never held in memory), campaigns; and how a benchmark waits for one to finish.
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ProactiveSmsClient } from '../../src/api-client';
import type { RecordedMessage } from '../../src/simulator/message-log';
import { campaignWorkflowId } from '../../workflows/definitions';
import type { BenchSystem } from './bench-system';
import { log } from './bench-system';

// Real area codes of several US states and every exchange that is a subscriber range (no N11 service codes, no 555,
// no 950/958/959/976), so every generated number is valid for the phone library, not just well-formed.
const AREA_CODES = ['212', '415', '312', '617', '213', '305', '404', '206', '512', '702', '303', '718'];
const EXCHANGES = Array.from({ length: 799 }, (_, i) => 201 + i).filter(
  (e) => e % 100 !== 11 && ![555, 950, 958, 959, 976].includes(e),
);
// Sender numbers come from the top of the generated range, far above any list's recipients.
const SENDER_NUMBER_BASE = 90_000_000;

/** BENCH_MESSAGE is the one-segment GSM-7 body every benchmark campaign sends, merged per recipient. */
export const BENCH_MESSAGE = 'Hi {FirstName}, your appointment is confirmed. Reply STOP to opt out.';

/** phoneOf is a distinct valid US number for every index below 12 × 786 × 10,000 (about 94 million). */
export function phoneOf(index: number): string {
  const area = AREA_CODES[index % AREA_CODES.length];
  const exchange = EXCHANGES[Math.floor(index / AREA_CODES.length) % EXCHANGES.length];
  const line = Math.floor(index / (AREA_CODES.length * EXCHANGES.length)) % 10_000;
  return `+1${area}${exchange}${String(line).padStart(4, '0')}`;
}

/** csvChunks generates a calling list of `rows` recipients in chunks of a thousand lines. */
async function* csvChunks(rows: number): AsyncGenerator<string> {
  yield 'FirstName,Phone\n';
  for (let start = 0; start < rows; start += 1000) {
    let chunk = '';
    for (let i = start; i < Math.min(rows, start + 1000); i++) chunk += `Person${i},${phoneOf(i)}\n`;
    yield chunk;
  }
}

/** BenchTenant is a business unit and a client that speaks for it. */
export interface BenchTenant {
  id: string;
  api: ProactiveSmsClient;
  apiKey: string;
}

// Every call throws the API's refusal (ApiError); this adds what the benchmark was doing, so the run stops with both.
async function about<T>(what: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** createBenchTenant makes a business unit through the admin route. */
export async function createBenchTenant(system: BenchSystem): Promise<BenchTenant> {
  const unit = await about('a business unit', system.admin.createBusinessUnit({ name: 'benchmark' }));
  return { id: unit.id, apiKey: unit.apiKey, api: system.admin.withKey(unit.apiKey) };
}

/** createBenchSender registers a sender with an explicit limit: long codes get a generated number, short codes `n`. */
export async function createBenchSender(tenant: BenchTenant, kind: 'long_code' | 'short_code', n: number, mps: number) {
  const address = kind === 'long_code' ? phoneOf(SENDER_NUMBER_BASE + n) : String(50_500 + n);
  return about(`a ${kind} sender at ${mps} mps`, tenant.api.createSender({ kind, address, mps }));
}

/** uploadBenchList streams a generated list of `rows` recipients to POST /v1/calling-lists and times the import. */
export async function uploadBenchList(
  system: BenchSystem,
  tenant: BenchTenant,
  rows: number,
): Promise<{ id: string; seconds: number }> {
  const started = Date.now();
  const list = await about(
    `a ${rows}-row calling list`,
    tenant.api.importCallingList({ name: `bench-${rows}`, phoneField: 'Phone' }, csvChunks(rows)),
  );
  if (list.accepted !== rows)
    throw new Error(`the list kept ${list.accepted} of ${rows} generated rows: ${JSON.stringify(list)}`);
  return { id: list.id, seconds: (Date.now() - started) / 1000 };
}

/** createBenchCampaign makes a draft campaign over a list with the benchmark message. */
export async function createBenchCampaign(
  tenant: BenchTenant,
  name: string,
  listId: string,
  senderIds: string[],
): Promise<string> {
  const campaign = await about(
    `campaign ${name}`,
    tenant.api.createCampaign({ name, listId, message: BENCH_MESSAGE, senderIds }),
  );
  return campaign.id;
}

/** startBenchCampaign starts a campaign through the API, which starts its workflow. */
export async function startBenchCampaign(tenant: BenchTenant, campaignId: string): Promise<void> {
  await about(`starting campaign ${campaignId}`, tenant.api.changeCampaign(campaignId, 'start'));
}

/**
 * waitForCampaigns waits for campaigns' workflows (following continue-as-new) to complete, printing a progress line
 * every `progressMs`; fails at the deadline, when a child process dies, or if a campaign ends in any other way.
 */
export async function waitForCampaigns(
  system: BenchSystem,
  campaignIds: string[],
  options: { deadlineMs: number; progressMs: number; progress: () => Promise<string> },
): Promise<void> {
  let pending = campaignIds.length;
  const results = campaignIds.map((id) =>
    system.temporal.workflow
      .getHandle(campaignWorkflowId(id))
      .result()
      .then((status: string) => {
        if (status !== 'completed') throw new Error(`campaign ${id} ended ${status}, not completed`);
      })
      .catch((error: unknown) => {
        if (error instanceof WorkflowFailedError)
          throw new Error(`campaign ${id}'s workflow failed: ${error.cause?.message ?? error.message}`);
        throw error;
      })
      .finally(() => (pending -= 1)),
  );
  const all = Promise.all(results);
  const deadline = Date.now() + options.deadlineMs;
  while (pending > 0) {
    await Promise.race([all.catch(() => undefined), new Promise((r) => setTimeout(r, options.progressMs))]);
    system.assertRunning();
    if (pending === 0) break;
    if (Date.now() > deadline)
      throw new Error(`${pending} campaign(s) did not complete within ${options.deadlineMs / 1000} s`);
    log(await options.progress());
  }
  await all;
}

/** simulatorMessages reads every message the simulator accepted (for small runs: it is one JSON array). */
export async function simulatorMessages(system: BenchSystem): Promise<RecordedMessage[]> {
  const res = await fetch(`${system.simulator.apiUrl}/control/messages`);
  if (!res.ok) throw new Error(`the simulator's /control/messages answered ${res.status}`);
  return (await res.json()) as RecordedMessage[];
}

/** resetSimulator forgets every accepted message and counter, so the next measurement starts from zero. */
export async function resetSimulator(system: BenchSystem): Promise<void> {
  const res = await fetch(`${system.simulator.apiUrl}/control/reset`, { method: 'POST' });
  if (res.status !== 204) throw new Error(`the simulator's /control/reset answered ${res.status}`);
}

/** setSimulatorMode changes the simulator's behaviour (faults, refusals, receipts: src/simulator/mode.ts). */
export async function setSimulatorMode(system: BenchSystem, patch: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${system.simulator.apiUrl}/control/mode`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  });
  if (!res.ok) throw new Error(`the simulator's PATCH /control/mode answered ${res.status}: ${await res.text()}`);
}

/** CampaignRun is one workflow run of a campaign (one link of its continue-as-new chain). */
export interface CampaignRun {
  runId: string;
  historyLength: number;
  /** Identities of the workers that ran this run's batches (dispatchCampaignBatch). */
  activityWorkers: Set<string>;
}

/**
 * campaignRuns lists every run of a campaign's workflow, newest first, by walking the continue-as-new chain back
 * through each run's first event: exact, and not subject to the visibility store's lag.
 */
export async function campaignRuns(system: BenchSystem, campaignId: string): Promise<CampaignRun[]> {
  const workflowId = campaignWorkflowId(campaignId);
  const runs: CampaignRun[] = [];
  let runId: string | undefined = (await system.temporal.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await system.temporal.workflow
      .getHandle(workflowId, runId)
      .fetchHistory();
    const events = history.events ?? [];
    // A started event names the worker; its scheduled event (by id) names the activity.
    const scheduled = new Map(
      events.map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes?.activityType?.name]),
    );
    const activityWorkers = new Set(
      events
        .filter(
          (e) =>
            scheduled.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId)) === 'dispatchCampaignBatch',
        )
        .map((e) => e.activityTaskStartedEventAttributes?.identity)
        .filter((id): id is string => !!id),
    );
    runs.push({ runId, historyLength: events.length, activityWorkers });
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return runs;
}
