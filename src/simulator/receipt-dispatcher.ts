// Status callbacks like a carrier's: each accepted message gets `sent`, then its final status, with bounded concurrency.
import { log } from '../log';
import type { MessageStatus } from './message-log';
import { ReceiptOutcomes } from './receipt-outcomes';
import type { SimulatorState } from './state';
import { DueQueue } from './due-queue';
import type { WebhookClient } from './webhook-client';

// Queued values are index * 2 + kind, so a pending callback costs numbers, not an object.
const SENT = 0;
const FINAL = 1;

/**
 * ReceiptDispatcher queues callbacks with their due time and posts them from one timer rather than one timer per
 * message. At most `concurrency` callbacks are in flight so a benchmark cannot flood the API with more connections than
 * it would get from Twilio. A message's final callback is queued only once its `sent` callback was answered (or
 * failed), so the two arrive in order, as Twilio's do.
 */
export class ReceiptDispatcher {
  private readonly queue = new DueQueue();
  private readonly outcomes = new ReceiptOutcomes();
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerDueAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly state: SimulatorState,
    private readonly webhooks: WebhookClient,
    private readonly concurrency = 64,
  ) {}

  /** schedule queues the callbacks of the message at index, accepted at the given epoch milliseconds. */
  schedule(index: number, acceptedAt: number): void {
    const { sentReceipts, sentDelayMs, deliveryDelayMs } = this.state.mode;
    if (sentReceipts) this.queue.push(acceptedAt + sentDelayMs, index * 2 + SENT);
    else this.queue.push(acceptedAt + sentDelayMs + deliveryDelayMs, index * 2 + FINAL);
    this.pump();
  }

  /** clear drops pending callbacks (on reset and shutdown); those already in flight finish but are not counted. */
  clear(): void {
    this.queue.clear();
    this.stopTimer();
  }

  /** pending is the number of callbacks queued and not yet posted. */
  get pending(): number {
    return this.queue.size;
  }

  private pump(): void {
    const now = Date.now();
    while (this.inFlight < this.concurrency) {
      const due = this.queue.popDue(now);
      if (!due) break;
      this.post(Math.floor(due.value / 2), due.value % 2, due.dueAt);
    }
    // When saturated, the next completion pumps; otherwise wake up when the next callback is due.
    const next = this.queue.nextDueAt;
    if (this.inFlight >= this.concurrency || next === undefined || next >= this.timerDueAt) return;
    this.stopTimer();
    this.timerDueAt = next;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDueAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, next - now);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAt = Number.POSITIVE_INFINITY;
  }

  private post(index: number, kind: number, dueAt: number): void {
    const { state } = this;
    const generation = state.generation;
    const sid = state.messages.sidOf(index);
    let status: MessageStatus = 'sent';
    let errorCode: number | null = null;
    if (kind === FINAL) ({ status, errorCode } = this.outcomes.next(state.mode, state.messages.get(index).to));
    this.inFlight++;
    void this.webhooks
      .sendStatus(sid, status, errorCode ?? undefined)
      .then(
        (answer) => {
          if (generation !== state.generation) return;
          if (answer >= 200 && answer < 300) state.counters.receiptsSent++;
          else this.recordFailure(sid, `status ${answer}`);
        },
        (err: unknown) => {
          if (generation === state.generation) this.recordFailure(sid, String(err));
        },
      )
      .finally(() => {
        this.inFlight--;
        // Twilio's final callback follows its `sent` one whether or not the API took that one.
        if (kind === SENT && generation === state.generation)
          this.queue.push(Math.max(dueAt + state.mode.deliveryDelayMs, Date.now()), index * 2 + FINAL);
        this.pump();
      });
  }

  private recordFailure(sid: string, reason: string): void {
    // Twilio does not retry status callbacks either; the counter makes lost receipts visible in /control/stats.
    this.state.counters.receiptsFailed++;
    log.debug({ sid, reason }, 'simulator status callback failed');
  }
}
