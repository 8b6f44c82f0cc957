// `npm test`: type-check and lint, start a real PostgreSQL and a real Temporal dev server on free ports, run every
// Jest test against them, and stop what was started, whatever happens. Then the fault test on the production shape
// (test/cluster/: a multi-node Temporal cluster, workers and APIs, which it starts itself), after the main suite rather
// than beside it: its dozen processes take about 65 CPU-seconds, which 2 cores busy with the main suite could give it
// only by slowing tests whose waits have failed under load before, to save at most its 2 minutes.
// `npm test -- <paths or Jest options>` passes them to Jest; the cluster step runs then only when a path names it.
// `tsx scripts/test.ts --cluster` (npm run test:cluster) runs only the cluster step, without the static checks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalStack } from './lib/local-stack';
import { runStaticChecks, runStep } from './lib/static-checks';

const bin = path.join(__dirname, '..', 'node_modules', '.bin');
const CLUSTER_TESTS = '**/test/cluster/*.cluster-test.ts';
const namesClusterTests = (arg: string) => arg.includes('test/cluster') || arg.includes('.cluster-test');

interface JestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/** runJest runs one Jest step and reads its counts from the JSON report (null when Jest wrote none). */
function runJest(step: string, args: string[], env: NodeJS.ProcessEnv, resultsFile: string) {
  const status = runStep(step, path.join(bin, 'jest'), ['--json', `--outputFile=${resultsFile}`, ...args], env);
  if (!fs.existsSync(resultsFile)) return { status, counts: null };
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numRuntimeErrorTestSuites: number;
  };
  // A test file that could not run (it crashed before or between its tests) counts as a failure, or the closing line
  // would say 0 failed over a red run.
  const counts: JestCounts = {
    passed: results.numPassedTests,
    failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
    skipped: results.numPendingTests,
  };
  return { status, counts };
}

async function mainSuite(args: string[]) {
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
    const env = {
      ...stack.env,
      TEST_WORK_DIR: work,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    };
    return runJest('jest', ['--maxWorkers=2', ...args], env, path.join(work, 'jest-results.json'));
  } finally {
    await stack.stop();
  }
}

function clusterSuite(args: string[]) {
  console.log(
    '\n[test] the fault test on a multi-node Temporal cluster (test/cluster/): it starts PostgreSQL, five Temporal ' +
      'nodes, two workers, two APIs and the simulator, and kills some of them mid-campaign (2 to 5 minutes)',
  );
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'proactive-sms-test-cluster-'));
  try {
    const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' };
    return runJest(
      'jest (cluster)',
      ['--runInBand', '--testMatch', CLUSTER_TESTS, ...args],
      env,
      path.join(work, 'jest-results.json'),
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const clusterOnly = process.argv.includes('--cluster');
  const args = process.argv.slice(2).filter((arg) => arg !== '--cluster');
  const runMain = !clusterOnly && (args.length === 0 || !args.every(namesClusterTests));
  const runCluster = clusterOnly || args.length === 0 || args.some(namesClusterTests);

  // Type, lint, format and boundary problems fail the run, but the tests still run so one report shows everything.
  // TEST_SKIP_CHECKS=1 runs only the tests (quick iterations on one file); CI always runs everything.
  const checksFailed = clusterOnly || process.env.TEST_SKIP_CHECKS === '1' ? false : !runStaticChecks();

  const steps = [];
  if (runMain) steps.push(await mainSuite(args));
  if (runCluster) steps.push(clusterSuite(args));

  const counted = steps.flatMap((step) => (step.counts ? [step.counts] : []));
  if (counted.length > 0) {
    const sum = (key: keyof JestCounts) => counted.reduce((total, counts) => total + counts[key], 0);
    // A plain closing line that any CI reader understands, over every step.
    console.log(`\n${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
  }
  if (checksFailed) console.error('[test] the type-check or lint failed (see above)');
  const failedStep = steps.find((step) => step.status !== 0);
  return checksFailed ? 1 : (failedStep?.status ?? 0);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[test] failed before the tests could run: ${error instanceof Error ? error.stack : String(error)}`);
    console.error('[test] run `bash scripts/setup.sh` to install what is missing, then `npm test` again.');
    process.exit(1);
  },
);
