import { createTwilioCarrier } from '../carrier/twilio-carrier';
import { readConfig } from '../config';
import { createDb } from '../db/connection';
import { log } from '../log';
import { installTemporalMetrics, serveWorkerMetrics } from '../metrics/worker-metrics';
import { createWorker } from './create-worker';

// Entry point of `npm run worker`.
async function main(): Promise<void> {
  const config = readConfig();
  // WORKER_METRICS_PORT: one Prometheus endpoint with the worker's own counters and the Temporal SDK's metrics.
  const metricsPort = process.env.WORKER_METRICS_PORT;
  if (metricsPort) {
    const metrics = await serveWorkerMetrics(Number(metricsPort), await installTemporalMetrics());
    log.info({ port: metrics.port }, 'worker metrics at /metrics');
  }
  const db = createDb(config.databaseUrl, 20);
  const carrier = createTwilioCarrier({
    apiUrl: config.twilioApiUrl,
    accountSid: config.twilioAccountSid,
    authToken: config.twilioAuthToken,
  });
  const { worker, connection } = await createWorker({
    config,
    db,
    carrier,
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
  });
  log.info({ taskQueue: config.taskQueue, temporal: config.temporalAddress }, 'worker polling');
  await worker.run();
  await connection.close();
  await db.destroy();
}

main().catch((error: unknown) => {
  log.error({ err: error }, 'worker failed');
  console.error(`worker failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Check TEMPORAL_ADDRESS (is the Temporal server up?) and DATABASE_URL; `npm start` runs both locally.');
  process.exit(1);
});
