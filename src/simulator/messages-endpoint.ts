// Twilio's Messages resource as the simulator plays it: send (faults included), list and fetch, all with Basic auth.
import { setTimeout as sleep } from 'node:timers/promises';
import express, { Router, type Request, type Response } from 'express';
import { DISPATCH_STAMP_HEADER } from '../carrier/twilio-carrier';
import { listPage, parseListQuery } from './message-list';
import { messageResource } from './message-resource';
import { decideSend, type SendDecision } from './send-decision';
import type { SimulatorState } from './state';
import { twilioError, type SendReply } from './twilio-errors';

export interface MessagesEndpointOptions {
  accountSid: string;
  authToken: string;
  /** Called with the index of each newly accepted message (not for honoured duplicates), e.g. to schedule receipts. */
  onAccepted?: (index: number) => void;
  /** Aborted when the simulator stops: late answers still waiting reset their connection instead. */
  stopped?: AbortSignal;
}

// A client's dispatch time (epoch ms) if it sent a usable one.
function dispatchStampOf(header: string | undefined): number | undefined {
  const stamp = header === undefined ? NaN : Number(header);
  return Number.isFinite(stamp) ? stamp : undefined;
}

/** clock is epoch milliseconds with sub-millisecond precision that never runs backwards (unlike Date.now). */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}

const MESSAGES = '/2010-04-01/Accounts/:accountSid/Messages';

/** messagesEndpoint serves POST and GET /2010-04-01/Accounts/{sid}/Messages.json and GET …/Messages/{sid}.json. */
export function messagesEndpoint(state: SimulatorState, options: MessagesEndpointOptions): Router {
  const router = Router();
  const credentials = `${options.accountSid}:${options.authToken}`;
  const refusal = (req: Request) =>
    refuseAccount(state, credentials, options.accountSid, req.get('authorization'), String(req.params.accountSid));

  router.post(
    `${MESSAGES}.json`,
    // A carrier counts a message when its request arrives, not when its server got round to parsing the body.
    (_req, res, next) => {
      res.locals.arrivedAt = clock();
      next();
    },
    express.urlencoded({ extended: false, limit: '64kb' }),
    async (req, res) => {
      const refused = refusal(req);
      if (refused) return reply(res, refused);
      if (state.mode.latencyMs > 0) await sleep(state.mode.latencyMs);
      const form = (req.body ?? {}) as Record<string, unknown>;
      const decision = decideSend(
        state,
        {
          to: form.To,
          from: form.From,
          body: form.Body,
          statusCallback: form.StatusCallback,
          validityPeriod: form.ValidityPeriod,
          idempotencyKey: req.get('idempotency-key') || undefined,
          dispatchedAt: dispatchStampOf(req.get(DISPATCH_STAMP_HEADER)),
        },
        res.locals.arrivedAt as number,
        options.accountSid,
        options.onAccepted,
      );
      await answer(res, decision, state.mode.answerLateMs, options.stopped);
    },
  );

  router.get(`${MESSAGES}.json`, (req, res) => {
    const refused = refusal(req);
    if (refused) return reply(res, refused);
    // Parsed from the raw URL: the keys `DateSent>` and `DateSent<` must arrive exactly as the client wrote them.
    const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    const query = parseListQuery(new URLSearchParams(search), state.messages);
    if ('status' in query) return reply(res, query);
    res.json(listPage(state.messages, query, options.accountSid));
  });

  router.get(`${MESSAGES}/:sid.json`, (req, res) => {
    const refused = refusal(req);
    if (refused) return reply(res, refused);
    const index = state.messages.indexOfSid(String(req.params.sid));
    if (index === undefined)
      return reply(res, twilioError(404, 20404, `The requested resource ${req.path} was not found`));
    res.json(messageResource(state.messages, index, options.accountSid));
  });
  return router;
}

// Plays the fault chosen after acceptance: the message is stored either way, only its answer is lost or late.
async function answer(res: Response, decision: SendDecision, lateMs: number, stopped?: AbortSignal): Promise<void> {
  if (decision.afterAccept === 'drop') {
    res.socket?.destroy();
    return;
  }
  if (decision.afterAccept === 'late') {
    try {
      // Unreferenced: a late answer must not keep a test process or a stopping simulator alive.
      await sleep(lateMs, undefined, { ref: false, signal: stopped });
    } catch {
      res.socket?.destroy();
      return;
    }
  }
  reply(res, decision);
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
