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
  it('a worker SIGKILL, Temporal and PostgreSQL restarts, 503s, dropped and late answers, the key ignored: each recipient once', async () => {
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
    // Sends the carrier took without the engine hearing so: exactly once rests on looking them up, not on the key.
    expect(output).toMatch(/accepted, then the connection dropped: [1-9]/);
    expect(output).toMatch(/accepted, answered after the client's timeout: [1-9]/);
    expect(output).toMatch(/accepted sends at the simulator: +300\n/);
    expect(output).toMatch(/duplicates \(recipients messaged twice\): 0\n/);
  }, 600_000);
});
