// What the simulated carrier makes of one authenticated send: a fault, a refusal with Twilio's code, or a new message.
import { INVALID_NUMBER_CODE, OPTED_OUT_CODE } from '../carrier/carrier';
import { messageResource } from './message-resource';
import type { SimulatorMode } from './mode';
import type { SimulatorState } from './state';
import { refusalFor, twilioError, type SendReply } from './twilio-errors';

/** The parts of a send request the decision depends on, already authenticated. */
export interface SendRequest {
  to?: unknown;
  from?: unknown;
  body?: unknown;
  statusCallback?: unknown;
  /** Twilio's ValidityPeriod form field (seconds, 1..36000), as sent. */
  validityPeriod?: unknown;
  idempotencyKey?: string;
  /** When the client handed the request over (its X-Dispatched-At), if it says. */
  dispatchedAt?: number;
}

/** SendDecision is the answer, and for a newly accepted message whether the answer is to be lost or late. */
export interface SendDecision extends SendReply {
  afterAccept?: 'drop' | 'late';
}

const TOO_MANY_REQUESTS_CODE = 20429;
const E164 = /^\+[1-9]\d{1,14}$/;
// Twilio's limit on a message body (10 concatenated segments' worth of characters).
const MAX_BODY_LENGTH = 1600;

/**
 * decideSend plays the carrier for one authenticated send. Order matters: transport-level faults come first (they
 * happen before the carrier looks at the message), then validation, then a repeated Idempotency-Key (when honoured, an
 * accepted message stays accepted on retry even if its sender or number was since refused), then the sender's and the
 * recipient's refusals and the sender's MPS. A new message is stored before any fault after acceptance is chosen.
 */
export function decideSend(
  state: SimulatorState,
  request: SendRequest,
  now: number,
  accountSid: string,
  onAccepted?: (index: number) => void,
): SendDecision {
  const { mode, counters, messages } = state;
  if (mode.outage) return injectedFailure(state, 'Service Unavailable (simulated outage)');
  if (mode.failNext > 0) {
    mode.failNext--;
    return injectedFailure(state, 'Service Unavailable (simulated failure)');
  }
  if (mode.failRatio > 0 && Math.random() < mode.failRatio) {
    return injectedFailure(state, 'Service Unavailable (simulated random failure)');
  }
  if (mode.throttleNext > 0) {
    mode.throttleNext--;
    return throttled(state, mode.retryAfterSeconds);
  }

  const invalid = validate(request);
  if (invalid) {
    counters.rejected++;
    return invalid;
  }
  const to = request.to as string;
  const from = request.from as string;
  const body = request.body as string;
  const statusCallback =
    typeof request.statusCallback === 'string' && request.statusCallback ? request.statusCallback : undefined;
  const idempotencyKey = request.idempotencyKey ?? null;

  if (idempotencyKey !== null) {
    const original = messages.indexOfKey(idempotencyKey);
    if (original !== undefined) {
      const message = messages.get(original);
      counters.duplicates++;
      if (message.to !== to || message.from !== from || message.body !== body) counters.keyConflicts++;
      if (mode.honourIdempotencyKey) return accepted(state, original, accountSid);
    }
  }

  const senderCode = mode.senderErrors.get(from);
  if (senderCode !== undefined) {
    counters.senderRefused++;
    return refusalFor(senderCode, { to, from }, mode.retryAfterSeconds);
  }
  const recipientCode = recipientRefusal(mode, to);
  if (recipientCode !== undefined) {
    counters.rejected++;
    return refusalFor(recipientCode, { to, from }, mode.retryAfterSeconds);
  }
  const mps = mode.senderMps[from];
  const window = state.senderWindow(from);
  // The sliding window is one second, so one second is always long enough to wait.
  if (mps !== undefined && window.countAt(now) >= mps) return throttled(state, 1);

  window.record(now);
  const validityPeriod = request.validityPeriod === undefined ? undefined : Number(request.validityPeriod);
  const { dispatchedAt } = request;
  const index = messages.append({
    to,
    from,
    body,
    idempotencyKey,
    receivedAt: now,
    statusCallback,
    validityPeriod,
    dispatchedAt,
  });
  onAccepted?.(index);
  const afterAccept = faultAfterAccept(state);
  if (afterAccept) messages.noteAnswerFault(index, afterAccept);
  return { ...accepted(state, index, accountSid), afterAccept };
}

function recipientRefusal(mode: SimulatorMode, to: string): number | undefined {
  if (mode.invalidNumbers.has(to)) return INVALID_NUMBER_CODE;
  if (mode.optedOutNumbers.has(to)) return OPTED_OUT_CODE;
  return mode.recipientErrors.get(to);
}

// The message is the carrier's now; what remains to choose is whether its answer reaches the client.
function faultAfterAccept(state: SimulatorState): SendDecision['afterAccept'] {
  const { mode, counters } = state;
  if (mode.dropAfterAcceptNext > 0 || (mode.dropAfterAcceptRatio > 0 && Math.random() < mode.dropAfterAcceptRatio)) {
    if (mode.dropAfterAcceptNext > 0) mode.dropAfterAcceptNext--;
    counters.droppedAfterAccept++;
    return 'drop';
  }
  if (mode.answerLateNext > 0 || (mode.answerLateRatio > 0 && Math.random() < mode.answerLateRatio)) {
    if (mode.answerLateNext > 0) mode.answerLateNext--;
    counters.answeredLate++;
    return 'late';
  }
  return undefined;
}

function validate(request: SendRequest): SendReply | undefined {
  if (typeof request.to !== 'string' || !request.to) return twilioError(400, 21604, "A 'To' phone number is required.");
  if (typeof request.from !== 'string' || !request.from)
    return twilioError(400, 21603, "A 'From' phone number is required.");
  if (typeof request.body !== 'string' || !request.body) return twilioError(400, 21602, 'Message body is required.');
  if (request.body.length > MAX_BODY_LENGTH) {
    return twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  }
  if (!E164.test(request.to)) return refusalFor(INVALID_NUMBER_CODE, { to: request.to, from: request.from }, 1);
  return undefined;
}

function accepted(state: SimulatorState, index: number, accountSid: string): SendReply {
  return { status: 201, body: messageResource(state.messages, index, accountSid) };
}

function injectedFailure(state: SimulatorState, message: string): SendReply {
  state.counters.failedInjected++;
  return twilioError(503, 20503, message);
}

function throttled(state: SimulatorState, retryAfterSeconds: number): SendReply {
  state.counters.throttled++;
  return refusalFor(TOO_MANY_REQUESTS_CODE, { to: '', from: '' }, retryAfterSeconds);
}
