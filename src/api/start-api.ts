import { createServer, type Server } from 'node:http';
import type { AppConfig } from '../config';
import { createDb } from '../db/connection';
import type { Db } from '../db/schema';
import { startOptOutFence } from '../dnc/opt-out-fence';
import { log } from '../log';
import { ForwarderOptions, startInboundForwarder } from '../replies/inbound-forwarder';
import { startRoutingSweeper } from '../replies/routing';
import { startFiguresFolder } from '../reports/figures-folder';
import { startAgentEventHub } from '../replies/agent-event-hub';
import { connectWorkflowClient, WorkflowClient } from '../workflow-client';
import { createRequestListener } from './app';

/** StartApiOptions tune one API process; every field has the production default. */
export interface StartApiOptions {
  /** Where to listen (HOST, default all interfaces). */
  host?: string;
  /** PostgreSQL connections of this process. */
  poolSize?: number;
  /** Tuning for the inbound forwarder (tests shrink its hand). */
  forwarder?: ForwarderOptions;
  /** How often this process sweeps routing (default: the configuration's ROUTING_SWEEP_MS). */
  routingSweepMs?: number;
  /** How often this process folds the reports' figures (default: the configuration's FIGURES_FOLD_MS). */
  figuresFoldMs?: number;
}

/** RunningApi is a listening API process's handles. */
export interface RunningApi {
  server: Server;
  db: Db;
  workflows: WorkflowClient;
  /** stop closes the server, forwards what the forwarder holds and closes the connections. */
  stop(): Promise<void>;
}

/** startApi wires one API process (PostgreSQL, the workflow client, the inbound forwarder, Express) and listens. */
export async function startApi(config: AppConfig, options: StartApiOptions = {}): Promise<RunningApi> {
  const db = createDb(config.databaseUrl, options.poolSize ?? 20);
  // Lazy: the API comes up (and /healthz says what is missing) even while Temporal is still starting.
  const temporal = await connectWorkflowClient(config, { lazy: true });
  const workflows = temporal.client;
  const inboundForwarder = startInboundForwarder({ db, workflows: workflows.conversations }, options.forwarder);
  const agentEvents = startAgentEventHub(config.databaseUrl);
  const optOutFence = startOptOutFence(db);
  // A plain http server: Express 5's app.listen calls its callback on an error too, so a taken port looked like a start.
  const server = createServer(
    createRequestListener({ db, workflows, config, inboundForwarder, agentEvents, optOutFence }),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, options.host ?? '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await inboundForwarder.stop();
    await agentEvents.stop();
    await optOutFence.stop();
    await Promise.all([temporal.close(), db.destroy()]);
    throw error;
  }
  // Longer than any carrier's or load balancer's idle timeout: a client must never reuse a connection the API has just
  // closed (Node's default is 5 s), which resets a webhook in flight.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Every API process sweeps: the sweep's state is PostgreSQL's rows, so any one (or all at once) may do it.
  const sweeper = startRoutingSweeper(db, options.routingSweepMs ?? config.routingSweepMs);
  // Likewise every process folds the reports' figures; a business unit's advisory lock gives each fold one owner.
  const folder = startFiguresFolder(db, options.figuresFoldMs ?? config.figuresFoldMs);
  log.info({ port: config.port, publicUrl: config.publicUrl }, 'API listening');
  return {
    server,
    db,
    workflows,
    async stop() {
      // In-flight requests (a carrier's webhook) finish; idle keep-alive connections close at once; agents' event
      // streams end (their inboxes reconnect to another replica).
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      await agentEvents.stop();
      await closing;
      await sweeper.stop();
      await folder.stop();
      await inboundForwarder.stop();
      await optOutFence.stop();
      await Promise.all([temporal.close(), db.destroy()]);
    },
  };
}
