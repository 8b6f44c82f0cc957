import { LocalPostgres } from '../../scripts/lib/local-postgres';
import { startLocalStack } from '../../scripts/lib/local-stack';
import { LocalTemporal } from '../../scripts/lib/local-temporal';

/** OwnServers are a PostgreSQL and a Temporal server that one test file may restart without disturbing the others. */
export interface OwnServers {
  postgres: LocalPostgres;
  temporal: LocalTemporal;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** startOwnServers starts a private PostgreSQL (migrated) and Temporal dev server on free ports. */
export async function startOwnServers(): Promise<OwnServers> {
  const stack = await startLocalStack({
    label: 'own',
    tempParent: process.env.TEST_WORK_DIR,
    postgres: { durable: false },
    temporal: { uiPort: null },
  });
  const { postgres, temporal } = stack;
  if (!postgres || !temporal) throw new Error('the local stack started no servers of its own');
  return {
    postgres,
    temporal,
    env: { DATABASE_URL: postgres.url, TEMPORAL_ADDRESS: temporal.address },
    stop: () => stack.stop(),
  };
}
