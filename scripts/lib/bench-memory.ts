// Resident memory of a benchmark's child process, read from /proc (Linux), to show whether it stays flat.
import fs from 'node:fs';

/** MemorySampler reads a process's resident memory from /proc every interval and keeps min, max and last (Linux). */
export class MemorySampler {
  readonly samplesMb: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    intervalMs = 1000,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.sample();
  }

  private sample() {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      if (match) this.samplesMb.push(Number(match[1]) / 1024);
    } catch {
      // The process is gone or there is no /proc: the summary reports what was seen.
    }
  }

  /** lastMb is the most recent sample (0 before the first). */
  get lastMb(): number {
    return this.samplesMb[this.samplesMb.length - 1] ?? 0;
  }

  /** stop ends sampling and summarises it; throws when nothing could be read, rather than report a made-up figure. */
  stop(): { minMb: number; maxMb: number; lastMb: number; samples: number } {
    clearInterval(this.timer);
    if (this.samplesMb.length === 0)
      throw new Error(`could not read /proc/${this.pid}/status: memory is measured on Linux only`);
    return {
      minMb: Math.min(...this.samplesMb),
      maxMb: Math.max(...this.samplesMb),
      lastMb: this.lastMb,
      samples: this.samplesMb.length,
    };
  }
}
