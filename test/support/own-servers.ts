import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/lib/free-port';
import { LocalPostgres } from '../../scripts/lib/local-postgres';
import { LocalTemporal } from '../../scripts/lib/local-temporal';
import { createDb } from '../../src/db/connection';
import { migrateToLatest } from '../../src/db/migrate';

/** OwnServers are a PostgreSQL and a Temporal server that one test file may restart without disturbing the others. */
export interface OwnServers {
  postgres: LocalPostgres;
  temporal: LocalTemporal;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** startOwnServers starts a private PostgreSQL (migrated) and Temporal dev server on free ports. */
export async function startOwnServers(): Promise<OwnServers> {
  const base = process.env.TEST_WORK_DIR ?? os.tmpdir();
  const dir = fs.mkdtempSync(path.join(base, 'own-'));
  fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach its folder
  const postgres = new LocalPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    database: 'proactive_sms',
    user: 'proactive_sms',
    durable: false,
  });
  const temporal = new LocalTemporal({ dbFile: path.join(dir, 'temporal.db'), port: await freePort(), uiPort: null });
  await Promise.all([postgres.start(), temporal.start()]);
  const db = createDb(postgres.url, 1);
  await migrateToLatest(db);
  await db.destroy();
  return {
    postgres,
    temporal,
    env: { DATABASE_URL: postgres.url, TEMPORAL_ADDRESS: temporal.address },
    async stop() {
      await Promise.allSettled([postgres.stop(), temporal.stop()]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
