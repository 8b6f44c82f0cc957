// A Temporal worker that runs the real workflows with scripted activities: the workflow tests (test/workflows/) and
// the history recorder (scripts/record-history.ts) drive every branch of a workflow without PostgreSQL or a carrier.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  Client,
  Connection,
  WorkflowContinuedAsNewError,
  WorkflowHandle,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { defaultPayloadConverter, QueryDefinition } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { createActivities } from '../../activities';
import type { BatchResult } from '../../src/campaigns/dispatch-batch';

/** WorkflowActivities are the activities the real worker registers (createActivities), by name. */
export type WorkflowActivities = ReturnType<typeof createActivities>;

/** ActivityScript is what one workflow's activities answer: plain async functions or jest.fn, by activity name. */
export type ActivityScript = Partial<WorkflowActivities>;

// A record rather than a list, so an activity added to createActivities fails the type-check until it is listed here.
const ACTIVITY_NAMES: Record<keyof WorkflowActivities, true> = {
  dispatchCampaignBatch: true,
  dispatchHeldMessages: true,
  transitionCampaignStatus: true,
  applyInboundReply: true,
  sendConfirmation: true,
  sendAgentReply: true,
  closeIdleConversation: true,
  prepareCadenceMessage: true,
  sendCadenceMessage: true,
};

export interface ScriptedWorkerOptions {
  /** The Temporal frontend, host:port. */
  address: string;
  /** A prebuilt bundle of workflows/ (`npm test` writes one); without it the worker bundles workflows/ itself. */
  workflowBundlePath?: string;
  namespace?: string;
}

/** ScriptedWorker runs workflows on its own task queue; each workflow id answers from the activities scripted for it. */
export interface ScriptedWorker {
  client: Client;
  taskQueue: string;
  /** script sets the activities that every run of the workflow with this id calls (continue-as-new keeps the id). */
  script(workflowId: string, activities: ActivityScript): void;
  /** terminateScripted ends every scripted workflow still running and forgets the scripts (a test's clean-up). */
  terminateScripted(): Promise<void>;
  shutdown(): Promise<void>;
}

/** installQuietRuntime makes the SDK log errors only; call it before any worker or connection of the process. */
export function installQuietRuntime(): void {
  try {
    // The SDK's INFO and WARN lines (worker state, activities that fail on purpose) would drown the output.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed in this process
  }
}

/** startScriptedWorker connects a client and a worker of the real workflows with scripted activities. */
export async function startScriptedWorker(options: ScriptedWorkerOptions): Promise<ScriptedWorker> {
  installQuietRuntime();
  const namespace = options.namespace ?? 'default';
  const taskQueue = `workflow-test-${randomUUID()}`;
  const scripts = new Map<string, ActivityScript>();

  function scripted(name: keyof WorkflowActivities) {
    return async (input: unknown): Promise<unknown> => {
      const { workflowId } = Context.current().info.workflowExecution ?? {};
      const activity = scripts.get(workflowId ?? '')?.[name] as ((input: unknown) => Promise<unknown>) | undefined;
      // Not retryable: an unscripted call is a test's mistake (or an unexpected branch) and must fail at once.
      if (!activity) throw ApplicationFailure.nonRetryable(`${name} is not scripted for workflow ${workflowId}`);
      return activity(input);
    };
  }
  const activities = Object.fromEntries(
    Object.keys(ACTIVITY_NAMES).map((name) => [name, scripted(name as keyof WorkflowActivities)]),
  );

  const workerConnection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({
    connection: workerConnection,
    namespace,
    taskQueue,
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: path.join(__dirname, '../../workflows') }),
    activities,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: options.address });
  const client = new Client({ connection, namespace });

  return {
    client,
    taskQueue,
    script(workflowId, script) {
      scripts.set(workflowId, script);
    },
    async terminateScripted() {
      const ids = [...scripts.keys()];
      scripts.clear();
      for (const id of ids) {
        try {
          await client.workflow.getHandle(id).terminate('the scenario is over');
        } catch (error) {
          // Already finished: nothing to clean up.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }
    },
    async shutdown() {
      worker.shutdown();
      await running;
      await Promise.all([workerConnection.close(), connection.close()]);
    },
  };
}

/** Answer is one scripted answer of an activity: a value, an error to throw, or a function of the input. */
export type Answer<Input, Output> = Output | Error | ((input: Input) => Promise<Output>);

/** inOrder answers the activity's calls with the given answers, one per call; a call past the last one fails. */
export function inOrder<Input, Output>(...answers: Answer<Input, Output>[]): (input: Input) => Promise<Output> {
  let calls = 0;
  return async (input) => {
    calls += 1;
    if (calls > answers.length) throw ApplicationFailure.nonRetryable(`call ${calls} was not scripted`);
    const answer = answers[calls - 1];
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? (answer as (input: Input) => Promise<Output>)(input) : answer;
  };
}

/** dispatched is a campaign batch that went through: by default it sent nothing and the list goes on. */
export function dispatched(
  result: Partial<Extract<BatchResult, { outcome: 'dispatched' }>> & { lastId: string },
): BatchResult {
  return { outcome: 'dispatched', done: false, attempted: 0, failed: 0, held: 0, nextOpenAt: null, ...result };
}

/** Deferred is a promise settled from outside: a scripted activity waits on one while the scenario acts. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

/** deferred makes a Deferred. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** untilQueried asks a workflow's query every 10 ms until its answer passes `check`, and returns that answer. */
export async function untilQueried<T>(
  handle: WorkflowHandle,
  query: QueryDefinition<T>,
  check: (state: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      last = await handle.query(query);
      if (check(last as T)) return last as T;
    } catch (error) {
      // A run that has just started (or continued as new) answers queries after its first workflow task.
      last = error;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${handle.workflowId}: ${query.name} never passed the check; last answer: ${JSON.stringify(last)}`);
}

/** ContinuedAsNew is the input a run handed to its next run, and that run's id. */
export interface ContinuedAsNew<Input> {
  input: Input;
  nextRunId: string;
}

/** continuedAsNew waits for a run to end and reads, from its history, the input it continued as new with. */
export async function continuedAsNew<Input>(
  client: Client,
  workflowId: string,
  runId: string,
): Promise<ContinuedAsNew<Input>> {
  try {
    await client.workflow.result(workflowId, runId, { followRuns: false });
  } catch (error) {
    // The run's end we wait for; any other end is reported below, as a run that did not continue as new.
    if (!(error instanceof WorkflowContinuedAsNewError)) throw error;
  }
  const { events } = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const attributes = events?.find(
    (e) => e.workflowExecutionContinuedAsNewEventAttributes,
  )?.workflowExecutionContinuedAsNewEventAttributes;
  const payload = attributes?.input?.payloads?.[0];
  if (!attributes?.newExecutionRunId || !payload)
    throw new Error(`run ${runId} of ${workflowId} did not continue as new`);
  return { input: defaultPayloadConverter.fromPayload<Input>(payload), nextRunId: attributes.newExecutionRunId };
}
