import { randomUUID } from 'node:crypto';
import { announceOptOutFence, listenForFenceAcks } from '../db/consent-notices';
import { groupCommit } from '../db/group-commit';
import type { Db } from '../db/schema';
import { log } from '../log';
import { optOutFenceAcks, optOutFenceUnacked } from './opt-out-fence-metrics';

// The inbound webhook's side of the last look (src/dnc/last-look.ts): a stored opt-out is answered 200 only once every
// sending worker has heard it and every message to that contact it had under way has reached the carrier. From then
// on none goes.

/** DEFAULT_FENCE_BOUND_MS is how long an opt-out's webhook waits for the workers' acks at most. */
export const DEFAULT_FENCE_BOUND_MS = 1000;

const FENCE_GATHER_MS = 2;

/** OptOutFence holds an opt-out's answer until the sending workers have made it hold. */
export interface OptOutFence {
  /**
   * hold resolves once every listening worker acked a fence raised after the caller's opt-out committed, or at the
   * bound, with the workers (their listening connections' backends) that had not acked by then.
   */
  hold(): Promise<{ unacked: number[] }>;
  /**
   * raiseWithin raises a fence in the caller's own transaction, the one that stores the opt-outs it covers (after
   * them: PostgreSQL delivers a transaction's notifications in the order sent): `store` announces it with the id given
   * and says which listeners its statement counted. It saves an opt-out's answer the fence's own statement and queue.
   * While the workers' acks cannot be heard, `store` is given no id and the fence follows the store on its own (as
   * `hold` raises it), so the store does not wait for the listener.
   */
  raiseWithin<T>(
    store: (fenceId: string | null) => Promise<{ result: T; workers: number[] }>,
  ): Promise<{ result: T; acked: Promise<{ unacked: number[] }> }>;
  stop(): Promise<void>;
}

/** OptOutFenceOptions tune the fence (tests shorten the bound). */
export interface OptOutFenceOptions {
  /**
   * The longest an opt-out's answer waits for a worker's ack. A worker that does not ack in time (its process hung or
   * died, its connection lost) no longer holds the webhook: the carrier is answered anyway, and that worker's sends
   * rely on its last look alone, which a STOP heard late, or a request it had under way, can slip past.
   */
  boundMs?: number;
}

interface Raised {
  /** Settles when every worker counted acked the fence, or at the bound (with those that had not). */
  acked: Promise<{ unacked: number[] }>;
}

/**
 * startOptOutFence listens for the workers' acks and raises fences: opt-outs that committed while one was being
 * raised share the next (one statement for all of them), each fence announced after the opt-outs it covers.
 */
export function startOptOutFence(db: Db, options: OptOutFenceOptions = {}): OptOutFence {
  const boundMs = options.boundMs ?? DEFAULT_FENCE_BOUND_MS;
  // Every API replica hears every ack: a fence's id is its process's own.
  const tag = randomUUID().slice(0, 8);
  let raisedCount = 0;
  const waiting = new Map<string, { workers: Set<number>; announcedAt: number; done: () => void }>();
  // Fences whose statement is running, with the acks heard for them before it returned (a worker may be quicker than
  // this process's event loop).
  const announcing = new Map<string, Set<number>>();
  // Acks can be heard (a fence raised before would wait for its bound).
  let listening = false;
  let onListening: (() => void)[] = [];
  const untilListening = (ms: number) =>
    listening
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          onListening.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });

  const acks = listenForFenceAcks(db, {
    acked(worker, fenceIds) {
      for (const id of fenceIds) {
        const fence = waiting.get(id);
        if (fence?.workers.delete(worker)) {
          optOutFenceAcks.observe((performance.now() - fence.announcedAt) / 1000);
          if (fence.workers.size === 0) fence.done();
        } else announcing.get(id)?.add(worker);
      }
    },
    listening: () => {
      listening = true;
      for (const resolve of onListening) resolve();
      onListening = [];
    },
    lost: () => {
      listening = false;
      log.warn('opt-out fence acks lost: opt-outs wait for the listener to return, at most the bound');
    },
  });

  // A fence id whose acks are kept from now on.
  function open(): string {
    const id = `${tag}.${raisedCount}`;
    raisedCount += 1;
    announcing.set(id, new Set());
    return id;
  }

  // The fence's statement counted these listeners: its answer waits for the ones that had not acked yet.
  function announced(id: string, counted: number[]): Promise<{ unacked: number[] }> {
    const workers = new Set(counted);
    const announcedAt = performance.now();
    for (const worker of announcing.get(id) ?? []) {
      if (workers.delete(worker)) optOutFenceAcks.observe(0);
    }
    announcing.delete(id);
    return new Promise<{ unacked: number[] }>((resolve) => {
      // Acks that cannot be heard are not waited for twice: the bound was spent waiting for the listener.
      if (workers.size === 0 || !listening) return resolve({ unacked: [...workers] });
      const timer = setTimeout(() => {
        waiting.delete(id);
        optOutFenceUnacked.inc(workers.size);
        log.warn({ fence: id, workers: [...workers] }, 'opt-out answered without every worker: ack bound reached');
        resolve({ unacked: [...workers] });
      }, boundMs);
      waiting.set(id, {
        workers,
        announcedAt,
        done: () => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve({ unacked: [...workers] });
        },
      });
    });
  }

  // Raises a fence whose statement `store` runs, and waits for the acks of the listeners it counted.
  async function raiseAnnounced<T>(store: (fenceId: string) => Promise<{ result: T; workers: number[] }>) {
    const id = open();
    let stored: { result: T; workers: number[] };
    try {
      stored = await store(id);
    } catch (error) {
      announcing.delete(id);
      throw error;
    }
    return { result: stored.result, acked: announced(id, stored.workers) };
  }

  async function raise(count: number): Promise<Raised[]> {
    await untilListening(boundMs);
    const { acked } = await raiseAnnounced(async (id) => ({
      result: null,
      workers: await announceOptOutFence(db, id),
    }));
    return Array.from({ length: count }, () => ({ acked }));
  }

  // Under a storm, a fence every couple of ms at most: each costs every worker an ack.
  const raiseShared = groupCommit((holders: null[]) => raise(holders.length), {
    maxBatch: 10_000,
    isItemError: () => false,
    gatherMs: FENCE_GATHER_MS,
  });

  async function raiseWithin<T>(store: (fenceId: string | null) => Promise<{ result: T; workers: number[] }>) {
    if (listening) return raiseAnnounced(store);
    const { result } = await store(null);
    return { result, acked: raiseShared(null).then((raised) => raised.acked) };
  }

  return {
    async hold() {
      return (await raiseShared(null)).acked;
    },
    raiseWithin,
    async stop() {
      for (const fence of [...waiting.values()]) fence.done();
      await acks.close();
    },
  };
}
