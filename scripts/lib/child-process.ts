import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';

/** ManagedProcess is a child this script started and must stop. */
export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * BACKGROUND_NICE is how far below the launcher's CPU priority the background processing (workers, the Temporal dev
 * server) runs when the whole system shares one machine: below the API and PostgreSQL, so a reply storm's handling
 * waits for the CPU rather than the carrier's webhooks. It changes nothing while the CPU has room. (bench:inbound on
 * 2 cores, webhook p99 at 500 replies/s: 45-150 ms at equal priority, under 20 ms with the background at this nice.)
 */
export const BACKGROUND_NICE = 10;

// Every child still running, so that a launcher that exits without stopping them (an uncaught error, process.exit in
// a signal handler racing a start) does not leave servers behind: they are killed as it exits.
const running = new Set<ManagedProcess>();
let killOnExitInstalled = false;

function killOnExit(): void {
  if (killOnExitInstalled) return;
  killOnExitInstalled = true;
  process.on('exit', () => {
    for (const proc of running) proc.child.kill('SIGKILL');
  });
}

/** runningProcesses is every child started here that has not exited yet. */
export function runningProcesses(): ManagedProcess[] {
  return [...running];
}

/** exitedWith says how a child ended ("exited with code 1", "was killed by SIGKILL"), or null while it runs. */
export function exitedWith(proc: ManagedProcess | null): string | null {
  if (!proc) return null;
  const { exitCode, signalCode } = proc.child;
  if (exitCode !== null) return `${proc.name} exited with code ${exitCode}`;
  if (signalCode !== null) return `${proc.name} was killed by ${signalCode}`;
  return null;
}

/** ProcessOptions are spawn's options, whether the child's output is shown, and whether it runs in the background. */
export type ProcessOptions = SpawnOptions & { showOutput?: boolean; background?: boolean };

/** startProcess spawns a long-running child, prefixing its output with its name when asked to show it. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: ProcessOptions = {},
): ManagedProcess {
  // nice(1) execs the command in the same process, so signals (SIGTERM, SIGKILL in the fault tests) still reach it;
  // setpriority() on the pid after spawn would miss the threads the child started meanwhile.
  const [file, argv] =
    options.background && process.platform !== 'win32'
      ? ['nice', ['-n', String(BACKGROUND_NICE), command, ...args]]
      : [command, args];
  const child = spawn(file, argv, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => `[${name}] ${line}\n`)
      .join('');
  const recent: string[] = [];
  const keep = (chunk: Buffer) => {
    recent.push(chunk.toString());
    if (recent.length > 50) recent.shift();
  };
  child.stdout?.on('data', (chunk: Buffer) => (options.showOutput ? process.stdout.write(prefix(chunk)) : keep(chunk)));
  child.stderr?.on('data', (chunk: Buffer) => (options.showOutput ? process.stderr.write(prefix(chunk)) : keep(chunk)));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(proc);
      if (code !== 0 && signal === null && !options.showOutput && recent.length) {
        process.stderr.write(`[${name}] exited with ${code}; last output:\n${recent.join('')}\n`);
      }
      resolve(code);
    });
    child.once('error', (error) => {
      running.delete(proc);
      process.stderr.write(`[${name}] could not start ${command}: ${error.message}\n`);
      resolve(null);
    });
  });
  const proc: ManagedProcess = { name, child, exited };
  running.add(proc);
  killOnExit();
  return proc;
}

/** stopProcess sends a signal and waits for the exit, escalating to SIGKILL after the grace period. */
export async function stopProcess(
  proc: ManagedProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 15_000,
): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

/**
 * startTsProcess runs a TypeScript entry point in ONE node process (tsx as a loader, not as a wrapper), so a signal
 * sent to the child (SIGTERM, or SIGKILL in the fault tests) reaches the program itself.
 */
export function startTsProcess(name: string, entry: string, options: ProcessOptions = {}): ManagedProcess {
  return startProcess(name, process.execPath, ['--import', 'tsx', entry], options);
}
