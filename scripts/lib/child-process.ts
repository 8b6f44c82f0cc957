import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';

/** ManagedProcess is a child this script started and must stop. */
export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** startProcess spawns a long-running child, prefixing its output with its name when asked to show it. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions & { showOutput?: boolean } = {},
): ManagedProcess {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
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
      if (code !== 0 && signal === null && !options.showOutput && recent.length) {
        process.stderr.write(`[${name}] exited with ${code}; last output:\n${recent.join('')}\n`);
      }
      resolve(code);
    });
    child.once('error', (error) => {
      process.stderr.write(`[${name}] could not start ${command}: ${error.message}\n`);
      resolve(null);
    });
  });
  return { name, child, exited };
}

/** stopProcess sends a signal and waits for the exit, escalating to SIGKILL after the grace period. */
export async function stopProcess(proc: ManagedProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
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
export function startTsProcess(
  name: string,
  entry: string,
  options: SpawnOptions & { showOutput?: boolean } = {},
): ManagedProcess {
  return startProcess(name, process.execPath, ['--import', 'tsx', entry], options);
}
