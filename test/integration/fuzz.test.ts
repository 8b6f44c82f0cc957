import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeRun, runSchemathesis, SchemathesisRun } from '../support/schemathesis';
import { createTenant, startTestSystem, Tenant, TestSystem } from '../support/test-system';

// schemathesis (PyPI, written by nobody here) reads GET /openapi.json and throws generated, boundary and hostile
// requests at every operation with a real key, then chains them statefully along the document's links.

const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'negative_data_rejection',
  'ignored_auth',
  'use_after_free',
  'ensure_resource_availability',
  'unsupported_method',
  'allow_header_conformance',
];
const PHASES = ['examples', 'coverage', 'fuzzing', 'stateful'];

// The run bounds its own work, so a slow machine shortens it instead of failing the whole suite on Jest's timeout.
// Examples: the coverage phase's boundary cases are a fixed set (about 1,100); the fuzzing phase generates at most
// MAX_EXAMPLES cases per operation, the stateful phase at most MAX_EXAMPLES runs along the document's links. About
// 35 s on an idle machine. Time: a wall-clock budget, after which the child is stopped and what ran is judged;
// FUZZ_BUDGET_SECONDS changes it (to watch the budget at work, or to give a slow machine more).
const MAX_EXAMPLES = 60;
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_SECONDS ?? 90) * 1000;
// A stopped schemathesis finishes the case in flight and writes its reports; past this it is killed.
const GRACE_MS = 15_000;
// Tenant set-up before the run and the stored-resource check after it take seconds; Jest's timeout is only a backstop.
const TEST_TIMEOUT_MS = BUDGET_MS + GRACE_MS + 60_000;

function fuzzApi(system: TestSystem, tenant: Tenant, workDir: string): Promise<SchemathesisRun> {
  const args = [
    'run',
    `${system.config.publicUrl}/openapi.json`,
    '--checks',
    CHECKS.join(','),
    '--header',
    `Authorization: Bearer ${tenant.api.key}`,
    '--phases',
    PHASES.join(','),
    '--max-examples',
    String(MAX_EXAMPLES),
    '--seed',
    '20261124',
    // One worker: hypothesis describes strategies with ast.parse, which CPython 3.11 cannot run in two threads at once.
    '--workers',
    '1',
    '--request-timeout',
    '10',
    '--generation-database',
    'none',
    '--no-color',
  ];
  const env = {
    ...process.env,
    PYTHONPATH: path.join(__dirname, '..', 'fuzz'),
    SCHEMATHESIS_HOOKS: 'schemathesis_hooks',
    FUZZ_PUBLIC_URL: system.config.publicUrl,
    FUZZ_TWILIO_AUTH_TOKEN: system.config.twilioAuthToken,
  };
  return runSchemathesis({ args, cwd: workDir, env, budgetMs: BUDGET_MS, graceMs: GRACE_MS });
}

describe('the API under schemathesis', () => {
  let system: TestSystem;
  let workDir: string;
  beforeAll(async () => {
    system = await startTestSystem();
    workDir = fs.mkdtempSync(path.join(process.env.TEST_WORK_DIR ?? os.tmpdir(), 'fuzz-'));
  });
  afterAll(async () => {
    await system?.shutdown();
  });

  it(
    'answers every generated request without a 5xx and as the document says, and stores nothing it refused',
    async () => {
      const tenant = await createTenant(system);
      const run = await fuzzApi(system, tenant, workDir);
      // A finished run must exit 0; a stopped one is judged by the events of what ran (its exit code says "stopped").
      if (run.problems.length > 0 || (!run.cutShort && run.exitCode !== 0)) {
        throw new Error(
          `schemathesis found problems (exit ${run.exitCode}): ${describeRun(run, BUDGET_MS)}\n` +
            `${run.problems.join('\n')}\n${run.output.slice(-20_000)}`,
        );
      }
      console.log(describeRun(run, BUDGET_MS));

      // A finished run that sent few requests did not reach the API as it should (a wrong key, a broken document).
      if (!run.cutShort) expect(run.interactions.length).toBeGreaterThan(500);
      expect(run.interactions.filter((i) => i.body.includes(system.config.twilioAuthToken))).toEqual([]);
      // Each resource the business unit has was created by exactly one 201 (the default DNC group came with the
      // unit): a refused request left nothing behind. A stopped run may have had one request in flight, unrecorded.
      const before: Record<string, number> = { 'dnc-groups': 1 };
      let inFlight = run.cutShort ? 1 : 0;
      for (const resource of ['senders', 'dnc-groups', 'calling-lists', 'templates', 'skills', 'campaigns']) {
        const created =
          (before[resource] ?? 0) +
          run.interactions.filter(
            (i) => i.method === 'POST' && new URL(i.url).pathname === `/v1/${resource}` && i.status === 201,
          ).length;
        const stored = ((await tenant.api.get(`/v1/${resource}`)).body as unknown[]).length;
        if (stored === created + 1 && inFlight > 0) {
          inFlight -= 1; // created by the request that was in flight when the run was stopped
          continue;
        }
        expect([resource, stored]).toEqual([resource, created]);
      }
    },
    TEST_TIMEOUT_MS,
  );
});
