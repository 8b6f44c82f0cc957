// `npm test`: type-check and lint, start a real PostgreSQL and a real Temporal dev server on free ports, run every
// Jest test against them, and stop what was started, whatever happens.
import fs from 'node:fs';
import path from 'node:path';
import { startLocalStack } from './lib/local-stack';
import { runStaticChecks, runStep } from './lib/static-checks';

async function main(): Promise<number> {
  const bin = path.join(__dirname, '..', 'node_modules', '.bin');
  // Type, lint, format and boundary problems fail the run, but the tests still run so one report shows everything.
  // TEST_SKIP_CHECKS=1 runs only the tests (quick iterations on one file); CI always runs everything.
  const checksFailed = process.env.TEST_SKIP_CHECKS === '1' ? false : !runStaticChecks();

  console.log('[test] starting PostgreSQL and the Temporal dev server on free ports...');
  const stack = await startLocalStack({
    label: 'test',
    postgres: { durable: false },
    temporal: { uiPort: null },
    workflowBundle: true,
    signals: { exitCode: 130 },
  });
  try {
    const work = stack.dataDir;
    const resultsFile = path.join(work, 'jest-results.json');
    const env = {
      ...stack.env,
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
        numRuntimeErrorTestSuites: number;
      };
      // A plain closing line that any CI reader understands; a test file that could not run (it crashed before or
      // between its tests) counts as a failure, or the line would say 0 failed over a red run.
      const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
      console.log(`\n${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests} skipped`);
    }
    if (checksFailed) console.error('[test] the type-check or lint failed (see above)');
    return checksFailed ? 1 : status;
  } finally {
    await stack.stop();
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
