// The README's walk-throughs, run exactly as written: every ```sh block after a `<!-- walk-through` marker, in order,
// in one shell (as a reader types them into one terminal), against a running system.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ADMIN_TOKEN, eventually, startTestSystem, TestSystem } from '../support/test-system';

const root = path.join(__dirname, '..', '..');

/** walkThroughBlocks are the README's shell blocks marked as walk-throughs, in the order they appear. */
function walkThroughBlocks(readme: string): string[] {
  return [...readme.matchAll(/<!-- walk-through[^>]*-->\n+```sh\n([\s\S]*?)\n```/g)].map((match) => match[1]);
}

function runShell(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: root, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({ autoDeliver: true });
});
afterAll(async () => {
  await system?.shutdown();
});

describe("the README's walk-throughs", () => {
  it('run as written: a first campaign to completed, then a reply that reaches an agent and is answered', async () => {
    const blocks = walkThroughBlocks(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
    expect(blocks).toHaveLength(2);
    const { code, output } = await runShell(blocks.join('\n'), {
      ...process.env,
      ADMIN_TOKEN,
      API: system.config.publicUrl,
      SIM: system.config.twilioApiUrl,
    });
    if (code !== 0) throw new Error(`the walk-through stopped (exit ${code}):\n${output}`);
    expect(output).toContain('"status": "completed"');
    expect(output).toMatch(/"accepted": 1,\s*"delivered": 1/);
    expect(output).toContain('Saturday at 10:00 it is.');
    expect(output).toMatch(/"contactName": "Ada",\s*"campaignName": "Reminder"/);
    expect(output).toContain('"campaignMessage": "Hi Ada, see you Friday at 10:00. Reply to change it."');
    // The agent's answer is on its way (202): the carrier gets it shortly after.
    const texts = await eventually('the agent’s answer at the carrier', async () => {
      const sent = system.sentMessages().filter((m) => m.to === '+12125550143');
      return sent.length >= 3 ? sent : undefined;
    });
    expect(texts.map((m) => m.body)).toEqual([
      'Hi Ada',
      'Hi Ada, see you Friday at 10:00. Reply to change it.',
      'Saturday at 10:00 it is.',
    ]);
  }, 600_000);
});
