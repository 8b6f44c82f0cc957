import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { schemathesisBinary } from '../support/schemathesis';
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

interface HarEntry {
  request: { method: string; url: string };
  response: { status: number; content: { text?: string } };
}

function runSchemathesis(
  system: TestSystem,
  tenant: Tenant,
  workDir: string,
): Promise<{ code: number | null; output: string }> {
  const args = [
    'run',
    `${system.config.publicUrl}/openapi.json`,
    '--checks',
    CHECKS.join(','),
    '--header',
    `Authorization: Bearer ${tenant.api.key}`,
    '--phases',
    'examples,coverage,fuzzing,stateful',
    '--max-examples',
    '120',
    '--seed',
    '20261124',
    // One worker: hypothesis describes strategies with ast.parse, which CPython 3.11 cannot run in two threads at once.
    '--workers',
    '1',
    '--request-timeout',
    '10',
    '--generation-database',
    'none',
    '--report',
    'har',
    '--report-har-path',
    path.join(workDir, 'fuzz.har'),
    '--no-color',
  ];
  const env = {
    ...process.env,
    PYTHONPATH: path.join(__dirname, '..', 'fuzz'),
    SCHEMATHESIS_HOOKS: 'schemathesis_hooks',
    FUZZ_PUBLIC_URL: system.config.publicUrl,
    FUZZ_TWILIO_AUTH_TOKEN: system.config.twilioAuthToken,
  };
  return new Promise((resolve) => {
    const child = spawn(schemathesisBinary(), args, { cwd: workDir, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
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

  it('answers every generated request without a 5xx and as the document says, and stores nothing it refused', async () => {
    const tenant = await createTenant(system);
    const { code, output } = await runSchemathesis(system, tenant, workDir);
    if (code !== 0) throw new Error(`schemathesis found problems (exit ${code}):\n${output.slice(-20_000)}`);
    console.log(`schemathesis: ${/Test cases:\s*\n\s*(.*)/.exec(output)?.[1] ?? 'no summary'}`);

    const entries = (
      JSON.parse(fs.readFileSync(path.join(workDir, 'fuzz.har'), 'utf8')) as { log: { entries: HarEntry[] } }
    ).log.entries;
    expect(entries.length).toBeGreaterThan(500);
    expect(entries.filter((e) => e.response.content.text?.includes(system.config.twilioAuthToken))).toEqual([]);
    // Each resource the business unit has was created by exactly one 201 (the default DNC group came with the unit):
    // a refused request left nothing behind.
    const before: Record<string, number> = { 'dnc-groups': 1 };
    for (const resource of ['senders', 'dnc-groups', 'calling-lists', 'templates', 'skills', 'campaigns']) {
      const created =
        (before[resource] ?? 0) +
        entries.filter(
          (e) =>
            e.request.method === 'POST' &&
            new URL(e.request.url).pathname === `/v1/${resource}` &&
            e.response.status === 201,
        ).length;
      const stored = (await tenant.api.get(`/v1/${resource}`)).body as unknown[];
      expect([resource, stored.length]).toEqual([resource, created]);
    }
  });
});
