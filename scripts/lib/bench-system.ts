// The whole product started for a benchmark: a throwaway PostgreSQL and Temporal dev server (or, with --cluster, a
// multi-node Temporal cluster on that PostgreSQL), the carrier simulator, the APIs and any number of worker processes,
// all on free loopback ports in one temporary folder, stopped together.
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Client } from '@temporalio/client';
import { ProactiveSmsClient } from '../../src/api-client';
import type { Db } from '../../src/db/schema';
import type { SimulatorStats } from '../../src/simulator/state';
import { BACKGROUND_NICE, type ManagedProcess } from './child-process';
import { LocalStack, startLocalStack, StackWorker } from './local-stack';
import type { LocalPostgres } from './local-postgres';
import type { LocalTemporal } from './local-temporal';
import type { LocalTemporalCluster } from './local-temporal-cluster';

// The simulator's credentials for this run; the workers and the API sign and send with them.
const ACCOUNT_SID = 'ACbench00000000000000000000000000';
const AUTH_TOKEN = randomBytes(18).toString('base64url');

/** CarrierSettings are what a Twilio carrier adapter needs to reach the run's simulator. */
export interface CarrierSettings {
  apiUrl: string;
  accountSid: string;
  authToken: string;
}

/** BenchSystem is a running product for one benchmark; stop() ends every process it started. */
export interface BenchSystem {
  databaseUrl: string;
  db: Db;
  temporal: Client;
  taskQueue: string;
  apiUrl: string;
  /** The API's METRICS_TOKEN, for reading its /metrics. */
  metricsToken: string;
  admin: ProactiveSmsClient;
  simulator: CarrierSettings;
  workers: ManagedProcess[];
  /** The first API, whose address carriers are given (PUBLIC_URL). */
  api: ManagedProcess;
  /** Every API process with its address, the first one first. */
  apis: { url: string; process: ManagedProcess }[];
  /** The servers under the product, for fault injection (scripts/chaos.ts): the dev server, or the cluster. */
  servers: { postgres: LocalPostgres; temporal: LocalTemporal | LocalTemporalCluster };
  /** startWorker starts one more worker process, e.g. to replace a killed one. */
  startWorker(): Promise<ManagedProcess>;
  /** killWorker SIGKILLs a worker process, which from then on is no child that must keep running. */
  killWorker(worker: ManagedProcess): Promise<void>;
  /** assertRunning throws if a child process (simulator, API, worker) has exited: its last output is printed above. */
  assertRunning(): void;
  /** simulatorStats is the simulator's GET /control/stats. */
  simulatorStats(): Promise<SimulatorStats>;
  stop(): Promise<void>;
}

/** BenchSetup says how many worker processes a benchmark runs and whether the simulator's clock is what it measures. */
export interface BenchSetup {
  workers: number;
  /** API processes (default 1); PUBLIC_URL, the carrier's webhook address, is the first one's. */
  apis?: number;
  /** A multi-node Temporal cluster (two history nodes, local-temporal-cluster.ts) instead of the dev server. */
  cluster?: boolean;
  /** Run the simulator at a higher priority: only where its arrival times are the measurement (see favourSimulator). */
  favourSimulator?: boolean;
  /**
   * Workers and Temporal at the API's CPU priority instead of below it (BACKGROUND_NICE), as `npm start` does not run
   * them: to measure what the priorities do (--equal-priority).
   */
  equalPriority?: boolean;
}

/**
 * startBenchSystem starts everything a benchmark needs and waits until the workers poll Temporal. As `npm start` runs
 * them, the workers and the Temporal dev server run below the API's CPU priority. Ctrl-C or a kill stops everything.
 */
export async function startBenchSystem(options: BenchSetup): Promise<BenchSystem> {
  const adminToken = randomBytes(18).toString('base64url');
  const temporal = options.cluster ? 'a Temporal cluster' : 'the Temporal dev server';
  log(`starting PostgreSQL and ${temporal} on free loopback ports, then the simulator, API and workers...`);
  const stack = await startLocalStack({
    label: 'bench',
    env: {
      ...process.env,
      TEMPORAL_TASK_QUEUE: `bench-${randomUUID().slice(0, 8)}`,
      ADMIN_TOKEN: adminToken,
      METRICS_TOKEN: randomBytes(18).toString('base64url'),
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      LOG_LEVEL: 'warn',
    },
    postgres: { durable: false },
    temporal: { uiPort: null, background: !options.equalPriority, cluster: options.cluster ? {} : undefined },
    workflowBundle: true,
    // The simulator's defaults are a real carrier's (issue 19): receipts on (sent, then delivered), Idempotency-Key
    // ignored. A benchmark that measured without receipts would flatter the engine.
    simulator: {},
    apis: { count: options.apis ?? 1 },
    workers: { count: options.workers, background: !options.equalPriority },
    signals: { exitCode: 130, onSignal: (signal) => log(`${signal}: stopping everything...`) },
  });
  try {
    return await benchSystemOf(stack, adminToken, options);
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

async function benchSystemOf(stack: LocalStack, adminToken: string, options: BenchSetup): Promise<BenchSystem> {
  const { postgres, simulator, config } = stack;
  const temporal = stack.temporal ?? stack.cluster;
  const apis = stack.apis.map((a) => ({ url: a.url, process: a.process }));
  const api = apis[0]?.process;
  if (!postgres || !temporal || !simulator?.process || !api || apis.some((a) => !a.process))
    throw new Error('the local stack is missing a part');
  if (options.favourSimulator) favourSimulator(simulator.process.child.pid);
  const driver = await stack.driver(20);
  const processOf = (worker: StackWorker) => {
    if (!worker.process) throw new Error(`${worker.name} is not a process`);
    return worker.process;
  };
  const workers = stack.workers.map(processOf);
  return {
    databaseUrl: config.databaseUrl,
    db: driver.db,
    temporal: driver.workflows.temporal,
    taskQueue: config.taskQueue,
    apiUrl: config.publicUrl,
    metricsToken: config.metricsToken ?? '',
    admin: new ProactiveSmsClient(config.publicUrl, adminToken),
    simulator: { apiUrl: simulator.url, accountSid: config.twilioAccountSid, authToken: config.twilioAuthToken },
    workers,
    api,
    apis: apis as BenchSystem['apis'],
    servers: { postgres, temporal },
    async startWorker() {
      const worker = processOf(await stack.startWorker());
      workers.push(worker);
      return worker;
    },
    async killWorker(proc) {
      workers.splice(workers.indexOf(proc), 1);
      const worker = stack.workers.find((w) => w.process === proc);
      if (worker) await stack.stopWorker(worker, 'kill');
    },
    assertRunning: () => stack.assertRunning(),
    async simulatorStats() {
      const res = await fetch(`${simulator.url}/control/stats`);
      if (!res.ok) throw new Error(`the simulator's /control/stats answered ${res.status}`);
      return (await res.json()) as SimulatorStats;
    },
    stop: () => stack.stop(),
  };
}

/**
 * runBenchmark runs a benchmark on a started system, stops everything whatever happens, and sets the exit code. Every
 * benchmark takes --cluster (the multi-node Temporal cluster instead of the dev server), --workers N and
 * --equal-priority (workers and Temporal not below the API's CPU priority).
 */
export function runBenchmark(name: string, setup: BenchSetup, body: (system: BenchSystem) => Promise<void>): void {
  const started = Date.now();
  const run = async () => {
    const cluster = setup.cluster || process.argv.includes('--cluster');
    const workers = intOption('workers', setup.workers);
    const on = cluster ? 'a Temporal cluster (2 history nodes, matching, frontend, worker)' : 'the Temporal dev server';
    log(`${name}: machine has ${os.cpus().length} cores, load average ${loadAverage()} before starting`);
    const equalPriority = setup.equalPriority || process.argv.includes('--equal-priority');
    const priorities = equalPriority
      ? "workers and Temporal at the API's CPU priority (--equal-priority)"
      : `workers and Temporal at nice +${BACKGROUND_NICE}, below the API, as npm start runs them`;
    log(`${name}: on ${on}, ${workers} worker process(es); ${priorities}`);
    await waitForQuietMachine();
    const system = await startBenchSystem({ ...setup, cluster, workers, equalPriority });
    try {
      await body(system);
    } finally {
      log('stopping every process this benchmark started...');
      await system.stop();
    }
    log(`${name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  };
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`[bench] ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      console.error(
        '[bench] run `bash scripts/setup.sh` if PostgreSQL or the Temporal CLI is missing; ' +
          'a child that died printed its last output above.',
      );
      process.exit(1);
    },
  );
}

// Figures taken while the machine is still busy (a previous benchmark's teardown, a test run) came out several times
// worse than from a quiet start: bench:inbound's p99 was 81 ms from a quiet machine and 108-470 ms right after
// another benchmark, with the same code. So a benchmark waits (a while) for the machine to settle first.
const QUIET_LOAD_PER_CORE = 0.75;
const QUIET_WAIT_MS = 180_000;

async function waitForQuietMachine(): Promise<void> {
  const quiet = os.cpus().length * QUIET_LOAD_PER_CORE;
  const load = () => os.loadavg()[0];
  if (load() <= quiet) return;
  log(
    `waiting up to ${QUIET_WAIT_MS / 60_000} min for the machine to settle (1-minute load ${load().toFixed(2)}, quiet is ${quiet})...`,
  );
  const deadline = Date.now() + QUIET_WAIT_MS;
  while (load() > quiet && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5000));
  log(
    load() <= quiet
      ? `settled (load ${loadAverage()})`
      : `still busy (load ${loadAverage()}): expect worse figures than from a quiet start`,
  );
}

/** loadAverage is the 1, 5 and 15 minute load average, to note how busy the machine was. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

/** log prints a progress line prefixed with the elapsed clock time. */
export function log(line: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/** intOption reads `--name N` or `--name=N` from the command line, or the default; anything else exits loudly. */
export function intOption(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return fallback;
  const raw = args[at].includes('=') ? args[at].split('=')[1] : args[at + 1];
  const value = Number(raw?.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 1) {
    console.error(`[bench] --${name} must be a positive integer, got "${raw ?? ''}"`);
    process.exit(2);
  }
  return value;
}

// The simulator stands in for a carrier, which runs on its own machines. Here it shares two cores with the workers,
// PostgreSQL and Temporal, and the OS may leave it unscheduled for 20 ms or more: requests then get their arrival
// stamps late, and a paced sender looks as if it crowded a second. A higher scheduling priority keeps its stamps
// close to when our sends arrived. Only for the pacing benchmark: elsewhere the simulator's CPU would be taken from
// the API and workers being measured. Lowering a nice value needs root (or CAP_SYS_NICE); without it the bench says so.
const SIMULATOR_NICE = -10;

function favourSimulator(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    os.setPriority(pid, SIMULATOR_NICE);
    log(`the simulator runs at nice ${SIMULATOR_NICE}, so its arrival times are not the OS's scheduling delays`);
  } catch (error) {
    log(
      `the simulator keeps the default priority (${(error as Error).message}): its arrival times include the OS's scheduling delays`,
    );
  }
}
