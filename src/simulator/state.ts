// What the simulator knows: its mode, the messages it accepted and the counters the control API reports.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { MessageLog } from './message-log';
import { initialMode, type ModeDefaults, type SimulatorMode } from './mode';
import { SlidingWindowCounter } from './sliding-window';

/** Counters since the last reset; accepted is the message log's size and not kept here. */
export interface SimulatorCounters {
  /**
   * Sends with an Idempotency-Key seen before: answered with the original sid when the key is honoured, accepted as
   * a new message (as Twilio does) when it is not. Either way a test can count the retries by key.
   */
  duplicates: number;
  /** Duplicates whose To, From or Body differ from the original: a key reused for another message. */
  keyConflicts: number;
  /** 400 answers about the message: invalid or unreachable number, carrier opt-out, missing or malformed field. */
  rejected: number;
  /** Refusals from senderErrors: the sender's or the account's trouble, whatever the message. */
  senderRefused: number;
  /** 503 answers from failNext, failRatio or outage. */
  failedInjected: number;
  /** 429 answers from throttleNext or a sender's MPS ceiling. */
  throttled: number;
  /** 401 answers to wrong credentials. */
  unauthorized: number;
  /** Accepted messages whose connection was reset instead of answered (dropAfterAccept…). */
  droppedAfterAccept: number;
  /** Accepted messages answered only after answerLateMs (answerLate…). */
  answeredLate: number;
  /** Status callbacks the API answered with 2xx (`sent` and final ones alike). */
  receiptsSent: number;
  receiptsFailed: number;
}

export interface SimulatorStats extends SimulatorCounters {
  accepted: number;
  /** Highest number of accepted messages per From within any sliding one-second window. */
  maxPerSecondBySender: Record<string, number>;
  /**
   * How late the simulator's own event loop ran since the last reset (ms, p99 and max): arrival times are stamped on
   * it, so a pacing figure finer than this delay says more about the simulator than about the sender.
   */
  eventLoopDelayMs: { p99: number; max: number };
}

// One histogram per process (its sampling timer is native and unref'd), cleared by each reset.
let loopDelay: IntervalHistogram | undefined;
function eventLoopDelay(): IntervalHistogram {
  if (!loopDelay) {
    loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
  }
  return loopDelay;
}

/** SimulatorState holds everything a reset clears; the HTTP layers read and update it. */
export class SimulatorState {
  mode: SimulatorMode;
  messages = new MessageLog();
  counters: SimulatorCounters = emptyCounters();
  /** Bumped by reset so work scheduled before it (delivery receipts) can tell it is stale. */
  generation = 0;
  private senderWindows = new Map<string, SlidingWindowCounter>();

  constructor(private readonly defaults: ModeDefaults) {
    this.mode = initialMode(defaults);
    eventLoopDelay();
  }

  /** reset forgets messages and counters and restores the mode given at creation. */
  reset(): void {
    this.mode = initialMode(this.defaults);
    this.messages = new MessageLog();
    this.counters = emptyCounters();
    this.senderWindows = new Map();
    this.generation++;
    eventLoopDelay().reset();
  }

  /** senderWindow is the one-second send-rate window of a From address, created on first use. */
  senderWindow(from: string): SlidingWindowCounter {
    let window = this.senderWindows.get(from);
    if (!window) {
      window = new SlidingWindowCounter(1000);
      this.senderWindows.set(from, window);
    }
    return window;
  }

  /** stats is the GET /control/stats body. */
  stats(): SimulatorStats {
    const maxPerSecondBySender: Record<string, number> = {};
    for (const [from, window] of this.senderWindows) if (window.max > 0) maxPerSecondBySender[from] = window.max;
    const delay = eventLoopDelay();
    const eventLoopDelayMs = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
    return { accepted: this.messages.size, ...this.counters, maxPerSecondBySender, eventLoopDelayMs };
  }
}

function emptyCounters(): SimulatorCounters {
  return {
    duplicates: 0,
    keyConflicts: 0,
    rejected: 0,
    senderRefused: 0,
    failedInjected: 0,
    throttled: 0,
    unauthorized: 0,
    droppedAfterAccept: 0,
    answeredLate: 0,
    receiptsSent: 0,
    receiptsFailed: 0,
  };
}
