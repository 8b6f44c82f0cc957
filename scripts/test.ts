// `npm test`: type-check and lint, start a real PostgreSQL and a real Temporal dev server on free ports, run every
// Jest test against them, and stop what was started, whatever happens.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../src/db/connection';
import { migrateToLatest } from '../src/db/migrate';
import { freePort } from './lib/free-port';
import { LocalPostgres } from './lib/local-postgres';
import { LocalTemporal } from './lib/local-temporal';
import { runStaticChecks, runStep } from './lib/static-checks';
import { writeWorkflowBundle } from './lib/workflow-bundle';

async function main(): Promise<number> {
  const bin = path.join(__dirname, '..', 'node_modules', '.bin');
  // Type, lint, format and boundary problems fail the run, but the tests still run so one report shows everything.
  // TEST_SKIP_CHECKS=1 runs only the tests (quick iterations on one file); CI always runs everything.
  const checksFailed = process.env.TEST_SKIP_CHECKS === '1' ? false : !runStaticChecks();

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'proactive-sms-test-'));
  if (process.getuid?.() === 0) fs.chmodSync(work, 0o755); // the postgres user must reach its data folder
  const postgres = new LocalPostgres({
    dataDir: path.join(work, 'pg'),
    port: await freePort(),
    database: 'proactive_sms',
    user: 'proactive_sms',
    durable: false,
  });
  const temporal = new LocalTemporal({ dbFile: path.join(work, 'temporal.db'), port: await freePort(), uiPort: null });
  const stopAll = async () => {
    await Promise.allSettled([postgres.stop(), temporal.stop()]);
    fs.rmSync(work, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void stopAll().finally(() => process.exit(130)));
  try {
    console.log('[test] starting PostgreSQL and the Temporal dev server on free ports...');
    const [bundle] = await Promise.all([
      writeWorkflowBundle(path.join(work, 'workflow-bundle.js')),
      postgres.start(),
      temporal.start(),
    ]);
    const db = createDb(postgres.url, 1);
    await migrateToLatest(db);
    await db.destroy();
    const resultsFile = path.join(work, 'jest-results.json');
    const env = {
      ...process.env,
      DATABASE_URL: postgres.url,
      TEMPORAL_ADDRESS: temporal.address,
      WORKFLOW_BUNDLE_PATH: bundle,
      TEST_WORK_DIR: work,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    };
    const jestArgs = ['--maxWorkers=2', '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)];
    const status = runStep('jest', path.join(bin, 'jest'), jestArgs, env);
    if (fs.existsSync(resultsFile)) {
      const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as {
        numPassedTests: number;
        numFailedTests: number;
        numPendingTests: number;
      };
      // A plain closing line that any CI reader understands.
      console.log(
        `\n${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`,
      );
    }
    if (checksFailed) console.error('[test] the type-check or lint failed (see above)');
    return checksFailed ? 1 : status;
  } finally {
    await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[test] failed before the tests could run: ${error instanceof Error ? error.stack : String(error)}`);
    console.error('[test] run `bash scripts/setup.sh` to install what is missing, then `npm test` again.');
    process.exit(1);
  },
);
