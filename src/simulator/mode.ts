// The simulator's fault-injection knobs, set through PATCH /control/mode.
import { z } from 'zod';

/** SimulatorMode is the live behaviour of the send endpoint and of automatic delivery receipts. */
export interface SimulatorMode {
  /** Answer the next N sends with 503. */
  failNext: number;
  /** Answer this fraction (0..1) of sends with 503, at random. */
  failRatio: number;
  /** Answer the next N sends with 429 and Retry-After: retryAfterSeconds. */
  throttleNext: number;
  retryAfterSeconds: number;
  /** Delay every send by this much before answering (a slow carrier, or one slower than the client's timeout). */
  latencyMs: number;
  /** Answer every send with 503 while on. */
  outage: boolean;
  /** Per-From ceiling in messages per sliding second; sends above it get 429. */
  senderMps: Record<string, number>;
  /** 'To' numbers refused with 400 code 21211. */
  invalidNumbers: Set<string>;
  /** 'To' numbers refused with 400 code 21610 (unsubscribed at the carrier). */
  optedOutNumbers: Set<string>;
  autoDeliver: boolean;
  deliveryDelayMs: number;
}

/** modePatchSchema validates PATCH /control/mode; each given field replaces the current value. */
export const modePatchSchema = z
  .object({
    failNext: z.number().int().min(0),
    failRatio: z.number().min(0).max(1),
    throttleNext: z.number().int().min(0),
    retryAfterSeconds: z.number().int().min(0),
    latencyMs: z.number().min(0),
    outage: z.boolean(),
    senderMps: z.record(z.string(), z.number().positive()),
    invalidNumbers: z.array(z.string()),
    optedOutNumbers: z.array(z.string()),
    autoDeliver: z.boolean(),
    deliveryDelayMs: z.number().min(0),
  })
  .partial()
  .strict();

export type ModePatch = z.infer<typeof modePatchSchema>;

/** initialMode is a well-behaved carrier: no faults, no throttles, delivery receipts as configured. */
export function initialMode(autoDeliver: boolean, deliveryDelayMs: number): SimulatorMode {
  return {
    failNext: 0,
    failRatio: 0,
    throttleNext: 0,
    retryAfterSeconds: 1,
    latencyMs: 0,
    outage: false,
    senderMps: {},
    invalidNumbers: new Set(),
    optedOutNumbers: new Set(),
    autoDeliver,
    deliveryDelayMs,
  };
}

/** applyModePatch merges a validated patch into the mode in place. */
export function applyModePatch(mode: SimulatorMode, patch: ModePatch): void {
  const { invalidNumbers, optedOutNumbers, senderMps, ...scalars } = patch;
  Object.assign(mode, scalars);
  if (senderMps) mode.senderMps = { ...senderMps };
  if (invalidNumbers) mode.invalidNumbers = new Set(invalidNumbers);
  if (optedOutNumbers) mode.optedOutNumbers = new Set(optedOutNumbers);
}

/** describeMode renders the mode as JSON-friendly data (sets become arrays). */
export function describeMode(mode: SimulatorMode): Record<string, unknown> {
  return { ...mode, invalidNumbers: [...mode.invalidNumbers], optedOutNumbers: [...mode.optedOutNumbers] };
}
