// Twilio's Messages.json send endpoint as the simulator plays it, faults included.
import { setTimeout as sleep } from 'node:timers/promises';
import express, { Router, type Response } from 'express';
import { INVALID_NUMBER_CODE, OPTED_OUT_CODE } from '../carrier/carrier';
import type { RecordedMessage } from './message-log';
import type { SimulatorState } from './state';

/** What the endpoint answers: status, Twilio-shaped JSON and any extra headers. */
export interface SendReply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The parts of a send request the decision depends on, already authenticated. */
export interface SendRequest {
  to?: unknown;
  from?: unknown;
  body?: unknown;
  statusCallback?: unknown;
  idempotencyKey?: string;
}

export interface MessagesEndpointOptions {
  accountSid: string;
  authToken: string;
  /** Called with the index of each newly accepted message (not for duplicates), e.g. to schedule its receipt. */
  onAccepted?: (index: number) => void;
}

const E164 = /^\+[1-9]\d{1,14}$/;
// Twilio's limit on a message body (10 concatenated segments' worth of characters).
const MAX_BODY_LENGTH = 1600;

/** clock is epoch milliseconds with sub-millisecond precision that never runs backwards (unlike Date.now). */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}

/** messagesEndpoint serves POST /2010-04-01/Accounts/{sid}/Messages.json with Basic auth. */
export function messagesEndpoint(state: SimulatorState, options: MessagesEndpointOptions): Router {
  const router = Router();
  const credentials = `${options.accountSid}:${options.authToken}`;
  router.post(
    '/2010-04-01/Accounts/:accountSid/Messages.json',
    // A carrier counts a message when its request arrives, not when its server got round to parsing the body.
    (_req, res, next) => {
      res.locals.arrivedAt = clock();
      next();
    },
    express.urlencoded({ extended: false, limit: '64kb' }),
    async (req, res) => {
      const refusal = refuseAccount(
        state,
        credentials,
        options.accountSid,
        req.get('authorization'),
        req.params.accountSid,
      );
      if (refusal) return reply(res, refusal);
      if (state.mode.latencyMs > 0) await sleep(state.mode.latencyMs);
      const form = (req.body ?? {}) as Record<string, unknown>;
      const request: SendRequest = {
        to: form.To,
        from: form.From,
        body: form.Body,
        statusCallback: form.StatusCallback,
        idempotencyKey: req.get('idempotency-key') || undefined,
      };
      reply(res, decideSend(state, request, res.locals.arrivedAt as number, options.onAccepted));
    },
  );
  return router;
}

/**
 * decideSend plays the carrier for one authenticated send. Order matters: transport-level faults come first (they
 * happen before the carrier looks at the message), then validation, then idempotency (an accepted message stays
 * accepted on retry even if the number was since blocked), then the per-recipient verdicts and the sender's MPS.
 */
export function decideSend(
  state: SimulatorState,
  request: SendRequest,
  now: number,
  onAccepted?: (index: number) => void,
): SendReply {
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
      return accepted(message);
    }
  }

  if (mode.invalidNumbers.has(to)) {
    counters.rejected++;
    return twilioError(400, INVALID_NUMBER_CODE, `The 'To' number ${to} is not a valid phone number.`);
  }
  if (mode.optedOutNumbers.has(to)) {
    counters.rejected++;
    return twilioError(400, OPTED_OUT_CODE, 'Attempt to send to unsubscribed recipient');
  }
  const mps = mode.senderMps[from];
  const window = state.senderWindow(from);
  // The sliding window is one second, so one second is always long enough to wait.
  if (mps !== undefined && window.countAt(now) >= mps) return throttled(state, 1);

  window.record(now);
  const index = messages.append({ to, from, body, idempotencyKey, receivedAt: now, statusCallback });
  onAccepted?.(index);
  return accepted(messages.get(index));
}

function validate(request: SendRequest): SendReply | undefined {
  if (typeof request.to !== 'string' || !request.to) return twilioError(400, 21604, "A 'To' phone number is required.");
  if (typeof request.from !== 'string' || !request.from)
    return twilioError(400, 21603, "A 'From' phone number is required.");
  if (typeof request.body !== 'string' || !request.body) return twilioError(400, 21602, 'Message body is required.');
  if (request.body.length > MAX_BODY_LENGTH) {
    return twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  }
  if (!E164.test(request.to)) {
    return twilioError(400, INVALID_NUMBER_CODE, `The 'To' number ${request.to} is not a valid phone number.`);
  }
  return undefined;
}

function accepted(message: RecordedMessage): SendReply {
  const { sid, to, from, body } = message;
  return { status: 201, body: { sid, status: 'queued', to, from, body } };
}

function injectedFailure(state: SimulatorState, message: string): SendReply {
  state.counters.failedInjected++;
  return twilioError(503, 20503, message);
}

function throttled(state: SimulatorState, retryAfterSeconds: number): SendReply {
  state.counters.throttled++;
  return { ...twilioError(429, 20429, 'Too Many Requests'), headers: { 'retry-after': String(retryAfterSeconds) } };
}

function twilioError(status: number, code: number, message: string): SendReply {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

function reply(res: Response, answer: SendReply): void {
  res
    .status(answer.status)
    .set(answer.headers ?? {})
    .json(answer.body);
}

function refuseAccount(
  state: SimulatorState,
  credentials: string,
  accountSid: string,
  authorization: string | undefined,
  pathAccountSid: string,
): SendReply | undefined {
  if (basicCredentials(authorization) !== credentials) {
    state.counters.unauthorized++;
    return { ...twilioError(401, 20003, 'Authenticate'), headers: { 'www-authenticate': 'Basic realm="Twilio API"' } };
  }
  if (pathAccountSid !== accountSid) return twilioError(404, 20404, 'The requested resource was not found');
  return undefined;
}

function basicCredentials(header: string | undefined): string | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  return Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
}
