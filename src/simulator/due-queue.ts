// A min-heap of numbers by due time, kept in flat arrays so a million pending receipts cost a few numbers each.

/**
 * DueQueue hands out values in order of their due time (epoch ms), and in insertion order among equal due times.
 * Values may be pushed with any due time: receipts due later than others queued after them do not hold them up.
 */
export class DueQueue {
  private dueAt: number[] = [];
  private order: number[] = [];
  private values: number[] = [];
  private pushed = 0;

  /** size is the number of values queued. */
  get size(): number {
    return this.values.length;
  }

  /** nextDueAt is the earliest due time queued, undefined when empty. */
  get nextDueAt(): number | undefined {
    return this.dueAt[0];
  }

  /** push queues value until dueAt. */
  push(dueAt: number, value: number): void {
    this.dueAt.push(dueAt);
    this.order.push(this.pushed++);
    this.values.push(value);
    this.siftUp(this.values.length - 1);
  }

  /** popDue removes the earliest entry and returns it if it is due at `now`, else returns undefined. */
  popDue(now: number): { dueAt: number; value: number } | undefined {
    if (this.values.length === 0 || this.dueAt[0] > now) return undefined;
    const top = { dueAt: this.dueAt[0], value: this.values[0] };
    const last = this.values.length - 1;
    this.move(last, 0);
    this.dueAt.pop();
    this.order.pop();
    this.values.pop();
    if (last > 0) this.siftDown(0);
    return top;
  }

  /** clear forgets every entry. */
  clear(): void {
    this.dueAt = [];
    this.order = [];
    this.values = [];
  }

  private before(a: number, b: number): boolean {
    return this.dueAt[a] < this.dueAt[b] || (this.dueAt[a] === this.dueAt[b] && this.order[a] < this.order[b]);
  }

  private siftUp(at: number): void {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(at, parent)) return;
      this.swap(at, parent);
      at = parent;
    }
  }

  private siftDown(at: number): void {
    const size = this.values.length;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let first = at;
      if (left < size && this.before(left, first)) first = left;
      if (right < size && this.before(right, first)) first = right;
      if (first === at) return;
      this.swap(at, first);
      at = first;
    }
  }

  private swap(a: number, b: number): void {
    swapIn(this.dueAt, a, b);
    swapIn(this.order, a, b);
    swapIn(this.values, a, b);
  }

  private move(from: number, to: number): void {
    this.dueAt[to] = this.dueAt[from];
    this.order[to] = this.order[from];
    this.values[to] = this.values[from];
  }
}

function swapIn(column: number[], a: number, b: number): void {
  const kept = column[a];
  column[a] = column[b];
  column[b] = kept;
}
