// How a local stack ends: everything it started is stopped, in layers (the workers before the API they report to, both
// before the servers under them), whatever happens: a normal stop, a failed start, Ctrl-C or SIGTERM.

/** StackLayer is a group of parts stopped together; LAYERS_IN_STOP_ORDER says which group goes first. */
export type StackLayer = 'workers' | 'apis' | 'simulator' | 'driver' | 'cluster' | 'servers' | 'files';

const LAYERS_IN_STOP_ORDER: StackLayer[] = ['workers', 'apis', 'simulator', 'driver', 'cluster', 'servers', 'files'];

/** SignalHandling says what a launcher does on SIGINT or SIGTERM: stop the stack, then exit with exitCode. */
export interface SignalHandling {
  exitCode: number;
  /** Told which signal came, before the stack stops (a launcher prints that it is stopping). */
  onSignal?(signal: NodeJS.Signals): void;
}

/** StackLifetime records how to stop each part as it starts, and stops them all once. */
export class StackLifetime {
  private readonly parts = new Map<StackLayer, (() => Promise<unknown>)[]>();
  private stopping: Promise<void> | null = null;
  private readonly onSignal: ((signal: NodeJS.Signals) => void) | null = null;

  constructor(signals?: SignalHandling) {
    if (!signals) return;
    let signalled = false;
    // A signal often comes twice (Ctrl-C reaches the tsx wrapper, which passes it on, and this process): the second
    // must not end the stopping half-way, which would leave servers running.
    this.onSignal = (signal) => {
      if (signalled) return;
      signalled = true;
      signals.onSignal?.(signal);
      void this.stop().finally(() => process.exit(signals.exitCode));
    };
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** stopped is true once stop has begun: a start still under way must not add to a stack that is going away. */
  get stopped(): boolean {
    return this.stopping !== null;
  }

  /** add records how to stop a part that is starting; after stop began, it stops the part at once and throws. */
  add(layer: StackLayer, stop: () => Promise<unknown>): void {
    if (this.stopping) {
      void stop().catch(() => undefined);
      throw new Error('the local stack was stopped while it was starting');
    }
    const layerParts = this.parts.get(layer) ?? [];
    layerParts.push(stop);
    this.parts.set(layer, layerParts);
  }

  /** remove forgets a part that was stopped on its own (a worker stopped or killed by the caller). */
  remove(layer: StackLayer, stop: () => Promise<unknown>): void {
    const layerParts = this.parts.get(layer) ?? [];
    const at = layerParts.indexOf(stop);
    if (at >= 0) layerParts.splice(at, 1);
  }

  /** stop stops every part, layer by layer; each layer's parts at once, a failure never keeps the rest running. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const layer of LAYERS_IN_STOP_ORDER) {
        const layerParts = this.parts.get(layer) ?? [];
        this.parts.delete(layer);
        await Promise.allSettled(layerParts.map((stop) => stop()));
      }
      if (this.onSignal) {
        process.off('SIGINT', this.onSignal);
        process.off('SIGTERM', this.onSignal);
      }
    })();
    return this.stopping;
  }
}
