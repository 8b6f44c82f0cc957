// The parts of a local stack above the servers: the carrier simulator, APIs and workers, each either in this process
// (tests: fast, and the test can reach inside) or as a child process as in production (npm start, the benchmarks).
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { RunningApi, startApi } from '../../src/api/start-api';
import { AppConfig, readConfig } from '../../src/config';
import type { Db } from '../../src/db/schema';
import type { ForwarderOptions } from '../../src/replies/inbound-forwarder';
import { createSimulator, Simulator } from '../../src/simulator/simulator';
import { RunningWorker, startWorker } from '../../src/worker/start-worker';
import { ManagedProcess, startTsProcess, stopProcess } from './child-process';

const root = path.join(__dirname, '../..');

/** MemberContext is what every part starts from: the stack's environment and the configuration read from it. */
export interface MemberContext {
  env: NodeJS.ProcessEnv;
  config: AppConfig;
  /** Child processes print their output prefixed with their name (npm start); else it is kept for a failure. */
  showOutput: boolean;
}

/** SimulatorOptions choose how the carrier simulator runs; unset fields keep `npm run sim`'s defaults. */
export interface SimulatorOptions {
  inProcess?: boolean;
  autoDeliver?: boolean;
  deliveryDelayMs?: number;
}

/** StackSimulator is the running simulator: its URL, and its process or (in-process) its state. */
export type StackSimulator = { url: string } & (
  { process: ManagedProcess; inProcess: null } | { process: null; inProcess: Simulator; server: http.Server }
);

/** ApiOptions choose how many APIs run and how. */
export interface ApiOptions {
  count: number;
  inProcess?: boolean;
  poolSize?: number;
  forwarder?: ForwarderOptions;
}

/** StackApi is one running API: its URL and its process or (in-process) its handles. */
export type StackApi = { name: string; url: string } & (
  { process: ManagedProcess; running: null } | { process: null; running: RunningApi }
);

/** WorkerOptions choose how many workers run and how. */
export interface WorkerOptions {
  count: number;
  inProcess?: boolean;
  carrierPatienceMs?: number;
  /** Child processes run at background CPU priority (BACKGROUND_NICE) unless false, as npm start runs them. */
  background?: boolean;
}

/** StackWorker is one running worker: its process or (in-process) its handles. */
export type StackWorker = { name: string } & (
  { process: ManagedProcess; running: null } | { process: null; running: RunningWorker }
);

/** startStackSimulator starts the carrier simulator at the configured TWILIO_API_URL's port. */
export async function startStackSimulator(context: MemberContext, options: SimulatorOptions): Promise<StackSimulator> {
  const { config, env } = context;
  const url = config.twilioApiUrl;
  if (!options.inProcess) {
    const simEnv = { ...env };
    if (options.autoDeliver !== undefined) simEnv.SIM_AUTO_DELIVER = String(options.autoDeliver);
    if (options.deliveryDelayMs !== undefined) simEnv.SIM_DELIVERY_DELAY_MS = String(options.deliveryDelayMs);
    const proc = startTsProcess('sim', 'src/simulator/main.ts', {
      cwd: root,
      env: simEnv,
      showOutput: context.showOutput,
    });
    return { url, process: proc, inProcess: null };
  }
  const simulator = createSimulator({
    accountSid: config.twilioAccountSid,
    authToken: config.twilioAuthToken,
    webhookUrl: config.publicUrl,
    autoDeliver: options.autoDeliver ?? true,
    deliveryDelayMs: options.deliveryDelayMs ?? 0,
  });
  const server = http.createServer(simulator.app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(new URL(url).port), '127.0.0.1', () => resolve());
  });
  return { url, process: null, inProcess: simulator, server };
}

/** stopStackSimulator stops the simulator and its HTTP server. */
export async function stopStackSimulator(simulator: StackSimulator): Promise<void> {
  if (simulator.process) return stopProcess(simulator.process);
  simulator.inProcess.stop();
  simulator.server.closeAllConnections();
  await new Promise<void>((resolve) => simulator.server.close(() => resolve()));
}

/** startStackApi starts one API on `port` (the stack's PUBLIC_URL stays the first API's: carriers call that one). */
export async function startStackApi(
  context: MemberContext,
  options: ApiOptions,
  name: string,
  port: number,
): Promise<StackApi> {
  const url = `http://127.0.0.1:${port}`;
  const env = { ...context.env, PORT: String(port) };
  if (!options.inProcess) {
    const proc = startTsProcess(name, 'src/api/main.ts', { cwd: root, env, showOutput: context.showOutput });
    return { name, url, process: proc, running: null };
  }
  const running = await startApi(readConfig(env), {
    host: '127.0.0.1',
    poolSize: options.poolSize,
    forwarder: options.forwarder,
  });
  return { name, url, process: null, running };
}

/** stopStackApi stops an API: requests in flight finish, idle connections close. */
export async function stopStackApi(api: StackApi): Promise<void> {
  if (api.process) return stopProcess(api.process);
  api.running.server.closeAllConnections();
  await api.running.stop();
}

/** startStackWorker starts one worker; in-process workers share the pool of an in-process API when there is one. */
export async function startStackWorker(
  context: MemberContext,
  options: WorkerOptions,
  name: string,
  sharedDb: Db | undefined,
): Promise<StackWorker> {
  if (!options.inProcess) {
    const background = options.background ?? true;
    // A worker below the API's priority keeps its consent listener thread at the API's: a STOP's answer waits for it.
    const env =
      background && context.env.CONSENT_LISTENER_NICE === undefined
        ? { ...context.env, CONSENT_LISTENER_NICE: String(os.getPriority()) }
        : context.env;
    const proc = startTsProcess(name, 'src/worker/main.ts', {
      cwd: root,
      env,
      showOutput: context.showOutput,
      background,
    });
    return { name, process: proc, running: null };
  }
  const running = await startWorker(context.config, {
    db: sharedDb,
    workflowBundlePath: context.env.WORKFLOW_BUNDLE_PATH,
    carrierPatienceMs: options.carrierPatienceMs,
  });
  return { name, process: null, running };
}

/** stopStackWorker stops a worker gracefully, or (kill) SIGKILLs its process as a crash would. */
export async function stopStackWorker(worker: StackWorker, how: 'gracefully' | 'kill' = 'gracefully'): Promise<void> {
  if (!worker.process) return worker.running.stop();
  if (how === 'kill') {
    worker.process.child.kill('SIGKILL');
    await worker.process.exited;
  } else await stopProcess(worker.process);
}
