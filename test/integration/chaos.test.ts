import { spawn } from 'node:child_process';
import path from 'node:path';

// The small chaos run: the same script as `npm run chaos`, with one fault of each kind and a slow sender, so the
// campaign lasts long enough for all three to strike mid-campaign.

function runChaos(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const root = path.join(__dirname, '../..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/chaos.ts', ...args], { cwd: root });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('the chaos run', () => {
  it('a worker SIGKILL, a Temporal restart and a PostgreSQL restart, with 10% carrier 503s: each recipient once', async () => {
    const { code, output } = await runChaos([
      '--recipients',
      '300',
      '--each',
      '1',
      '--senders',
      '1',
      '--mps',
      '10',
      '--seed',
      '7',
    ]);
    if (code !== 0) throw new Error(`npm run chaos failed (exit ${code}):\n${output}`);
    for (const fault of ['worker SIGKILL', 'Temporal restart', 'PostgreSQL restart']) {
      expect(output).toMatch(new RegExp(`\\d\\. ${fault} +at `));
    }
    expect(output).toMatch(/accepted sends at the simulator: +300\n/);
    expect(output).toMatch(/duplicates \(recipients messaged twice\): 0\n/);
  }, 600_000);
});
