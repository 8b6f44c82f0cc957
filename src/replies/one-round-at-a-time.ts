// A skill's queue is routed by one pass at a time in a process. Passes running side by side in one process only race
// each other for the same queue head and the same free agents (SKIP LOCKED sends the loser on to try again, and a
// candidate read before another pass filled it is read for nothing), which wastes the database's time exactly when
// the queue is longest. A request made while a pass runs is served by the next round, which starts as soon as the
// running one ends: whoever asks still gets a whole pass that began after it asked, and never waits longer than two.

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

interface Lane<T> {
  waiters: Waiter<T>[];
  running: boolean;
}

/**
 * oneRoundAtATime wraps `pass` so that, per key, one round runs at a time; every call is answered with the outcome of
 * a round that started after the call (requests made during a round share the next one).
 */
export function oneRoundAtATime<T>(pass: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const lanes = new Map<string, Lane<T>>();
  const drive = async (key: string, lane: Lane<T>) => {
    lane.running = true;
    while (lane.waiters.length > 0) {
      const served = lane.waiters.splice(0);
      try {
        const outcome = await pass(key);
        for (const waiter of served) waiter.resolve(outcome);
      } catch (error) {
        for (const waiter of served) waiter.reject(error);
      }
    }
    lane.running = false;
    lanes.delete(key);
  };
  return (key) =>
    new Promise<T>((resolve, reject) => {
      const lane = lanes.get(key) ?? { waiters: [], running: false };
      lanes.set(key, lane);
      lane.waiters.push({ resolve, reject });
      if (!lane.running) void drive(key, lane);
    });
}
