import { readConfig } from '../config';
import { log } from '../log';
import { startWorker } from './start-worker';

// Entry point of `npm run worker`.
async function main(): Promise<void> {
  const config = readConfig();
  // WORKER_METRICS_PORT: one Prometheus endpoint with the worker's own counters and the Temporal SDK's metrics.
  const metricsPort = process.env.WORKER_METRICS_PORT;
  const worker = await startWorker(config, {
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
    metricsPort: metricsPort ? Number(metricsPort) : undefined,
  });
  await worker.done;
}

main().catch((error: unknown) => {
  log.error({ err: error }, 'worker failed');
  console.error(`worker failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Check TEMPORAL_ADDRESS (is the Temporal server up?) and DATABASE_URL; `npm start` runs both locally.');
  process.exit(1);
});
