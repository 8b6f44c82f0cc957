import { log } from './log';

/** PeriodicPass is a running timer; stop() ends it and waits for the pass in progress. */
export interface PeriodicPass {
  stop(): Promise<void>;
}

/**
 * startPeriodicPass runs `pass` every intervalMs until stopped. A pass slower than the interval is not stacked
 * behind: the next tick after it ends runs the next one. A failed pass is logged as `what` failed and the next runs.
 * The timer does not keep the process alive. `pass` is told when stop() was called, to end early.
 */
export function startPeriodicPass(
  what: string,
  intervalMs: number,
  pass: (stopping: () => boolean) => Promise<unknown>,
): PeriodicPass {
  let running: Promise<void> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = pass(() => stopped)
      .then(() => undefined)
      .catch((error: unknown) => log.error({ err: error }, `${what} failed`))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
