// `npm start`: the whole system on one machine, in the foreground. PostgreSQL (unless DATABASE_URL is set) and the
// Temporal dev server (unless TEMPORAL_ADDRESS is set) run from .data/; then migrations, the carrier simulator
// (unless TWILIO_API_URL is set), the worker and the API. Ctrl-C or SIGTERM stops everything it started.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readConfig } from '../src/config';
import { createDb } from '../src/db/connection';
import { migrateToLatest } from '../src/db/migrate';
import { ManagedProcess, startTsProcess, stopProcess } from './lib/child-process';
import { LocalPostgres } from './lib/local-postgres';
import { LocalTemporal } from './lib/local-temporal';

const root = path.join(__dirname, '..');
const dataDir = path.join(root, '.data');

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ADMIN_TOKEN: process.env.ADMIN_TOKEN || randomBytes(18).toString('base64url'),
  };
  const services: { stop(): Promise<void> }[] = [];
  const children: ManagedProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\n[start] stopping...');
    await Promise.allSettled(children.map((c) => stopProcess(c)));
    await Promise.allSettled(services.map((s) => s.stop()));
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  fs.mkdirSync(dataDir, { recursive: true });
  if (process.getuid?.() === 0) fs.chmodSync(dataDir, 0o755); // PostgreSQL runs as 'postgres' and must reach its folder
  if (!env.DATABASE_URL) {
    console.log('[start] starting PostgreSQL (data in .data/postgres, port 54329)...');
    const postgres = new LocalPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: 54329,
      database: 'proactive_sms',
      user: 'proactive_sms',
      durable: true,
    });
    await postgres.start();
    services.push(postgres);
    env.DATABASE_URL = postgres.url;
  }
  if (!env.TEMPORAL_ADDRESS) {
    console.log('[start] starting the Temporal dev server (workflows kept in .data/temporal.db)...');
    const temporal = new LocalTemporal({
      dbFile: path.join(dataDir, 'temporal.db'),
      port: 7233,
      uiPort: 8233,
      background: true,
    });
    await temporal.start();
    services.push(temporal);
    env.TEMPORAL_ADDRESS = temporal.address;
  }
  const config = readConfig(env);
  const db = createDb(config.databaseUrl, 1);
  const applied = await migrateToLatest(db);
  await db.destroy();
  console.log(`[start] database schema ready${applied.length ? ` (applied ${applied.join(', ')})` : ''}`);

  // The worker and the Temporal dev server run below the API's CPU priority (BACKGROUND_NICE): on one machine a reply
  // storm's handling must not take the CPU the carrier's webhooks are answered with.
  const launch = (name: string, entry: string, background = false) => {
    const child = startTsProcess(name, entry, { cwd: root, env, showOutput: true, background });
    children.push(child);
    void child.exited.then((code) => {
      if (!stopping) {
        console.error(`[start] ${name} exited (${code}); stopping everything`);
        void stopAll(1);
      }
    });
  };
  if (!process.env.TWILIO_API_URL) launch('sim', 'src/simulator/main.ts');
  launch('worker', 'src/worker/main.ts', true);
  launch('api', 'src/api/main.ts');

  console.log(`
[start] Proactive SMS is starting:
  API            ${config.publicUrl}   (health: ${config.publicUrl}/healthz)
  Temporal UI    http://127.0.0.1:8233
  Temporal       ${config.temporalAddress}
  Carrier        ${config.twilioApiUrl}${process.env.TWILIO_API_URL ? '' : ' (bundled simulator)'}
  Admin token    ${env.ADMIN_TOKEN}
Create a business unit:
  curl -X POST ${config.publicUrl}/v1/business-units -H 'Authorization: Bearer ${env.ADMIN_TOKEN}' -H 'Content-Type: application/json' -d '{"name":"My contact centre"}'
Press Ctrl-C to stop everything.`);
}

main().catch((error: unknown) => {
  console.error(`[start] failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error(
    '[start] run `bash scripts/setup.sh` to install what is missing; set DATABASE_URL / TEMPORAL_ADDRESS to use servers of your own.',
  );
  process.exit(1);
});
