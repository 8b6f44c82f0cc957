// The faults of the chaos run: which ones, at what point of the campaign (seeded, so a run can be repeated), and how
// each is done to a running BenchSystem. Every fault ends with the system whole again; the campaign must not notice.
import type { BenchSystem } from './bench-system';
import { log } from './bench-system';

/** FaultKind is one thing that goes wrong in production: a crashed worker, a restarted Temporal or PostgreSQL. */
export type FaultKind = 'worker SIGKILL' | 'Temporal restart' | 'PostgreSQL restart';

/** FAULT_KINDS are every kind the chaos run injects, each the same number of times. */
export const FAULT_KINDS: readonly FaultKind[] = ['worker SIGKILL', 'Temporal restart', 'PostgreSQL restart'];

/** PlannedFault is a fault and the share of the campaign's sends (0..1) after which it strikes. */
export interface PlannedFault {
  kind: FaultKind;
  atShare: number;
}

/** InjectedFault is what happened: when, how far the campaign was, and how long the system was impaired. */
export interface InjectedFault extends PlannedFault {
  atSeconds: number;
  acceptedBefore: number;
  outageSeconds: number;
}

/** seededRandom is mulberry32: a small, good-enough PRNG, so the same --seed gives the same faults at the same points. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** planFaults spreads `each` faults of every kind over the middle of the campaign (5% to 90% of its sends), in order. */
export function planFaults(random: () => number, each: number): PlannedFault[] {
  const kinds = FAULT_KINDS.flatMap((kind) => Array.from({ length: each }, () => kind));
  return kinds.map((kind) => ({ kind, atShare: 0.05 + 0.85 * random() })).sort((a, b) => a.atShare - b.atShare);
}

/** injectFault does one fault and returns once the system is whole again; a killed worker is replaced after a pause. */
export async function injectFault(system: BenchSystem, kind: FaultKind, random: () => number): Promise<void> {
  switch (kind) {
    case 'worker SIGKILL': {
      const victim = system.workers[Math.floor(random() * system.workers.length)];
      await system.killWorker(victim);
      // Nobody runs the campaign for a moment: its activities time out and are retried by the next worker.
      await new Promise((r) => setTimeout(r, 500 + random() * 2500));
      const replacement = await system.startWorker();
      log(
        `  ${victim.name} (pid ${victim.child.pid}) killed; ${replacement.name} (pid ${replacement.child.pid}) started`,
      );
      return;
    }
    case 'Temporal restart':
      await system.servers.temporal.restart();
      return;
    case 'PostgreSQL restart':
      await system.servers.postgres.restart();
      return;
  }
}
