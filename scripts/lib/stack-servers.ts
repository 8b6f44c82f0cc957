// The servers under a local stack: PostgreSQL and Temporal (the dev server or a multi-node cluster started here, or the
// environment's), the schema brought up to date, and the workflow bundle every worker of the stack loads.
import path from 'node:path';
import { readConfig } from '../../src/config';
import { createDb } from '../../src/db/connection';
import { migrateToLatest } from '../../src/db/migrate';
import { freePort } from './free-port';
import { LocalPostgres } from './local-postgres';
import { LocalTemporal } from './local-temporal';
import { LocalTemporalCluster, TemporalClusterOptions } from './local-temporal-cluster';
import type { StackLifetime } from './stack-lifetime';
import { writeWorkflowBundle } from './workflow-bundle';

/** OwnPostgres starts a PostgreSQL here: on `port` (default a free one), durable or (tests) fast. */
export interface OwnPostgres {
  port?: number;
  durable?: boolean;
  /** Use DATABASE_URL's server instead when it is set (npm start). */
  unlessEnvironment?: boolean;
}

/** OwnTemporal starts a Temporal dev server here: on `port` (default a free one), with a Web UI or headless. */
export interface OwnTemporal {
  port?: number;
  /** The Web UI's port; null or absent runs headless. */
  uiPort?: number | null;
  /** Run at background CPU priority, below the API it serves on this machine. */
  background?: boolean;
  /** Use TEMPORAL_ADDRESS's server instead when it is set (npm start). */
  unlessEnvironment?: boolean;
  /** A multi-node cluster on the stack's own PostgreSQL instead of the dev server (npm run start:cluster). */
  cluster?: ClusterShape;
}

/** ClusterShape says how many history nodes share how many shards, and on which ports (local-temporal-cluster.ts). */
export type ClusterShape = Pick<TemporalClusterOptions, 'historyNodes' | 'historyShards' | 'ports' | 'showOutput'>;

/** ServerChoices say which servers a stack runs on; 'environment' means DATABASE_URL's and TEMPORAL_ADDRESS's. */
export interface ServerChoices {
  postgres: OwnPostgres | 'environment';
  temporal: OwnTemporal | 'environment' | 'none';
  /** Bring the schema up to date (default true). */
  migrate?: boolean;
  /** Bundle workflows/ once into the data folder, for every worker (WORKFLOW_BUNDLE_PATH). */
  workflowBundle?: boolean;
}

const shown = (file: string) => path.relative(process.cwd(), file) || file;

/**
 * startStackServers starts the servers the choices ask for in dataDir (recorded in lifetime, so they are stopped
 * whatever happens next), writes their addresses and the bundle's path into env, and migrates.
 */
export async function startStackServers(
  choices: ServerChoices,
  env: NodeJS.ProcessEnv,
  dataDir: string,
  lifetime: StackLifetime,
  log: (line: string) => void,
): Promise<{ postgres: LocalPostgres | null; temporal: LocalTemporal | null; cluster: LocalTemporalCluster | null }> {
  const pg = choices.postgres;
  const postgres =
    pg === 'environment' || (pg.unlessEnvironment && env.DATABASE_URL)
      ? null
      : new LocalPostgres({
          dataDir: path.join(dataDir, 'postgres'),
          port: pg.port ?? (await freePort()),
          database: 'proactive_sms',
          user: 'proactive_sms',
          durable: pg.durable ?? false,
        });
  const tp = choices.temporal;
  const own = tp === 'environment' || tp === 'none' || (tp.unlessEnvironment && env.TEMPORAL_ADDRESS) ? null : tp;
  const temporal =
    own && !own.cluster
      ? new LocalTemporal({
          dbFile: path.join(dataDir, 'temporal.db'),
          port: own.port ?? (await freePort()),
          uiPort: own.uiPort ?? null,
          background: own.background,
        })
      : null;
  if (own?.cluster && !postgres) throw new Error("a Temporal cluster runs on a PostgreSQL of the stack's own");
  const cluster =
    own?.cluster && postgres
      ? new LocalTemporalCluster({
          ...own.cluster,
          postgres: { port: postgres.options.port, user: postgres.options.user },
          frontendPort: own.port ?? (await freePort()),
          uiPort: own.uiPort ?? null,
          background: own.background,
          log,
        })
      : null;
  if (postgres) {
    lifetime.add('servers', () => postgres.stop());
    log(`starting PostgreSQL (data in ${shown(postgres.options.dataDir)}, port ${postgres.options.port})...`);
  }
  if (temporal) {
    lifetime.add('servers', () => temporal.stop());
    log(`starting the Temporal dev server (workflows kept in ${shown(temporal.options.dbFile)})...`);
  }
  // The cluster's nodes stop before the PostgreSQL they keep their state in.
  if (cluster) lifetime.add('cluster', () => cluster.stop());
  // All at once; allSettled, so that a failure is thrown only once every start has finished and can be stopped.
  const started = await Promise.allSettled([
    postgres?.start().then(() => cluster?.start()),
    temporal?.start(),
    choices.workflowBundle ? writeWorkflowBundle(path.join(dataDir, 'workflow-bundle.js')) : undefined,
  ]);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  if (postgres) env.DATABASE_URL = postgres.url;
  if (temporal) env.TEMPORAL_ADDRESS = temporal.address;
  if (cluster) env.TEMPORAL_ADDRESS = cluster.address;
  const bundle = started[2].status === 'fulfilled' ? started[2].value : undefined;
  if (bundle) env.WORKFLOW_BUNDLE_PATH = bundle;
  if (pg === 'environment' && !env.DATABASE_URL) throw new Error('DATABASE_URL is not set: run this under `npm test`');
  if (tp === 'environment' && !env.TEMPORAL_ADDRESS)
    throw new Error('TEMPORAL_ADDRESS is not set: run this under `npm test`');

  if (choices.migrate !== false) {
    const db = createDb(readConfig(env).databaseUrl, 1);
    try {
      const applied = await migrateToLatest(db);
      log(`database schema ready${applied.length ? ` (applied ${applied.join(', ')})` : ''}`);
    } finally {
      await db.destroy();
    }
  }

  return { postgres, temporal, cluster };
}
