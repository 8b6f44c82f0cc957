// Per-sender send rate over a sliding window: enforces configured MPS and reports the peak actually reached.

/**
 * SlidingWindowCounter counts events in the last windowMs (timestamps t with now - windowMs < t <= now) and
 * remembers the highest such count. Events must arrive in non-decreasing time order, which holds because the
 * simulator stamps them from a monotonic clock. Memory is bounded by the events inside one window.
 */
export class SlidingWindowCounter {
  private times: number[] = [];
  private head = 0;
  private peak = 0;

  constructor(private readonly windowMs = 1000) {}

  /** countAt returns how many recorded events are inside the window ending at now. */
  countAt(now: number): number {
    const cutoff = now - this.windowMs;
    while (this.head < this.times.length && this.times[this.head] <= cutoff) this.head++;
    // Compact occasionally so a long run does not keep every timestamp ever seen.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** record adds an event at now and returns the count inside the window ending at it. */
  record(now: number): number {
    const count = this.countAt(now) + 1;
    this.times.push(now);
    if (count > this.peak) this.peak = count;
    return count;
  }

  /** max is the highest count ever seen in any window of windowMs. */
  get max(): number {
    return this.peak;
  }
}
