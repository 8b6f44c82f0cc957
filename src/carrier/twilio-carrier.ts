// Twilio REST adapter: maps the Messages API's answers onto the Carrier contract (see API.md, carrier wire format).
import { Agent, request } from 'undici';
import { log } from '../log';
import {
  CarrierInDoubtError,
  CarrierRefusalUnknown,
  CarrierUnavailableError,
  OPTED_OUT_CODE,
  type Carrier,
  type CarrierMessage,
  type OutboundSms,
  type SendOutcome,
  type SentMessageQuery,
} from './carrier';
import { refusalScopeOf } from './twilio-error-codes';

export interface TwilioCarrierOptions {
  /** REST base, e.g. https://api.twilio.com or the simulator's http://127.0.0.1:4010. */
  apiUrl: string;
  accountSid: string;
  authToken: string;
  /** Whole-request deadline (connect, send, read body); default 10 s. */
  timeoutMs?: number;
  /**
   * Each send carries X-Dispatched-At, the epoch ms (sub-ms) at which its request was handed to the connection: a
   * benchmark's simulator then tells the engine's own spacing of a sender's sends from the jitter added on the way and
   * in its own event loop. Off by default: a real carrier has no use for it.
   */
  stampDispatch?: boolean;
}

/** DISPATCH_STAMP_HEADER carries a send's dispatch time when stampDispatch is on. */
export const DISPATCH_STAMP_HEADER = 'x-dispatched-at';

const DEFAULT_TIMEOUT_MS = 10_000;
// The warm-up opens this many keep-alive connections at once (sends overlap: at 50 mps with answers taking 100 ms,
// five are on the wire together), each used a few times so the engine compiles the POST path, not only loads it.
const WARM_UP_CONNECTIONS = 4;
const WARM_UP_ROUNDS = 2;
// A carrier that hangs must not hold a batch up for long before its first send shows the outage.
const WARM_UP_TIMEOUT_MS = 2000;

/** createTwilioCarrier builds a Carrier that posts to Twilio's Messages.json over kept-alive connections. */
export function createTwilioCarrier(options: TwilioCarrierOptions): Carrier {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const endpoint = `${options.apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;

  // Sends and the warm-up go through this one function, so warming it readies exactly the code a send runs.
  async function post(
    url: string,
    form: URLSearchParams,
    headers: Record<string, string>,
    deadlineMs = timeoutMs,
  ): Promise<CarrierAnswer> {
    return call(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: form.toString(),
      deadlineMs,
      stampDispatch: options.stampDispatch,
    });
  }

  return {
    async warmUp(): Promise<void> {
      // The first sends would pay for loading the HTTP client and connecting (a TLS handshake to the real carrier: tens to
      // hundreds of ms, enough to crowd the next second there): paid here instead, by authenticated reads of one
      // message of the account's list, which change nothing (nothing unauthenticated ever goes to the carrier).
      const lane = async () => {
        for (let i = 0; i < WARM_UP_ROUNDS; i++) {
          // Any answer warms the connection; only no answer at all ends the lane early.
          await getList(`${endpoint}?PageSize=1`, authorization, WARM_UP_TIMEOUT_MS).catch((error: unknown) => {
            if ((error as CarrierUnavailableError).status === null) throw error;
          });
        }
      };
      // Nothing to do on failure: a carrier that cannot be reached fails the first send, which says why.
      await Promise.all(Array.from({ length: WARM_UP_CONNECTIONS }, lane)).catch(() => undefined);
    },
    async send(sms: OutboundSms): Promise<SendOutcome> {
      const form = new URLSearchParams({ To: sms.to, From: sms.from, Body: sms.body });
      if (sms.statusCallback) form.set('StatusCallback', sms.statusCallback);
      if (sms.validityPeriodSeconds !== undefined) form.set('ValidityPeriod', String(sms.validityPeriodSeconds));
      let answer: CarrierAnswer;
      try {
        answer = await post(endpoint, form, { authorization, 'idempotency-key': sms.idempotencyKey });
      } catch (err) {
        // Twilio ignores Idempotency-Key: once the request may have been written, only a look-up can tell.
        const Failure = requestMayHaveArrived(err) ? CarrierInDoubtError : CarrierUnavailableError;
        throw new Failure(describeRequestFailure(err, timeoutMs), { cause: err });
      }
      return interpretResponse(answer.status, answer.headers, answer.text);
    },

    async findSent(query: SentMessageQuery): Promise<CarrierMessage[]> {
      // Filtered by the two numbers only: a DateSent filter would leave out a message still queued at Twilio (no
      // date_sent yet), the very one an in-doubt send may be. Paged newest first: stop at the first message created
      // before `since`.
      const filter = new URLSearchParams({ To: query.to, From: query.from, PageSize: String(LIST_PAGE_SIZE) });
      const found: CarrierMessage[] = [];
      let url: string | null = `${endpoint}?${filter.toString()}`;
      for (let page = 0; url && page < MAX_LIST_PAGES; page++) {
        const listed = await getList(url, authorization, timeoutMs);
        // Twilio's dates are to the second: a message created in the same second as `since` reads as before it.
        const since = Math.floor(query.since / 1000) * 1000;
        for (const message of listed.messages) {
          if (message.createdAt < since) return found;
          if (message.body === query.body) found.push(message);
        }
        url = listed.nextPageUri ? new URL(listed.nextPageUri, options.apiUrl).toString() : null;
      }
      // A partial answer could wrongly say "not sent": better no answer (the look-up is tried again).
      if (url) throw new CarrierUnavailableError(`carrier list still going after ${MAX_LIST_PAGES} pages`);
      return found;
    },
  };
}

const LIST_PAGE_SIZE = 50;
// A contact gets a handful of messages a day from one sender; past this many pages the look-up gives up (throws).
const MAX_LIST_PAGES = 20;

// The request failed before any byte could have reached the carrier (refused, unknown host, connect timeout): not sent.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH']);

function requestMayHaveArrived(err: unknown): boolean {
  const code = failureCode(err);
  return !(typeof code === 'string' && NOT_SENT_CODES.has(code));
}

// The system error's code (ECONNREFUSED…), on the error itself or on its cause.
function failureCode(err: unknown): unknown {
  const error = err as { code?: unknown; cause?: { code?: unknown } } | null;
  return error?.code ?? error?.cause?.code;
}

/** CarrierAnswer is one HTTP answer from the carrier: status, the headers a verdict reads, and the whole body. */
interface CarrierAnswer {
  status: number;
  headers: Pick<Headers, 'get'>;
  text: string;
}

// The carrier's HTTP client: undici's request API on a pool of keep-alive connections per origin. It writes the
// request in the same tick as the call (global fetch builds streams and Request objects first: several CPU-ms per
// send at a few thousand a second, and a send whose slot was checked on time reached the carrier late under load).
// Redirects are not followed: a redirected POST would be replayed, and a 3xx says the URL is wrong.
const dispatcher = new Agent({ keepAliveTimeout: 30_000 });

async function call(
  url: string,
  options: {
    method: 'GET' | 'POST';
    headers: Record<string, string>;
    body?: string;
    deadlineMs: number;
    stampDispatch?: boolean;
  },
): Promise<CarrierAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  // Taken last, right before the request is handed over: nothing of ours runs between it and the write.
  if (options.stampDispatch) headers[DISPATCH_STAMP_HEADER] = String(performance.timeOrigin + performance.now());
  const response = await request(url, {
    method: options.method,
    headers,
    body: options.body,
    dispatcher,
    // One deadline for connecting, writing and reading the whole body.
    signal: AbortSignal.timeout(options.deadlineMs),
  });
  // Read inside the caller's try, so the deadline covers the body and the connection goes back to the pool.
  const text = await response.body.text();
  const raw = response.headers;
  const get = (name: string): string | null => {
    const value = raw[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : (value ?? null);
  };
  return { status: response.statusCode, headers: { get }, text };
}

async function getList(
  url: string,
  authorization: string,
  timeoutMs: number,
): Promise<{ messages: CarrierMessage[]; nextPageUri: string | null }> {
  let response: CarrierAnswer;
  try {
    response = await call(url, { method: 'GET', headers: { authorization }, deadlineMs: timeoutMs });
  } catch (err) {
    throw new CarrierUnavailableError(describeRequestFailure(err, timeoutMs), { cause: err });
  }
  const { text } = response;
  const payload = parseJsonObject(text);
  if (response.status !== 200 || !Array.isArray(payload?.messages)) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    throw new CarrierUnavailableError(
      `carrier could not list messages (${response.status}): ${summarize(response.status, text)}`,
      {
        status: response.status,
        retryAfterMs,
      },
    );
  }
  const messages = (payload.messages as Record<string, unknown>[]).map((m) => ({
    sid: String(m.sid),
    status: String(m.status),
    errorCode: m.error_code === null || m.error_code === undefined ? null : String(m.error_code),
    createdAt: Date.parse(String(m.date_created)),
    body: String(m.body ?? ''),
  }));
  const next = typeof payload.next_page_uri === 'string' && payload.next_page_uri ? payload.next_page_uri : null;
  return { messages, nextPageUri: next };
}

/** interpretResponse turns one HTTP answer from the Messages API into an outcome, or throws when it is transient. */
export function interpretResponse(status: number, headers: Pick<Headers, 'get'>, text: string): SendOutcome {
  const payload = parseJsonObject(text);
  if (status >= 200 && status < 300) {
    if (typeof payload?.sid === 'string' && payload.sid) return { kind: 'accepted', sid: payload.sid };
    // Retrying is safe (same idempotency key) and better than losing track of a message we cannot reference.
    throw new CarrierUnavailableError(`carrier answered ${status} without a message sid`, { status });
  }
  const code = typeof payload?.code === 'number' ? payload.code : null;
  const message = typeof payload?.message === 'string' && payload.message ? payload.message : summarize(status, text);
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
  // The code says more than the status (Twilio answers 20003 with 401, 20429 with 429): the table decides first.
  switch (refusalScopeOf(code)) {
    case 'recipient':
      return { kind: 'rejected', code, message };
    case 'opt_out':
      return { kind: 'opted_out', code: OPTED_OUT_CODE, message };
    case 'sender':
      return { kind: 'sender_refused', code, message };
    case 'transient':
      throw new CarrierUnavailableError(`carrier busy (${code}): ${message}`, { status, retryAfterMs });
  }
  // 408 is the server giving up on us, as transient as a 5xx.
  if (status === 429 || status === 408 || status >= 500) {
    throw new CarrierUnavailableError(`carrier unavailable (${status}): ${message}`, { status, retryAfterMs });
  }
  // Credentials the carrier refuses are about every message, never this recipient's.
  if (status === 401 || status === 403) return { kind: 'sender_refused', code, message };
  if (status >= 400) {
    // A code nobody taught the engine: logged with the body, retried as transient (it may pass), and paused on once
    // it outlasts the engine's patience; never a silent failure of the recipient.
    log.warn({ status, code, body: text.slice(0, 500) }, 'the carrier refused a send with an unknown error code');
    throw new CarrierRefusalUnknown(code, `carrier refused (${status}, code ${code ?? 'none'}): ${message}`, {
      status,
    });
  }
  // 1xx/3xx mean a misconfigured URL or proxy, not a verdict on this message: keep it for a retry.
  throw new CarrierUnavailableError(`unexpected carrier answer ${status}: ${message}`, { status });
}

/** parseRetryAfter reads a Retry-After header (delta seconds or HTTP date) as milliseconds, null when absent or bad. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function summarize(status: number, text: string): string {
  const snippet = text.trim().slice(0, 200);
  return snippet ? `HTTP ${status}: ${snippet}` : `HTTP ${status}`;
}

function describeRequestFailure(err: unknown, timeoutMs: number): string {
  // Duck-typed: the client's errors may come from another realm (e.g. under Jest), where instanceof Error fails.
  const error = (err ?? {}) as { name?: unknown; message?: unknown; cause?: { message?: unknown } };
  if (error.name === 'TimeoutError' || error.name === 'AbortError')
    return `carrier did not answer within ${timeoutMs} ms`;
  const detail = failureCode(err) ?? error.cause?.message ?? error.message ?? err;
  return `carrier unreachable: ${String(detail)}`;
}
