import 'dotenv/config';
import { parseSecretsKey } from './carrier/carrier-secrets';
import { SIMULATOR_ACCOUNT_SID, SIMULATOR_AUTH_TOKEN, SIMULATOR_PORT } from './simulator/defaults';

/** The settings every process reads from its environment (names and defaults are the contract in API.md). */
export interface AppConfig {
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  port: number;
  publicUrl: string;
  adminToken: string | null;
  /** Bearer token that GET /metrics requires (METRICS_TOKEN); null: /metrics refuses every scrape. */
  metricsToken: string | null;
  twilioApiUrl: string;
  twilioAccountSid: string;
  twilioAuthToken: string;
  /** CARRIER_SECRETS_KEY: seals business units' carrier secrets at rest (AES-256-GCM); null: carriers refused. */
  carrierSecretsKey: Buffer | null;
  /** CARRIER_HOSTS_ALLOWED: the only hosts business units' carriers may name (comma-separated); null: any. */
  carrierHostsAllowed: string[] | null;
  /** CARRIER_DISPATCH_STAMP=true: REST sends carry their dispatch time (benchmarks; see TwilioCarrierOptions). */
  carrierDispatchStamp: boolean;
  /** CONSENT_LISTENER_NICE: the nice of a worker's consent listener thread (npm start: the API's); null: the worker's. */
  consentListenerNice: number | null;
  /** Engine tuning, read by the API when it starts a campaign and by the worker. */
  campaign: {
    batchSize: number;
    batchSeconds: number;
    batchesPerRun: number;
    failureThreshold: number;
    carrierPatienceMs: number;
    /** How long after a send the carrier's list is trusted to show it: an in-doubt send is resent only after. */
    carrierSettleMs: number;
  };
  /** How long a conversation may go without a message before it closes itself (CONVERSATION_IDLE_MS, default 24 h). */
  conversationIdleMs: number;
  /** How often each API process sweeps routing: lapsed offers, silent agents, queues (ROUTING_SWEEP_MS, 1 s). */
  routingSweepMs: number;
  /** How often each API process folds the reports' figures (FIGURES_FOLD_MS, 5 s). */
  figuresFoldMs: number;
  /** The Temporal Web UI the console links campaigns to (TEMPORAL_UI_URL); null means the API's host on :8233. */
  temporalUiUrl: string | null;
  /**
   * Abuse limits: requests per minute per API key (API_RATE_LIMIT_PER_MINUTE, 0 = none), CSV upload size
   * (CSV_UPLOAD_LIMIT_MB) and how many CSV uploads a business unit may stream at once (CSV_UPLOAD_CONCURRENCY).
   */
  apiLimits: { ratePerMinute: number; csvUploadBytes: number; csvUploadConcurrency: number };
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function nonNegativeInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new Error(`${name} must be a whole number (0 or more), got "${raw}"`);
  return value;
}

// A nice value as setpriority() takes it (-20 highest to 19 lowest), or null when unset.
function niceValue(env: NodeJS.ProcessEnv, name: string): number | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < -20 || value > 19)
    throw new Error(`${name} must be a whole number from -20 to 19, got "${raw}"`);
  return value;
}

/** EMBEDDED_DATABASE_URL is where the all-in-one start puts its own PostgreSQL. */
export const EMBEDDED_DATABASE_URL = 'postgres://proactive_sms@127.0.0.1:54329/proactive_sms';

/** readConfig builds the configuration from an environment (process.env by default). */
export function readConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a TCP port number, got "${env.PORT}"`);
  }
  return {
    databaseUrl: env.DATABASE_URL || EMBEDDED_DATABASE_URL,
    temporalAddress: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'proactive-sms',
    port,
    publicUrl: (env.PUBLIC_URL || `http://127.0.0.1:${port}`).replace(/\/+$/, ''),
    adminToken: env.ADMIN_TOKEN || null,
    metricsToken: env.METRICS_TOKEN || null,
    twilioApiUrl: (env.TWILIO_API_URL || `http://127.0.0.1:${env.SIM_PORT || SIMULATOR_PORT}`).replace(/\/+$/, ''),
    twilioAccountSid: env.TWILIO_ACCOUNT_SID || SIMULATOR_ACCOUNT_SID,
    twilioAuthToken: env.TWILIO_AUTH_TOKEN || SIMULATOR_AUTH_TOKEN,
    carrierSecretsKey: env.CARRIER_SECRETS_KEY ? parseSecretsKey(env.CARRIER_SECRETS_KEY) : null,
    carrierHostsAllowed: env.CARRIER_HOSTS_ALLOWED
      ? env.CARRIER_HOSTS_ALLOWED.split(',')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean)
      : null,
    carrierDispatchStamp: env.CARRIER_DISPATCH_STAMP === 'true',
    consentListenerNice: niceValue(env, 'CONSENT_LISTENER_NICE'),
    campaign: {
      batchSize: positiveNumber(env, 'CAMPAIGN_BATCH_SIZE', 500),
      // A fast sender would finish 500 in a few seconds and idle while the next batch starts: a batch also holds
      // about this many seconds of the campaign's senders' rate.
      batchSeconds: nonNegativeInteger(env, 'CAMPAIGN_BATCH_SECONDS', 60),
      // About ten history events per batch: 200 batches keep every run far below Temporal's limits.
      batchesPerRun: positiveNumber(env, 'CAMPAIGN_BATCHES_PER_RUN', 200),
      failureThreshold: positiveNumber(env, 'CAMPAIGN_FAILURE_THRESHOLD', 0.5),
      carrierPatienceMs: positiveNumber(env, 'CARRIER_PATIENCE_MS', 10_000),
      // Twilio's Messages list shows a new message within seconds; ten leaves room for a slow day.
      carrierSettleMs: positiveNumber(env, 'CARRIER_SETTLE_MS', 10_000),
    },
    conversationIdleMs: positiveNumber(env, 'CONVERSATION_IDLE_MS', 24 * 60 * 60 * 1000),
    routingSweepMs: positiveNumber(env, 'ROUTING_SWEEP_MS', 1000),
    figuresFoldMs: positiveNumber(env, 'FIGURES_FOLD_MS', 5000),
    temporalUiUrl: env.TEMPORAL_UI_URL ? env.TEMPORAL_UI_URL.replace(/\/+$/, '') : null,
    apiLimits: {
      // High enough that a benchmark or a dialer reporting call outcomes is never throttled; a runaway client is.
      ratePerMinute: nonNegativeInteger(env, 'API_RATE_LIMIT_PER_MINUTE', 10_000),
      csvUploadBytes: Math.floor(positiveNumber(env, 'CSV_UPLOAD_LIMIT_MB', 1024) * 1024 * 1024),
      // Each upload is one COPY holding a connection while it streams: a few at once per tenant keeps the pool for the rest.
      csvUploadConcurrency: Math.floor(positiveNumber(env, 'CSV_UPLOAD_CONCURRENCY', 3)),
    },
  };
}
