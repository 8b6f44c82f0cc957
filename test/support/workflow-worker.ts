import { ScriptedWorker, startScriptedWorker } from '../../scripts/lib/scripted-worker';

/**
 * useScriptedWorker starts one worker of the real workflows with scripted activities for the test file (beforeAll),
 * on its own task queue of the `npm test` Temporal server and with its prebuilt bundle; it terminates each test's
 * workflows still running (afterEach) and shuts down (afterAll). The returned object forwards to that worker.
 */
export function useScriptedWorker(): ScriptedWorker {
  let current: ScriptedWorker | undefined;
  beforeAll(async () => {
    const address = process.env.TEMPORAL_ADDRESS;
    if (!address)
      throw new Error('run the workflow tests with `npm test` (it starts Temporal and sets TEMPORAL_ADDRESS)');
    current = await startScriptedWorker({ address, workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH });
  });
  afterEach(async () => {
    await current?.terminateScripted();
  });
  afterAll(async () => {
    await current?.shutdown();
  });
  return new Proxy({} as ScriptedWorker, {
    get(_target, property) {
      if (!current) throw new Error('the scripted worker is used before beforeAll started it');
      return current[property as keyof ScriptedWorker];
    },
  });
}
