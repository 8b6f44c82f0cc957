// Per-sender send rate over a sliding window: enforces configured MPS and reports the peak actually reached.

/**
 * SlidingWindowCounter counts events in the last windowMs (timestamps t with now - windowMs < t <= now) and
 * remembers the highest such count. Events may be recorded slightly out of order: the simulator stamps a request
 * when it arrives and records it once its body is read, which another request can overtake. Memory is bounded by
 * the events inside two windows.
 */
export class SlidingWindowCounter {
  // Sorted; entries before head are dropped.
  private times: number[] = [];
  private head = 0;
  private peak = 0;
  private latest = Number.NEGATIVE_INFINITY;

  constructor(private readonly windowMs = 1000) {}

  /** countAt returns how many recorded events are inside the window ending at now. */
  countAt(now: number): number {
    this.forgetBefore(Math.max(now, this.latest) - 2 * this.windowMs);
    return this.indexAfter(now) - this.indexAfter(now - this.windowMs);
  }

  /** record adds an event at now and returns the count inside the window ending at it. */
  record(now: number): number {
    this.latest = Math.max(this.latest, now);
    this.forgetBefore(this.latest - 2 * this.windowMs);
    const at = this.indexAfter(now);
    this.times.splice(at, 0, now);
    // The new event is inside every window that ends at it or at a later event less than windowMs after it.
    let first = this.indexAfter(now - this.windowMs);
    for (let end = at; end < this.times.length && this.times[end] < now + this.windowMs; end++) {
      while (this.times[first] <= this.times[end] - this.windowMs) first++;
      this.peak = Math.max(this.peak, end - first + 1);
    }
    return this.indexAfter(now) - this.indexAfter(now - this.windowMs);
  }

  /** max is the highest count ever seen in any window of windowMs. */
  get max(): number {
    return this.peak;
  }

  // The index of the first kept event later than t (binary search; events are nearly always appended at the end).
  private indexAfter(t: number): number {
    let low = this.head;
    let high = this.times.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.times[middle] <= t) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  // Drops events no longer needed by any window (a late event is at most one window behind the latest).
  private forgetBefore(cutoff: number): void {
    while (this.head < this.times.length && this.times[this.head] <= cutoff) this.head++;
    // Compact occasionally so a long run does not keep every timestamp ever seen.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
