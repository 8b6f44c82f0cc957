import childProcesses, { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ProactiveSmsClient } from '../../src/api-client';
import { BACKGROUND_NICE } from '../../scripts/lib/child-process';
import { freePort } from '../../scripts/lib/free-port';
import { startLocalStack } from '../../scripts/lib/local-stack';
import { eventually } from '../support/test-system';

const root = path.join(__dirname, '..', '..');
const linux = process.platform === 'linux' ? describe : describe.skip;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** descendants lists every process below pid, with its command line and nice value, read from /proc. */
function descendants(pid: number): { pid: number; command: string; nice: number }[] {
  const all = fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const command = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return [{ pid: Number(entry), ppid: Number(fields[1]), nice: Number(fields[16]), command }];
      } catch {
        return []; // gone meanwhile
      }
    });
  const below = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all)
      if (below.has(p.ppid) && !below.has(p.pid)) {
        below.add(p.pid);
        grew = true;
      }
  }
  return all.filter((p) => p.pid !== pid && below.has(p.pid));
}

linux('the local stack', () => {
  it('stops every process it started, and removes its data, when one of them fails to start', async () => {
    const spawned = jest.spyOn(childProcesses, 'spawn');
    // The API's port is taken, so the API exits while PostgreSQL, the simulator and the worker are starting.
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const work = fs.mkdtempSync(path.join(process.env.TEST_WORK_DIR ?? os.tmpdir(), 'stack-'));
    fs.chmodSync(work, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach its folder
    try {
      const failure = await startLocalStack({
        label: 'failing',
        tempParent: work,
        env: {
          ...process.env,
          PORT: String((taken.address() as net.AddressInfo).port),
          SIM_PORT: String(await freePort()),
          TEMPORAL_TASK_QUEUE: `stack-${randomUUID()}`,
        },
        postgres: { durable: false },
        temporal: 'environment',
        ports: 'configured',
        simulator: {},
        apis: { count: 1 },
        workers: { count: 1 },
      }).catch((error: unknown) => error);

      expect(String(failure)).toMatch(/api exited with code 1/);
      const children = spawned.mock.results.map((result) => result.value as ChildProcess);
      const commands = children.map((child) => child.spawnargs.join(' '));
      for (const part of ['bin/postgres', 'src/simulator/main.ts', 'src/api/main.ts', 'src/worker/main.ts'])
        expect(commands.filter((command) => command.includes(part))).toHaveLength(1);
      expect(children.filter((child) => alive(child.pid!)).map((child) => child.spawnargs.join(' '))).toEqual([]);
      expect(fs.readdirSync(work)).toEqual([]);
    } finally {
      spawned.mockRestore();
      taken.close();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

linux('npm start', () => {
  let start: ChildProcess | null = null;
  afterAll(() => {
    // Whatever the test saw, nothing it started may outlive it.
    if (start?.pid && start.exitCode === null) process.kill(-start.pid, 'SIGKILL');
  });

  it('prints where the API is and the admin token, serves it, and SIGINT stops every process it started', async () => {
    const adminToken = `start-test-${randomUUID()}`;
    // On the servers `npm test` runs (DATABASE_URL, TEMPORAL_ADDRESS), so no other PostgreSQL or Temporal is disturbed.
    const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts'], {
      cwd: root,
      // Its own process group, so that whatever happens the test can kill all of it.
      detached: true,
      env: {
        ...process.env,
        PORT: String(await freePort()),
        SIM_PORT: String(await freePort()),
        ADMIN_TOKEN: adminToken,
        TEMPORAL_TASK_QUEUE: `start-${randomUUID()}`,
        LOG_LEVEL: 'warn',
      },
    });
    start = child;
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

    // The banner waits until every part answers (the worker bundles its workflows first), and comes last.
    const apiUrl = await eventually(
      'the banner of npm start',
      async () => (output.includes('Press Ctrl-C') ? /API\s+(http:\S+)\s/.exec(output)?.[1] : undefined),
      180_000,
    );
    const lines = output.trimEnd().split('\n');
    expect(lines.slice(-3)).toEqual([
      `  Console        ${apiUrl}/console/`,
      `  Admin token    ${adminToken}`,
      'Press Ctrl-C to stop everything.',
    ]);
    // What the processes printed while starting (the worker's bundling among it) is above the banner, not below.
    expect(output.lastIndexOf('[worker]')).toBeLessThan(output.indexOf('[start] Proactive SMS is running'));
    await eventually(`${apiUrl}/healthz to answer 200`, async () =>
      (await fetch(`${apiUrl}/healthz`).catch(() => null))?.status === 200 ? true : undefined,
    );
    const unit = await new ProactiveSmsClient(apiUrl, adminToken).createBusinessUnit({ name: 'npm start' });
    expect(unit.apiKey).toEqual(expect.any(String));

    const processes = descendants(child.pid!);
    const worker = processes.find((p) => p.command.includes('src/worker/main.ts'));
    const api = processes.find((p) => p.command.includes('src/api/main.ts'));
    expect(processes.find((p) => p.command.includes('src/simulator/main.ts'))).toBeDefined();
    expect(worker!.nice).toBe(Math.min(19, os.getPriority() + BACKGROUND_NICE));
    expect(api!.nice).toBe(os.getPriority());

    // To the launcher alone (Ctrl-C would reach every process of the group): it must stop the others itself.
    const launcher = processes.find((p) => p.command.includes('scripts/start.ts'));
    process.kill(launcher!.pid, 'SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('[start] stopping...');
    // The loader's esbuild service ends when its pipe closes, a moment after the launcher.
    await eventually('every process npm start started to end', async () =>
      processes.some((p) => alive(p.pid)) ? undefined : true,
    ).catch(() => undefined);
    expect(processes.filter((p) => alive(p.pid)).map((p) => p.command)).toEqual([]);
  });
});
