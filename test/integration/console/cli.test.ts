import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSender, csvOf, makeRecipients } from '../../support/campaign-fixtures';
import { createTenant, startTestSystem, Tenant, TestSystem } from '../../support/test-system';

const root = path.join(__dirname, '..', '..', '..');
let system: TestSystem;
let tenant: Tenant;
let work: string;
beforeAll(async () => {
  system = await startTestSystem({ autoDeliver: true });
  tenant = await createTenant(system);
  work = fs.mkdtempSync(path.join(process.env.TEST_WORK_DIR ?? os.tmpdir(), 'cli-'));
});
afterAll(async () => {
  await system?.shutdown();
});

/** cli runs `npm run cli` as a person would (asynchronously: the API answering it lives in this process). */
function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/cli.ts', ...args], {
    cwd: root,
    env: {
      ...process.env,
      PROACTIVE_SMS_API_URL: system.config.publicUrl,
      PROACTIVE_SMS_API_KEY: tenant.api.key!,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('the command line', () => {
  it('imports a list with an upload progress bar, then starts a campaign and follows it to completed', async () => {
    const recipients = makeRecipients(30);
    const file = path.join(work, 'customers.csv');
    fs.writeFileSync(file, csvOf(recipients) + 'Nobody,not-a-phone\n');

    const imported = await cli(['lists', 'import', file, '--phone-field', 'Phone', '--name', 'CLI customers']);
    expect(imported.stderr).toMatch(/uploading \|.*\| 100% .*MB/);
    expect(imported.code).toBe(0);
    const match = /^calling list ([0-9a-f-]{36}) "CLI customers": 30 accepted, 1 rejected$/m.exec(imported.stdout);
    expect(match).not.toBeNull();
    expect(imported.stdout).toMatch(/row 31 Phone: /);

    const sender = await createSender(tenant, 50);
    const created = await tenant.api.post('/v1/campaigns', {
      name: 'CLI run',
      listId: match![1],
      message: 'Hi {FirstName}',
      senderIds: [sender.id],
    });
    const followed = await cli(['campaigns', 'start', created.body.id]);
    expect(followed.code).toBe(0);
    expect(followed.stderr).not.toContain('warning');
    expect(followed.stdout).toContain(`campaign ${created.body.id}: running`);
    expect(followed.stdout).toMatch(new RegExp(`campaign ${created.body.id} completed: 30 recipients, \\d+ delivered`));
    expect(followed.stderr).toMatch(/CLI run \|.*\| 100% 30\/30 completed/);
    expect(system.sentMessages().filter((m) => m.from === sender.address)).toHaveLength(30);

    const listed = await cli(['campaigns', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`${created.body.id}\\s+completed\\s+30/30\\s+CLI run`));
  });

  it('says what is wrong and exits non-zero: a refused key, a missing option, an unknown campaign', async () => {
    const refused = await cli(['campaigns', 'list'], { PROACTIVE_SMS_API_KEY: 'not-a-key' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the API refused the key');

    const missing = await cli(['lists', 'import', path.join(work, 'none.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('lists import needs --phone-field <column>');

    const unknown = await cli(['campaigns', 'follow', '00000000-0000-4000-8000-000000000000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/GET \/campaigns\/0{8}-.* failed \(404\)/);

    const unreachable = await cli(['campaigns', 'list'], { PROACTIVE_SMS_API_URL: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach the API at http://127.0.0.1:9');
  });

  it('takes the key from a file only its owner can read, and warns when it is given on the command line', async () => {
    const keyFile = path.join(work, 'key');
    fs.writeFileSync(keyFile, `${tenant.api.key}\n`, { mode: 0o600 });
    const fromFile = await cli(['campaigns', 'list', '--key-file', keyFile], { PROACTIVE_SMS_API_KEY: '' });
    expect([fromFile.code, fromFile.stderr]).toEqual([0, '']);
    const fromEnvFile = await cli(['campaigns', 'list'], {
      PROACTIVE_SMS_API_KEY: '',
      PROACTIVE_SMS_API_KEY_FILE: keyFile,
    });
    expect([fromEnvFile.code, fromEnvFile.stderr]).toEqual([0, '']);

    fs.chmodSync(keyFile, 0o644);
    const open = await cli(['campaigns', 'list', '--key-file', keyFile]);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain(`run chmod 600 ${keyFile}`);

    const onCommandLine = await cli(['campaigns', 'list', '--key', tenant.api.key!], { PROACTIVE_SMS_API_KEY: '' });
    expect(onCommandLine.code).toBe(0);
    expect(onCommandLine.stderr).toContain('warning: --key shows the key in your shell history');
  });
});
