import path from 'node:path';
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Carrier } from '../carrier/carrier';
import type { AppConfig } from '../config';
import type { Db } from '../db/schema';
import type { LastLook } from '../dnc/last-look';
import { meteredCarrier } from '../metrics/metered-carrier';

/** WorkerDeps are the connections a worker runs on. */
export interface WorkerDeps {
  config: AppConfig;
  db: Db;
  carrier: Carrier;
  /** A prebuilt workflow bundle (tests build one for every worker); otherwise workflows/ is bundled at start. */
  workflowBundlePath?: string;
  carrierPatienceMs?: number;
  /** The process's last look at STOPs right before each campaign send. */
  lastLook?: LastLook;
}

/** createWorker connects to Temporal and builds the worker for every workflow and activity. */
export async function createWorker(deps: WorkerDeps): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: deps.config.temporalAddress });
  const workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = deps.workflowBundlePath
    ? { workflowBundle: { codePath: deps.workflowBundlePath } }
    : { workflowsPath: path.join(__dirname, '../../workflows') };
  // Ready the carrier client now, while no message waits for it.
  void deps.carrier.warmUp?.();
  const worker = await Worker.create({
    connection,
    namespace: deps.config.temporalNamespace,
    taskQueue: deps.config.taskQueue,
    ...workflows,
    activities: createActivities({
      db: deps.db,
      carrier: meteredCarrier(deps.carrier),
      publicUrl: deps.config.publicUrl,
      carrierPatienceMs: deps.carrierPatienceMs ?? deps.config.campaign.carrierPatienceMs,
      carrierSettleMs: deps.config.campaign.carrierSettleMs,
      lastLook: deps.lastLook,
    }),
    maxConcurrentActivityTaskExecutions: 20,
  });
  return { worker, connection };
}
