// CPU time spent by a benchmark's own process tree (PostgreSQL, Temporal, workers, APIs, simulator), read from
// /proc. On a machine shared with other work a rate says how much CPU the run got; the CPU-seconds a run used say
// what the work costs, whatever else ran beside it.
import { readdirSync, readFileSync } from 'node:fs';

/** CpuSeconds is CPU time (user + system) by part of the product. */
export type CpuSeconds = Record<string, number>;

const CLOCK_TICKS_PER_SECOND = 100;

// Which part of the product a process is, by its command line.
function partOf(commandLine: string): string {
  if (/postgres/.test(commandLine)) return 'postgres';
  if (/temporal/.test(commandLine)) return 'temporal';
  if (/src\/worker\//.test(commandLine)) return 'worker';
  if (/src\/api\//.test(commandLine)) return 'api';
  if (/simulator/.test(commandLine)) return 'simulator';
  return 'benchmark';
}

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime in clock ticks: children it has reaped count too (PostgreSQL's backends). */
  ticks: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after its last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return { pid, ppid: Number(fields[1]), ticks };
  } catch {
    return null; // gone since the listing
  }
}

/** cpuSecondsOfTree sums the CPU time of this process and every descendant, by part (Linux only; {} elsewhere). */
export function cpuSecondsOfTree(root: number = process.pid): CpuSeconds {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return {};
  }
  const stats = pids.map(readStat).filter((s): s is ProcStat => s !== null);
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) {
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  const totals: CpuSeconds = {};
  const visit = (stat: ProcStat) => {
    let commandLine = '';
    try {
      commandLine = readFileSync(`/proc/${stat.pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      // gone: counted as the benchmark's
    }
    const part = partOf(commandLine);
    totals[part] = (totals[part] ?? 0) + stat.ticks / CLOCK_TICKS_PER_SECOND;
    for (const child of children.get(stat.pid) ?? []) visit(child);
  };
  const self = stats.find((s) => s.pid === root);
  if (self) visit(self);
  return totals;
}

/** cpuSpent is what each part used between two readings, with the total. */
export function cpuSpent(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  const spent: CpuSeconds = {};
  for (const part of Object.keys(after)) spent[part] = after[part] - (before[part] ?? 0);
  spent.total = Object.values(spent).reduce((a, b) => a + b, 0);
  return spent;
}

/** describeCpu prints CPU-seconds by part, largest first. */
export function describeCpu(spent: CpuSeconds): string {
  const parts = Object.entries(spent)
    .filter(([part]) => part !== 'total')
    .sort((a, b) => b[1] - a[1])
    .map(([part, seconds]) => `${part} ${seconds.toFixed(2)}`);
  return `${(spent.total ?? 0).toFixed(2)} CPU-s (${parts.join(', ')})`;
}
