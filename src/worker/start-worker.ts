import type { Worker } from '@temporalio/worker';
import type { Carrier } from '../carrier/carrier';
import { buildCarrierAdapter } from '../carrier/carrier-adapters';
import { createCarrierRouter } from '../carrier/carrier-router';
import { createTwilioCarrier } from '../carrier/twilio-carrier';
import type { AppConfig } from '../config';
import { createDb } from '../db/connection';
import type { Db } from '../db/schema';
import { watchConsent } from '../dnc/last-look';
import { log } from '../log';
import { installTemporalMetrics, serveWorkerMetrics, WorkerMetrics } from '../metrics/worker-metrics';
import { createWorker } from './create-worker';

/** StartWorkerOptions tune one worker; every field has the production default. */
export interface StartWorkerOptions {
  /** A pool to share (a test system runs the API and the worker in one process); otherwise the worker opens its own. */
  db?: Db;
  /** PostgreSQL connections of the worker's own pool. */
  poolSize?: number;
  /** The carrier to send through; otherwise the configured Twilio-compatible one (TWILIO_API_URL). */
  carrier?: Carrier;
  /** A prebuilt workflow bundle; otherwise workflows/ is bundled at start (a few seconds). */
  workflowBundlePath?: string;
  /** How long the carrier may fail before a campaign shows waiting_for_carrier; otherwise CARRIER_PATIENCE_MS. */
  carrierPatienceMs?: number;
  /**
   * Serve the worker's and the Temporal SDK's metrics at /metrics on this port (0: any free port). The SDK's exporter
   * must be installed before the process's first Temporal connection, so only a worker process of its own can.
   */
  metricsPort?: number;
}

/** RunningWorker is a polling worker's handles. */
export interface RunningWorker {
  worker: Worker;
  db: Db;
  /** metricsPort is where /metrics is served, or null. */
  metricsPort: number | null;
  /** done settles once the worker has stopped and its connections are closed; it rejects if the worker failed. */
  done: Promise<void>;
  /** stop lets the activities in flight finish, then closes what the worker opened. */
  stop(): Promise<void>;
}

/** startWorker wires one worker (PostgreSQL, the carrier, every workflow and activity) and starts polling. */
export async function startWorker(config: AppConfig, options: StartWorkerOptions = {}): Promise<RunningWorker> {
  let metrics: WorkerMetrics | null = null;
  if (options.metricsPort !== undefined) {
    metrics = await serveWorkerMetrics(options.metricsPort, await installTemporalMetrics(), config.metricsToken);
    log.info({ port: metrics.port }, 'worker metrics at /metrics');
  }
  const ownDb = options.db ? null : createDb(config.databaseUrl, options.poolSize ?? 20);
  const db = options.db ?? ownDb!;
  // Each sender's carrier: a business unit's own (REST or an SMPP bind), else the environment's Twilio one.
  const router = options.carrier
    ? null
    : createCarrierRouter({
        db,
        secretsKey: config.carrierSecretsKey,
        fallback: createTwilioCarrier({
          apiUrl: config.twilioApiUrl,
          accountSid: config.twilioAccountSid,
          authToken: config.twilioAuthToken,
          stampDispatch: config.carrierDispatchStamp,
        }),
        build: (account) => buildCarrierAdapter(account, { db }),
        allowedHosts: config.carrierHostsAllowed,
      });
  // A STOP stored while a chunk waits for its slots is heard here and honoured at the send (src/dnc/last-look.ts); the
  // watch knows each request under way, so the STOP's webhook answers only once those to its contact are at the carrier.
  const consent = watchConsent(db, { listenerNice: config.consentListenerNice });
  const carrier = consent.watch.watchingSends(options.carrier ?? router!);
  // Whatever fails before polling starts must not leave a pool or a metrics port open in a process that goes on.
  const closeOwn = () =>
    Promise.allSettled([consent.close().then(() => ownDb?.destroy()), metrics?.close()]).then(() => undefined);
  let created: Awaited<ReturnType<typeof createWorker>>;
  try {
    created = await createWorker({
      config,
      db,
      carrier,
      workflowBundlePath: options.workflowBundlePath,
      carrierPatienceMs: options.carrierPatienceMs,
      lastLook: consent.watch,
    });
  } catch (error) {
    await closeOwn();
    throw error;
  }
  const { worker, connection } = created;
  log.info({ taskQueue: config.taskQueue, temporal: config.temporalAddress }, 'worker polling');
  const done = worker.run().finally(async () => {
    await router?.close();
    await connection.close();
    await closeOwn();
  });
  return {
    worker,
    db,
    metricsPort: metrics?.port ?? null,
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
