// The simulator's behaviour knobs, set through PATCH /control/mode: faults, Twilio's refusals and the receipts.
import { z } from 'zod';
import { receiptStatusFor, type FailureStatus, type FinalReceipt } from './twilio-errors';

/** ReceiptFailure is a share of final receipts that report a failure with a Twilio ErrorCode. */
export interface ReceiptFailure {
  errorCode: number;
  /** Fraction (0..1) of final receipts; spread evenly, so n receipts hold n × share of them, give or take one. */
  share: number;
  status: FailureStatus;
}

/** SimulatorMode is the live behaviour of the send endpoint and of the status callbacks. */
export interface SimulatorMode {
  /** Answer the next N sends with 503. */
  failNext: number;
  /** Answer this fraction (0..1) of sends with 503, at random. */
  failRatio: number;
  /** Answer the next N sends with 429 and Retry-After: retryAfterSeconds. */
  throttleNext: number;
  retryAfterSeconds: number;
  /** Delay every send by this much before deciding on it (a slow carrier: the message is stored late). */
  latencyMs: number;
  /** Answer every send with 503 while on. */
  outage: boolean;
  /** Store the next N accepted messages, then reset the connection instead of answering. */
  dropAfterAcceptNext: number;
  /** Do that to this fraction (0..1) of accepted messages, at random. */
  dropAfterAcceptRatio: number;
  /** Store the next N accepted messages at once but answer only after answerLateMs. */
  answerLateNext: number;
  /** Do that to this fraction (0..1) of accepted messages, at random. */
  answerLateRatio: number;
  /** How late a late answer comes: longer than the client waits, so it gives up on a message that was sent. */
  answerLateMs: number;
  /** Answer a repeated Idempotency-Key with the message first sent under it; real Twilio ignores the header. */
  honourIdempotencyKey: boolean;
  /** Per-From ceiling in messages per sliding second; sends above it get 429. */
  senderMps: Record<string, number>;
  /** 'To' numbers refused with 400 code 21211. */
  invalidNumbers: Set<string>;
  /** 'To' numbers refused with 400 code 21610 (unsubscribed at the carrier). */
  optedOutNumbers: Set<string>;
  /** Twilio error code per From: the sender's or the account's trouble (21606, 21212, 21659, 30034, 20003, 21611). */
  senderErrors: Map<string, number>;
  /** Twilio error code per To: the recipient's (21211, 21614, 21612, 21610, 21408). */
  recipientErrors: Map<string, number>;
  /** Post status callbacks for every accepted message: `sent`, then the final one. */
  autoDeliver: boolean;
  /** Post the `sent` callback before the final one (Twilio sends one or two per message). */
  sentReceipts: boolean;
  /** From acceptance to the `sent` callback. */
  sentDelayMs: number;
  /** From the `sent` callback (or from where it would be) to the final one. */
  deliveryDelayMs: number;
  /** Shares of final callbacks that report a failure; the rest say `delivered`. */
  receiptFailures: ReceiptFailure[];
  /** The final callback for every message to a To, whatever the shares (e.g. a landline: 30006). */
  receiptErrorsByTo: Map<string, FinalReceipt>;
}

/** ModeDefaults are the settings a simulator starts with and returns to on reset. */
export interface ModeDefaults {
  autoDeliver: boolean;
  sentDelayMs: number;
  deliveryDelayMs: number;
  honourIdempotencyKey: boolean;
}

const errorCode = z.number().int().min(10000).max(99999);
const failureStatus = z.enum(['undelivered', 'failed']);
const phoneList = z.array(z.string());
const codeByPhone = z.record(z.string(), errorCode);

/** modePatchSchema validates PATCH /control/mode; each given field replaces the current value. */
export const modePatchSchema = z
  .object({
    failNext: z.number().int().min(0),
    failRatio: z.number().min(0).max(1),
    throttleNext: z.number().int().min(0),
    retryAfterSeconds: z.number().int().min(0),
    latencyMs: z.number().min(0),
    outage: z.boolean(),
    dropAfterAcceptNext: z.number().int().min(0),
    dropAfterAcceptRatio: z.number().min(0).max(1),
    answerLateNext: z.number().int().min(0),
    answerLateRatio: z.number().min(0).max(1),
    answerLateMs: z.number().min(0),
    honourIdempotencyKey: z.boolean(),
    senderMps: z.record(z.string(), z.number().positive()),
    invalidNumbers: phoneList,
    optedOutNumbers: phoneList,
    senderErrors: codeByPhone,
    recipientErrors: codeByPhone,
    autoDeliver: z.boolean(),
    sentReceipts: z.boolean(),
    sentDelayMs: z.number().min(0),
    deliveryDelayMs: z.number().min(0),
    receiptFailures: z
      .array(z.strictObject({ errorCode, share: z.number().min(0).max(1), status: failureStatus.optional() }))
      .refine((failures) => failures.reduce((sum, f) => sum + f.share, 0) <= 1 + 1e-9, {
        message: 'the shares add up to more than 1',
      }),
    // A bare code takes Twilio's status for it (receiptStatusFor); an object may say which.
    receiptErrorsByTo: z.record(
      z.string(),
      z.union([errorCode, z.strictObject({ errorCode, status: failureStatus.optional() })]),
    ),
  })
  .partial()
  .strict();

export type ModePatch = z.infer<typeof modePatchSchema>;

// An answer late enough for any client: the product's carrier adapter gives up after 10 s by default.
const DEFAULT_ANSWER_LATE_MS = 30_000;

/** initialMode is a well-behaved carrier: no faults, no refusals, every message delivered, receipts as configured. */
export function initialMode(defaults: ModeDefaults): SimulatorMode {
  return {
    failNext: 0,
    failRatio: 0,
    throttleNext: 0,
    retryAfterSeconds: 1,
    latencyMs: 0,
    outage: false,
    dropAfterAcceptNext: 0,
    dropAfterAcceptRatio: 0,
    answerLateNext: 0,
    answerLateRatio: 0,
    answerLateMs: DEFAULT_ANSWER_LATE_MS,
    honourIdempotencyKey: defaults.honourIdempotencyKey,
    senderMps: {},
    invalidNumbers: new Set(),
    optedOutNumbers: new Set(),
    senderErrors: new Map(),
    recipientErrors: new Map(),
    autoDeliver: defaults.autoDeliver,
    sentReceipts: true,
    sentDelayMs: defaults.sentDelayMs,
    deliveryDelayMs: defaults.deliveryDelayMs,
    receiptFailures: [],
    receiptErrorsByTo: new Map(),
  };
}

/** applyModePatch merges a validated patch into the mode in place. */
export function applyModePatch(mode: SimulatorMode, patch: ModePatch): void {
  const {
    invalidNumbers,
    optedOutNumbers,
    senderMps,
    senderErrors,
    recipientErrors,
    receiptFailures,
    receiptErrorsByTo,
    ...scalars
  } = patch;
  Object.assign(mode, scalars);
  if (senderMps) mode.senderMps = { ...senderMps };
  if (invalidNumbers) mode.invalidNumbers = new Set(invalidNumbers);
  if (optedOutNumbers) mode.optedOutNumbers = new Set(optedOutNumbers);
  if (senderErrors) mode.senderErrors = new Map(Object.entries(senderErrors));
  if (recipientErrors) mode.recipientErrors = new Map(Object.entries(recipientErrors));
  if (receiptFailures) {
    mode.receiptFailures = receiptFailures.map(({ errorCode, share, status }) => ({
      errorCode,
      share,
      status: status ?? receiptStatusFor(errorCode),
    }));
  }
  if (receiptErrorsByTo) {
    mode.receiptErrorsByTo = new Map(
      Object.entries(receiptErrorsByTo).map(([to, receipt]) => {
        const { errorCode, status } = typeof receipt === 'number' ? { errorCode: receipt, status: undefined } : receipt;
        return [to, { status: status ?? receiptStatusFor(errorCode), errorCode }];
      }),
    );
  }
}

/** describeMode renders the mode as JSON-friendly data (sets become arrays, maps objects). */
export function describeMode(mode: SimulatorMode): Record<string, unknown> {
  return {
    ...mode,
    invalidNumbers: [...mode.invalidNumbers],
    optedOutNumbers: [...mode.optedOutNumbers],
    senderErrors: Object.fromEntries(mode.senderErrors),
    recipientErrors: Object.fromEntries(mode.recipientErrors),
    receiptErrorsByTo: Object.fromEntries(mode.receiptErrorsByTo),
  };
}
