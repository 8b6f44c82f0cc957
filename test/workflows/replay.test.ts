import fs from 'node:fs';
import path from 'node:path';
import { ReplayResult, Worker } from '@temporalio/worker';
import * as workflows from '../../workflows';
import { historyFromJSON } from '../../scripts/lib/history-json';
import { installQuietRuntime } from '../../scripts/lib/scripted-worker';

// Every recorded history replays on the current workflow code: a change that would make a running workflow fail on
// its next task (an activity or timer added, removed or reordered without patched()) fails here instead of in
// production. The histories are recorded by `npm run record-history` (README, "Workflow tests and recorded histories").

installQuietRuntime();

const HISTORIES = path.join(__dirname, 'histories');
const files = fs
  .readdirSync(HISTORIES)
  .filter((file) => file.endsWith('.json'))
  .sort();
const histories = files.map((file) => ({
  workflowId: file,
  history: historyFromJSON(fs.readFileSync(path.join(HISTORIES, file), 'utf8')),
}));

describe('recorded workflow histories', () => {
  const results = new Map<string, ReplayResult>();

  beforeAll(async () => {
    const codePath = process.env.WORKFLOW_BUNDLE_PATH;
    if (!codePath)
      throw new Error('run the replay test with `npm test` (it bundles workflows/ to WORKFLOW_BUNDLE_PATH)');
    // One replay worker for every file: replaying takes milliseconds, creating the worker most of the time.
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath } }, histories))
      results.set(result.workflowId, result);
  });

  test('there is one for every workflow type', () => {
    const recorded = new Set(
      histories.map(({ history }) => history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name),
    );
    expect(Object.keys(workflows).filter((type) => !recorded.has(type))).toEqual([]);
  });

  test.each(files)('%s replays on the current workflow code', (file) => {
    const result = results.get(file);
    expect(result).toBeDefined();
    if (result?.error)
      throw new Error(
        `${file} no longer replays: running workflows with this history would fail. Guard the change with ` +
          `patched() (README, "Workflow tests and recorded histories"), or record again only if no such workflow ` +
          `can still be running.\n${result.error.stack ?? result.error.message}`,
      );
  });
});
