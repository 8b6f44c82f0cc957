// The whole product started for a benchmark: a throwaway PostgreSQL and Temporal dev server, the carrier simulator,
// the API and any number of worker processes, all on free loopback ports in one temporary folder, stopped together.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { ApiClient } from '../../test/support/api-client';
import { createDb } from '../../src/db/connection';
import { migrateToLatest } from '../../src/db/migrate';
import type { Database } from '../../src/db/schema';
import type { SimulatorStats } from '../../src/simulator/state';
import { ManagedProcess, startProcess, stopProcess } from './child-process';
import { freePort, waitFor } from './free-port';
import { LocalPostgres } from './local-postgres';
import { LocalTemporal } from './local-temporal';
import { writeWorkflowBundle } from './workflow-bundle';

const root = path.join(__dirname, '../..');
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
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  apiUrl: string;
  admin: ApiClient;
  simulator: CarrierSettings;
  workers: ManagedProcess[];
  api: ManagedProcess;
  /** The servers under the product, for fault injection (scripts/chaos.ts). */
  servers: { postgres: LocalPostgres; temporal: LocalTemporal };
  /** startWorker starts one more worker process, e.g. to replace a killed one. */
  startWorker(): ManagedProcess;
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
  /** Run the simulator at a higher priority: only where its arrival times are the measurement (see favourSimulator). */
  favourSimulator?: boolean;
}

/** startBenchSystem starts everything a benchmark needs and waits until the workers poll Temporal. */
export async function startBenchSystem(options: BenchSetup): Promise<BenchSystem> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'proactive-sms-bench-'));
  if (process.getuid?.() === 0) fs.chmodSync(work, 0o755); // PostgreSQL runs as 'postgres' and must reach its folder
  const postgres = new LocalPostgres({
    dataDir: path.join(work, 'pg'),
    port: await freePort(),
    database: 'proactive_sms',
    user: 'proactive_sms',
    durable: false,
  });
  const temporalServer = new LocalTemporal({
    dbFile: path.join(work, 'temporal.db'),
    port: await freePort(),
    uiPort: null,
    background: true,
  });
  const children: ManagedProcess[] = [];
  let db: Kysely<Database> | null = null;
  let connection: Connection | null = null;
  const stop = async () => {
    // Workers first, so nothing is mid-batch when the servers under them go away.
    await Promise.allSettled(children.filter((c) => c.name.startsWith('worker')).map((c) => stopProcess(c)));
    await Promise.allSettled(children.map((c) => stopProcess(c)));
    await Promise.allSettled([connection?.close(), db?.destroy()]);
    await Promise.allSettled([postgres.stop(), temporalServer.stop()]);
    fs.rmSync(work, { recursive: true, force: true });
  };
  try {
    log('starting PostgreSQL and the Temporal dev server on free loopback ports...');
    const [bundle] = await Promise.all([
      writeWorkflowBundle(path.join(work, 'workflow-bundle.js')),
      postgres.start(),
      temporalServer.start(),
    ]);
    db = createDb(postgres.url, 20);
    await migrateToLatest(db);
    connection = await Connection.connect({ address: temporalServer.address });
    const temporal = new Client({ connection });

    const [simPort, apiPort] = [await freePort(), await freePort()];
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const simulator: CarrierSettings = {
      apiUrl: `http://127.0.0.1:${simPort}`,
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
    };
    const taskQueue = `bench-${randomUUID().slice(0, 8)}`;
    const adminToken = randomBytes(18).toString('base64url');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: postgres.url,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKFLOW_BUNDLE_PATH: bundle,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      PUBLIC_URL: apiUrl,
      ADMIN_TOKEN: adminToken,
      TWILIO_API_URL: simulator.apiUrl,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      SIM_PORT: String(simPort),
      SIM_HOST: '127.0.0.1',
      // Receipts are the API's load, not the engine's; the benchmarks measure sending.
      SIM_AUTO_DELIVER: 'false',
      LOG_LEVEL: 'warn',
    };
    // node --import tsx keeps each child one process (the tsx CLI adds a wrapper), so its pid is the one to sample.
    // As `npm start` runs them: the workers (like the Temporal dev server) below the API's CPU priority.
    const spawnTs = (name: string, entry: string, background = false) => {
      const child = startProcess(name, process.execPath, ['--import', 'tsx', entry], { cwd: root, env, background });
      children.push(child);
      return child;
    };
    const sim = spawnTs('simulator', 'src/simulator/main.ts');
    if (options.favourSimulator) favourSimulator(sim.child.pid);
    const api = spawnTs('api', 'src/api/main.ts');
    let workersStarted = 0;
    const startWorker = () => spawnTs(`worker-${++workersStarted}`, 'src/worker/main.ts', true);
    const workers = Array.from({ length: options.workers }, startWorker);
    const exited = () => children.find((c) => c.child.exitCode !== null || c.child.signalCode !== null);
    const assertRunning = () => {
      const gone = exited();
      if (gone)
        throw new Error(
          `${gone.name} exited (${gone.child.exitCode ?? gone.child.signalCode}); its last output is above`,
        );
    };
    // A dead child ends each wait at once (and assertRunning reports it) instead of the wait timing out.
    const wait = async (what: string, check: () => Promise<boolean>, timeoutMs: number) => {
      await waitFor(what, async () => !!exited() || (await check()), timeoutMs);
      assertRunning();
    };
    await wait('the carrier simulator', async () => (await fetch(`${simulator.apiUrl}/healthz`)).ok, 60_000);
    await wait('the API (GET /healthz)', async () => (await fetch(`${apiUrl}/healthz`)).ok, 90_000);
    log(`waiting for ${options.workers} worker process(es) to poll task queue ${taskQueue}...`);
    await wait(
      `${options.workers} workers polling Temporal`,
      async () => (await pollerCount(temporal, taskQueue)) >= options.workers,
      120_000,
    );
    return {
      databaseUrl: postgres.url,
      db,
      temporal,
      taskQueue,
      apiUrl,
      admin: new ApiClient(apiUrl, adminToken),
      simulator,
      workers,
      api,
      servers: { postgres, temporal: temporalServer },
      startWorker() {
        const worker = startWorker();
        workers.push(worker);
        return worker;
      },
      async killWorker(worker) {
        for (const list of [children, workers]) list.splice(list.indexOf(worker), 1);
        worker.child.kill('SIGKILL');
        await worker.exited;
      },
      assertRunning,
      async simulatorStats() {
        const res = await fetch(`${simulator.apiUrl}/control/stats`);
        if (!res.ok) throw new Error(`the simulator's /control/stats answered ${res.status}`);
        return (await res.json()) as SimulatorStats;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// Pollers of the activity queue: a worker process polls it only once it is fully up.
async function pollerCount(temporal: Client, taskQueue: string): Promise<number> {
  const { pollers } = await temporal.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue },
    taskQueueType: 2, // TASK_QUEUE_TYPE_ACTIVITY
  });
  return new Set(pollers?.map((p) => p.identity)).size;
}

/** runBenchmark runs a benchmark on a started system, stops everything whatever happens, and sets the exit code. */
export function runBenchmark(name: string, setup: BenchSetup, body: (system: BenchSystem) => Promise<void>): void {
  const started = Date.now();
  let system: BenchSystem | null = null;
  // Ctrl-C or a kill still stops the servers and children, so no PostgreSQL or Temporal is left running. A signal often
  // comes twice (Ctrl-C reaches the tsx wrapper, which passes it on, and this process): the second must not end the
  // stopping half-way, which left whole systems running.
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping everything...`);
      void Promise.resolve(system?.stop()).finally(() => process.exit(130));
    });
  }
  const run = async () => {
    log(`${name}: machine has ${os.cpus().length} cores, load average ${loadAverage()} before starting`);
    await waitForQuietMachine();
    system = await startBenchSystem(setup);
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
