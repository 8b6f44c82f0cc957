import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { ForwarderOptions } from '../../src/replies/inbound-forwarder';
import type { AppConfig } from '../../src/config';
import type { Database } from '../../src/db/schema';
import type { Simulator } from '../../src/simulator/simulator';
import type { RecordedMessage } from '../../src/simulator/message-log';
import { startLocalStack, StackWorker } from '../../scripts/lib/local-stack';
import { ApiClient } from './api-client';

// The SDK's own INFO lines (worker state changes) would drown the test output.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed by another test file in this Jest worker
}

/** ADMIN_TOKEN is the admin token every test system's API accepts. */
export const ADMIN_TOKEN = 'test-admin-token';
/** METRICS_TOKEN is the bearer token every test system's GET /metrics takes. */
export const METRICS_TOKEN = 'test-metrics-token';

/** TestSystem is the whole product wired in one process: API, worker, simulator, on the real Temporal and PostgreSQL. */
export interface TestSystem {
  config: AppConfig;
  db: Kysely<Database>;
  temporal: Client;
  sim: Simulator;
  admin: ApiClient;
  anonymous: ApiClient;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  sentMessages(): RecordedMessage[];
  shutdown(): Promise<void>;
}

export interface TestSystemOptions {
  carrierPatienceMs?: number;
  autoDeliver?: boolean;
  /** Extra environment for the configuration (engine tuning such as CAMPAIGN_BATCH_SIZE). */
  env?: Record<string, string>;
  /** false when the test runs its workers as separate processes. */
  inProcessWorker?: boolean;
  /** Tuning for the API's inbound forwarder. */
  forwarder?: ForwarderOptions;
}

/** startTestSystem needs DATABASE_URL and TEMPORAL_ADDRESS (from `npm test`, or env overrides). Each system has its own task queue. */
export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  if (!process.env.DATABASE_URL || !process.env.TEMPORAL_ADDRESS)
    throw new Error('run the integration tests with `npm test`');
  // The local stack, in this process: the simulator, the API and (unless the test runs its own) a worker, on the
  // servers `npm test` started (or the test's own, through options.env), migrated already.
  const stack = await startLocalStack({
    label: 'test-system',
    tempParent: process.env.TEST_WORK_DIR,
    env: {
      ...process.env,
      ADMIN_TOKEN,
      METRICS_TOKEN,
      TWILIO_ACCOUNT_SID: 'ACtest',
      TWILIO_AUTH_TOKEN: 'test-auth-token',
      TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
      // The simulator's list shows a message at once: an in-doubt send need not wait Twilio's 10 s to be resent.
      CARRIER_SETTLE_MS: '1000',
      // Carriers a test (or the fuzzer) invents are never reached off this machine.
      CARRIER_HOSTS_ALLOWED: '127.0.0.1,localhost',
      ...options.env,
    },
    postgres: 'environment',
    temporal: 'environment',
    migrate: false,
    simulator: { inProcess: true, autoDeliver: options.autoDeliver ?? false, deliveryDelayMs: 20 },
    apis: { count: 1, inProcess: true, poolSize: 10, forwarder: options.forwarder },
    workers: { count: 0, inProcess: true, carrierPatienceMs: options.carrierPatienceMs ?? 2000 },
  });
  const [api] = stack.apis;
  const sim = stack.simulator?.inProcess;
  if (!api?.running || !sim) throw new Error('the local stack did not start the API and the simulator in this process');
  const { config } = stack;

  let worker: StackWorker | null = null;
  const system: TestSystem = {
    config,
    db: api.running.db,
    temporal: api.running.workflows.temporal,
    sim,
    admin: new ApiClient(config.publicUrl, ADMIN_TOKEN),
    anonymous: new ApiClient(config.publicUrl),
    async startWorker() {
      worker ??= await stack.startWorker();
    },
    async stopWorker() {
      if (!worker) return;
      const stopping = worker;
      worker = null;
      await stack.stopWorker(stopping);
    },
    sentMessages() {
      return [...sim.state.messages.page(0, Number.MAX_SAFE_INTEGER)];
    },
    shutdown: () => stack.stop(),
  };
  if (options.inProcessWorker !== false) await system.startWorker();
  return system;
}

/** workerProcessEnv is the environment a separate `npm run worker` process needs to serve this test system. */
export function workerProcessEnv(system: TestSystem): NodeJS.ProcessEnv {
  const { config } = system;
  return {
    ...process.env,
    DATABASE_URL: config.databaseUrl,
    TEMPORAL_ADDRESS: config.temporalAddress,
    TEMPORAL_TASK_QUEUE: config.taskQueue,
    PUBLIC_URL: config.publicUrl,
    TWILIO_API_URL: config.twilioApiUrl,
    TWILIO_ACCOUNT_SID: config.twilioAccountSid,
    TWILIO_AUTH_TOKEN: config.twilioAuthToken,
    METRICS_TOKEN: config.metricsToken ?? '',
    CARRIER_PATIENCE_MS: '2000',
    CARRIER_SETTLE_MS: config.campaign.carrierSettleMs.toString(),
    LOG_LEVEL: 'warn',
  };
}

/** TenantClient is a business unit with its API key, as a test user sees it. */
export interface Tenant {
  id: string;
  defaultDncGroupId: string;
  api: ApiClient;
}

/** createTenant makes a business unit through the admin route. */
export async function createTenant(system: TestSystem, name = `BU ${randomUUID().slice(0, 8)}`): Promise<Tenant> {
  const res = await system.admin.post('/v1/business-units', { name });
  if (res.status !== 201) throw new Error(`could not create business unit: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, defaultDncGroupId: res.body.defaultDncGroupId, api: system.anonymous.as(res.body.apiKey) };
}

/** eventually polls until the check returns a value other than undefined, or fails with the last value seen. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** waitForCampaignStatus polls GET /campaigns/:id until it reaches the status and returns the campaign. */
export async function waitForCampaignStatus(tenant: Tenant, campaignId: string, status: string, timeoutMs = 60_000) {
  // A campaign that never gets there is reported as last seen (a pause names its reason; the counts show what is left).
  let seen: unknown;
  try {
    return await eventually(
      `campaign ${campaignId} to be ${status}`,
      async () => {
        const res = await tenant.api.get(`/v1/campaigns/${campaignId}`);
        seen = res.body;
        return res.body.status === status ? res.body : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(seen)}`);
  }
}

let phoneCounter = Math.floor(Math.random() * 9000);
/** uniquePhone returns a valid US mobile-style number no other test uses (area code 212, 555-01xx avoided). */
export function uniquePhone(): string {
  phoneCounter += 1;
  const line = String(1000 + (phoneCounter % 9000)).padStart(4, '0');
  let exchange = 200 + Math.floor(Math.random() * 700);
  if (exchange % 100 === 11) exchange += 1; // N11 exchanges are service codes, not subscriber numbers
  return `+1212${exchange}${line}`;
}

/**
 * useTestSystem starts one test system for the file (beforeAll) and shuts it down (afterAll). The returned object
 * forwards to that system, so tests use it like the system itself.
 */
export function useTestSystem(options: TestSystemOptions = {}): TestSystem {
  let current: TestSystem | undefined;
  beforeAll(async () => {
    current = await startTestSystem(options);
  });
  afterAll(async () => {
    await current?.shutdown();
  });
  return new Proxy({} as TestSystem, {
    get(_target, property) {
      if (!current) throw new Error('the test system is used before beforeAll started it');
      return current[property as keyof TestSystem];
    },
  });
}
