// The one place that wires the product on one machine: PostgreSQL (its own, or DATABASE_URL's), the Temporal dev
// server (its own, or TEMPORAL_ADDRESS's), migrations, the workflow bundle, the carrier simulator, APIs and workers.
// `npm start`, `npm test`, the benchmarks and the tests' systems each ask it for what they need; it stops everything it
// started, whatever happens (a failed start, a signal, a crash of the launcher).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppConfig, readConfig } from '../../src/config';
import { createDb } from '../../src/db/connection';
import type { Db } from '../../src/db/schema';
import { connectWorkflowClient, WorkflowClient } from '../../src/workflow-client';
import { localCarrierSecretsKey } from './carrier-secrets-key';
import { exitedWith, ManagedProcess } from './child-process';
import { freePort, waitFor } from './free-port';
import type { LocalPostgres } from './local-postgres';
import type { LocalTemporal } from './local-temporal';
import type { LocalTemporalCluster } from './local-temporal-cluster';
import { SignalHandling, StackLifetime } from './stack-lifetime';
import * as members from './stack-members';
import { ServerChoices, startStackServers } from './stack-servers';

export type { StackApi, StackSimulator, StackWorker } from './stack-members';
export type { ClusterShape, OwnPostgres, OwnTemporal, ServerChoices } from './stack-servers';

/** LocalStackOptions say which parts to start and how, on which servers (ServerChoices). */
export interface LocalStackOptions extends ServerChoices {
  /** Names the temporary data folder (proactive-sms-<label>-…). */
  label: string;
  /** Progress lines ("starting PostgreSQL ..."); silent without. */
  log?: (line: string) => void;
  /** The environment every part starts from (default process.env); the stack adds the servers' addresses. */
  env?: NodeJS.ProcessEnv;
  /** A data folder that outlives the stack (npm start's .data/); default a temporary one, removed at stop. */
  dataDir?: string;
  /** Where the temporary data folder goes (default the OS's). */
  tempParent?: string;
  /** 'free': the API and the simulator on free loopback ports; 'configured': PORT and SIM_PORT as the env says. */
  ports?: 'free' | 'configured';
  simulator?: members.SimulatorOptions | false;
  apis?: members.ApiOptions;
  workers?: members.WorkerOptions;
  /** Child processes print their output, prefixed with their name. */
  showOutput?: boolean;
  /** Wait until the simulator and APIs answer /healthz and the workers poll (default true). */
  waitUntilReady?: boolean;
  /** Stop everything on SIGINT and SIGTERM, then exit. */
  signals?: SignalHandling;
  /** Told when a part's process exits while the stack runs or starts (not when stopped through the stack). */
  onUnexpectedExit?(proc: ManagedProcess, stopStack: () => Promise<void>): void;
}

/** LocalStack is a running stack: the environment its processes run with, its parts, and how to stop them all. */
export interface LocalStack {
  env: NodeJS.ProcessEnv;
  config: AppConfig;
  dataDir: string;
  postgres: LocalPostgres | null;
  temporal: LocalTemporal | null;
  /** The multi-node Temporal cluster, when the options asked for one instead of the dev server. */
  cluster: LocalTemporalCluster | null;
  simulator: members.StackSimulator | null;
  apis: members.StackApi[];
  workers: members.StackWorker[];
  /** driver is a pool and a workflow client for the launcher itself (a benchmark's checks), closed at stop. */
  driver(poolSize?: number): Promise<{ db: Db; workflows: WorkflowClient }>;
  /** startWorker starts one more worker, as the first ones were started. */
  startWorker(): Promise<members.StackWorker>;
  /** stopWorker stops one worker, gracefully or (kill) as a crash would. */
  stopWorker(worker: members.StackWorker, how?: 'gracefully' | 'kill'): Promise<void>;
  /** assertRunning throws if a part's process has exited; its last output is printed above. */
  assertRunning(): void;
  stop(): Promise<void>;
}

/** startLocalStack starts what the options ask for; if any part fails to start, it stops the others and throws. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const lifetime = new StackLifetime(options.signals);
  try {
    return await start(options, lifetime);
  } catch (error) {
    await lifetime.stop();
    throw error;
  }
}

async function start(options: LocalStackOptions, lifetime: StackLifetime): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  const dataDir =
    options.dataDir ?? fs.mkdtempSync(path.join(options.tempParent ?? os.tmpdir(), `proactive-sms-${options.label}-`));
  fs.mkdirSync(dataDir, { recursive: true });
  if (!options.dataDir) lifetime.add('files', async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  // As root, PostgreSQL runs as 'postgres' and must reach its folder.
  if (process.getuid?.() === 0) fs.chmodSync(dataDir, 0o755);
  // Business units' carrier secrets are sealed with it: kept with the data it opens.
  env.CARRIER_SECRETS_KEY ||= localCarrierSecretsKey(dataDir);

  const { postgres, temporal, cluster } = await startStackServers(options, env, dataDir, lifetime, log);

  const apiCount = options.apis?.count ?? 0;
  const apiPorts: number[] = [];
  if (options.ports !== 'configured') {
    for (let i = 0; i < apiCount; i++) apiPorts.push(await freePort());
    if (apiPorts.length) {
      env.HOST ??= '127.0.0.1';
      env.PORT = String(apiPorts[0]);
      env.PUBLIC_URL ??= `http://127.0.0.1:${apiPorts[0]}`;
    }
    if (options.simulator) {
      env.SIM_PORT = String(await freePort());
      env.SIM_HOST = '127.0.0.1';
      env.TWILIO_API_URL = `http://127.0.0.1:${env.SIM_PORT}`;
    }
  } else {
    apiPorts.push(readConfig(env).port);
    for (let i = 1; i < apiCount; i++) apiPorts.push(await freePort());
  }
  const config = readConfig(env);
  const context: members.MemberContext = { env, config, showOutput: options.showOutput ?? false };

  let driver: Promise<{ db: Db; workflows: WorkflowClient }> | null = null;
  const openDriver = (poolSize = 10) => {
    driver ??= (async () => {
      const db = createDb(config.databaseUrl, poolSize);
      const workflows = await connectWorkflowClient(config).catch(async (error: unknown) => {
        await db.destroy();
        throw error;
      });
      lifetime.add('driver', () => Promise.allSettled([workflows.close(), db.destroy()]));
      return { db, workflows: workflows.client };
    })();
    return driver;
  };

  // Every part's process: a wait ends at once when one has died, and the launcher hears of deaths after the start.
  const deliberatelyStopped = new Set<ManagedProcess>();
  const processes = () =>
    [stack.simulator?.process, ...stack.apis.map((a) => a.process), ...stack.workers.map((w) => w.process)].filter(
      (p): p is ManagedProcess => !!p && !deliberatelyStopped.has(p),
    );
  const anyExited = () =>
    processes()
      .map(exitedWith)
      .find((reason) => reason !== null) ?? null;
  const watch = (proc: ManagedProcess | null) =>
    void proc?.exited.then(() => {
      if (!lifetime.stopped && !deliberatelyStopped.has(proc)) options.onUnexpectedExit?.(proc, () => lifetime.stop());
    });

  let workersStarted = 0;
  const addWorker = async () => {
    const n = ++workersStarted;
    const sharedDb = stack.apis.find((a) => a.running)?.running?.db;
    const worker = await members.startStackWorker(
      context,
      options.workers ?? { count: 0 },
      name('worker', n),
      sharedDb,
    );
    lifetime.add('workers', () => members.stopStackWorker(worker));
    stack.workers.push(worker);
    watch(worker.process);
    return worker;
  };

  const stack: LocalStack = {
    env,
    config,
    dataDir,
    postgres,
    temporal,
    cluster,
    simulator: null,
    apis: [],
    workers: [],
    driver: openDriver,
    startWorker: addWorker,
    async stopWorker(worker, how = 'gracefully') {
      if (worker.process) deliberatelyStopped.add(worker.process);
      stack.workers.splice(stack.workers.indexOf(worker), 1);
      await members.stopStackWorker(worker, how);
    },
    assertRunning() {
      const reason = anyExited();
      if (reason) throw new Error(`${reason}; its last output is above`);
    },
    stop: () => lifetime.stop(),
  };

  if (options.simulator) {
    const simulator = await members.startStackSimulator(context, options.simulator);
    lifetime.add('simulator', () => members.stopStackSimulator(simulator));
    stack.simulator = simulator;
    watch(simulator.process);
  }
  for (const [i, port] of apiPorts.slice(0, apiCount).entries()) {
    const api = await members.startStackApi(context, options.apis!, name('api', i + 1), port);
    lifetime.add('apis', () => members.stopStackApi(api));
    stack.apis.push(api);
    watch(api.process);
  }
  for (let i = 0; i < (options.workers?.count ?? 0); i++) await addWorker();

  if (options.waitUntilReady !== false) await waitUntilReady(stack, anyExited, options.temporal !== 'none');
  return stack;
}

// The first of a kind keeps the plain name (npm start prints [api] and [worker]); later ones are numbered.
function name(kind: string, n: number): string {
  return n === 1 ? kind : `${kind}-${n}`;
}

// Without Temporal (a stack for the API alone) /healthz answers 503 for good: any answer means the API is up.
async function waitUntilReady(stack: LocalStack, anyExited: () => string | null, withTemporal: boolean): Promise<void> {
  // A time limit per try, as something else listening on the port may never answer; longer than the 2 s /healthz
  // gives each server it checks.
  const health = (url: string) => fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
  const healthy = (url: string) => async () => (await health(url)).ok;
  const answers = (url: string) => async () => (await health(url)).status > 0;
  if (stack.simulator?.process) await waitFor('the carrier simulator', healthy(stack.simulator.url), 60_000, anyExited);
  for (const api of stack.apis.filter((a) => a.process))
    await waitFor(`${api.name} (GET /healthz)`, (withTemporal ? healthy : answers)(api.url), 90_000, anyExited);
  const workerProcesses = stack.workers.filter((w) => w.process).length;
  if (workerProcesses === 0) return;
  const temporal = await connectWorkflowClient(stack.config);
  const { temporalNamespace: namespace, taskQueue } = stack.config;
  // Pollers of the activity queue: a worker process polls it only once it is fully up.
  const pollers = async () => {
    const answer = await temporal.client.temporal.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: 2, // TASK_QUEUE_TYPE_ACTIVITY
    });
    return new Set(answer.pollers?.map((p) => p.identity)).size;
  };
  const what = `${workerProcesses} worker process(es) polling task queue ${taskQueue}`;
  try {
    await waitFor(what, async () => (await pollers()) >= workerProcesses, 120_000, anyExited);
  } finally {
    await temporal.close();
  }
}
