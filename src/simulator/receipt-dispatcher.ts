// Automatic 'delivered' receipts: each accepted message gets one after deliveryDelayMs, with bounded concurrency.
import { log } from '../log';
import type { SimulatorState } from './state';
import type { WebhookClient } from './webhook-client';

/**
 * ReceiptDispatcher queues message indexes with their due time and posts receipts from one timer rather than one
 * timer per message, keeping a million pending receipts down to two numbers each. At most `concurrency` receipts
 * are in flight so a benchmark cannot flood the API with more connections than it would get from Twilio.
 * Due times are served in order; if deliveryDelayMs shrinks mid-run later messages wait behind earlier ones.
 */
export class ReceiptDispatcher {
  private indexes: number[] = [];
  private dueAt: number[] = [];
  private head = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly state: SimulatorState,
    private readonly webhooks: WebhookClient,
    private readonly concurrency = 64,
  ) {}

  /** schedule queues a 'delivered' receipt for the message at index, due at the given epoch milliseconds. */
  schedule(index: number, dueAt: number): void {
    this.indexes.push(index);
    this.dueAt.push(dueAt);
    this.pump();
  }

  /** clear drops pending receipts (on reset and shutdown); receipts already in flight finish but are not counted. */
  clear(): void {
    this.indexes = [];
    this.dueAt = [];
    this.head = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** pending is the number of receipts queued and not yet posted. */
  get pending(): number {
    return this.indexes.length - this.head;
  }

  private pump(): void {
    const now = Date.now();
    while (this.inFlight < this.concurrency && this.head < this.indexes.length && this.dueAt[this.head] <= now) {
      const index = this.indexes[this.head++];
      this.post(index);
    }
    if (this.head > 4096 && this.head * 2 > this.indexes.length) {
      this.indexes = this.indexes.slice(this.head);
      this.dueAt = this.dueAt.slice(this.head);
      this.head = 0;
    }
    // When saturated, the next completion pumps; otherwise wake up when the next receipt is due.
    if (this.timer || this.inFlight >= this.concurrency || this.head >= this.indexes.length) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, this.dueAt[this.head] - now);
    this.timer.unref();
  }

  private post(index: number): void {
    const generation = this.state.generation;
    const sid = this.state.messages.sidOf(index);
    this.inFlight++;
    void this.webhooks
      .sendStatus(sid, 'delivered')
      .then(
        (status) => {
          if (generation !== this.state.generation) return;
          if (status >= 200 && status < 300) this.state.counters.receiptsSent++;
          else this.recordFailure(sid, `status ${status}`);
        },
        (err: unknown) => {
          if (generation === this.state.generation) this.recordFailure(sid, String(err));
        },
      )
      .finally(() => {
        this.inFlight--;
        this.pump();
      });
  }

  private recordFailure(sid: string, reason: string): void {
    // Twilio does not retry status callbacks either; the counter makes lost receipts visible in /control/stats.
    this.state.counters.receiptsFailed++;
    log.debug({ sid, reason }, 'simulator delivery receipt failed');
  }
}
