import express from 'express';
import { CarrierInDoubtError, CarrierUnavailableError, type OutboundSms } from '../../../src/carrier/carrier';
import {
  createTwilioCarrier,
  DISPATCH_STAMP_HEADER,
  interpretResponse,
  parseRetryAfter,
} from '../../../src/carrier/twilio-carrier';
import { ACCOUNT_SID, AUTH_TOKEN, listen, startSimulator, type RunningSimulator } from './harness';

let sim: RunningSimulator;
let keySeq = 0;

const sms = (overrides: Partial<OutboundSms> = {}): OutboundSms => ({
  to: '+15551230001',
  from: '+15559870001',
  body: 'Hello from the campaign',
  idempotencyKey: `test-key-${++keySeq}`,
  ...overrides,
});
const carrier = (
  overrides: { authToken?: string; timeoutMs?: number; apiUrl?: string; stampDispatch?: boolean } = {},
) => createTwilioCarrier({ apiUrl: sim.url, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, ...overrides });

// Resolves with the thrown CarrierUnavailableError, failing the test if the send did anything else.
async function unavailable(promise: Promise<unknown>): Promise<CarrierUnavailableError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected CarrierUnavailableError, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(CarrierUnavailableError);
  return outcome.error as CarrierUnavailableError;
}

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(async () => {
  await sim.control('POST', '/reset');
});

describe('createTwilioCarrier against the simulator', () => {
  it('returns accepted with the sid on 201 and sends every field', async () => {
    const message = sms({ statusCallback: 'http://127.0.0.1:1/webhooks/twilio/status' });
    const outcome = await carrier({ apiUrl: `${sim.url}/` }).send(message);
    expect(outcome).toEqual({ kind: 'accepted', sid: expect.stringMatching(/^SM[0-9a-f]{32}$/) });

    const { json } = await sim.control('GET', '/messages');
    expect(json).toEqual([
      {
        index: 0,
        sid: outcome.kind === 'accepted' ? outcome.sid : '',
        to: message.to,
        from: message.from,
        body: message.body,
        idempotencyKey: message.idempotencyKey,
        statusCallback: message.statusCallback,
        receivedAt: expect.any(Number),
      },
    ]);
  });

  it('returns rejected with code 21211 for an invalid number', async () => {
    await sim.control('PATCH', '/mode', { invalidNumbers: ['+15550000000'] });
    await expect(carrier().send(sms({ to: '+15550000000' }))).resolves.toEqual({
      kind: 'rejected',
      code: 21211,
      message: expect.stringContaining('not a valid phone number'),
    });
    // A number that is not E.164 at all gets the same verdict from the carrier.
    await expect(carrier().send(sms({ to: '555-1234' }))).resolves.toMatchObject({ kind: 'rejected', code: 21211 });
  });

  it('returns opted_out for 400 with code 21610', async () => {
    await sim.control('PATCH', '/mode', { optedOutNumbers: ['+15550000001'] });
    await expect(carrier().send(sms({ to: '+15550000001' }))).resolves.toEqual({
      kind: 'opted_out',
      code: 21610,
      message: 'Attempt to send to unsubscribed recipient',
    });
  });

  it('answers sender_refused on bad credentials (20003): the account is at fault, never the recipient', async () => {
    await expect(carrier({ authToken: 'wrong' }).send(sms())).resolves.toMatchObject({
      kind: 'sender_refused',
      code: 20003,
    });
  });

  it('throws CarrierUnavailableError with Retry-After on 429, then succeeds', async () => {
    await sim.control('PATCH', '/mode', { throttleNext: 1, retryAfterSeconds: 7 });
    const error = await unavailable(carrier().send(sms()));
    expect(error).toMatchObject({ status: 429, retryAfterMs: 7000 });
    await expect(carrier().send(sms())).resolves.toMatchObject({ kind: 'accepted' });
  });

  it('throws CarrierUnavailableError on 503, from failNext and from an outage', async () => {
    await sim.control('PATCH', '/mode', { failNext: 1 });
    expect(await unavailable(carrier().send(sms()))).toMatchObject({ status: 503, retryAfterMs: null });
    await sim.control('PATCH', '/mode', { outage: true });
    expect(await unavailable(carrier().send(sms()))).toMatchObject({ status: 503 });
    await sim.control('PATCH', '/mode', { outage: false });
    await expect(carrier().send(sms())).resolves.toMatchObject({ kind: 'accepted' });
    expect((await sim.control('GET', '/stats')).json).toMatchObject({ accepted: 1, failedInjected: 2 });
  });

  it('throws CarrierInDoubtError on timeout, and findSent finds the message the carrier accepted late', async () => {
    await sim.control('PATCH', '/mode', { latencyMs: 300 });
    const message = sms();
    const since = Date.now();
    const error = await unavailable(carrier({ timeoutMs: 50 }).send(message));
    expect(error).toBeInstanceOf(CarrierInDoubtError);
    expect(error.status).toBeNull();
    expect(error.message).toMatch(/did not answer within 50 ms/);

    // Twilio ignores Idempotency-Key: the carrier accepted the first attempt after its latency, and only a look-up
    // tells. A resend would be a second message.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await sim.control('PATCH', '/mode', { latencyMs: 0 });
    const found = await carrier().findSent({ to: message.to, from: message.from, body: message.body, since });
    const { json: messages } = await sim.control('GET', '/messages');
    expect(messages).toHaveLength(1);
    expect(found).toEqual([expect.objectContaining({ sid: messages[0].sid, body: message.body })]);
  });

  it('findSent finds a message still queued at the carrier, which a DateSent filter would leave out', async () => {
    // No receipts: the message never leaves the simulator's queue, so it has no date_sent, as a message Twilio still
    // holds in its queue has none. An in-doubt send is exactly that message; not finding it would send it twice.
    await sim.control('PATCH', '/mode', { autoDeliver: false });
    const message = sms();
    const since = Date.now();
    const sent = await carrier().send(message);
    const found = await carrier().findSent({ to: message.to, from: message.from, body: message.body, since });
    expect(found).toEqual([
      expect.objectContaining({ sid: sent.kind === 'accepted' ? sent.sid : '', status: 'queued' }),
    ]);
  });

  it('findSent follows next_page_uri, newest first, and keeps only the same body since the given time', async () => {
    const before = await carrier().send(sms({ body: 'Reminder' }));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const since = Date.now();
    const sids: string[] = [];
    for (let i = 0; i < 120; i++) {
      const outcome = await carrier().send(sms({ body: i % 40 === 0 ? 'Reminder' : `Other ${i}` }));
      if (i % 40 === 0 && outcome.kind === 'accepted') sids.push(outcome.sid);
    }
    const message = sms({ body: 'Reminder' });
    const found = await carrier().findSent({ to: message.to, from: message.from, body: 'Reminder', since });
    expect(found.map((m) => m.sid)).toEqual([...sids].reverse());
    expect(found.map((m) => m.sid)).not.toContain(before.kind === 'accepted' ? before.sid : '');
  });

  it('throws CarrierUnavailableError when the connection is refused', async () => {
    const closed = await listen(express());
    await closed.close();
    const error = await unavailable(carrier({ apiUrl: closed.url }).send(sms()));
    expect(error.status).toBeNull();
    expect(error.message).toMatch(/ECONNREFUSED/);
    // Refused before a byte was written: certainly not sent, so no look-up is needed before the retry.
    expect(error).not.toBeInstanceOf(CarrierInDoubtError);
  });

  it('stamps each send with the moment it was handed to the connection only when asked (CARRIER_DISPATCH_STAMP)', async () => {
    const stamps: (string | undefined)[] = [];
    const app = express();
    app.post(/Messages\.json$/, (req, res) => {
      stamps.push(req.get(DISPATCH_STAMP_HEADER));
      res.status(201).json({ sid: `SM${stamps.length}` });
    });
    const server = await listen(app);
    try {
      const before = performance.timeOrigin + performance.now();
      await carrier({ apiUrl: server.url, stampDispatch: true }).send(sms());
      const after = performance.timeOrigin + performance.now();
      await carrier({ apiUrl: server.url }).send(sms());
      const stamped = Number(stamps[0]);
      expect(stamped).toBeGreaterThanOrEqual(before);
      expect(stamped).toBeLessThanOrEqual(after);
      // A real carrier has no use for it: off by default.
      expect(stamps[1]).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('sends Idempotency-Key: a carrier that honours it records a repeated key once and answers the same sid', async () => {
    await sim.control('PATCH', '/mode', { honourIdempotencyKey: true });
    const message = sms();
    const first = await carrier().send(message);
    const again = await carrier().send(message);
    const concurrent = await Promise.all([carrier().send(message), carrier().send(message)]);
    expect(first.kind).toBe('accepted');
    for (const outcome of [again, ...concurrent]) expect(outcome).toEqual(first);
    expect((await sim.control('GET', '/messages')).json).toHaveLength(1);
    expect((await sim.control('GET', '/stats')).json).toMatchObject({ accepted: 1, duplicates: 3, keyConflicts: 0 });
  });

  it('counts a key reused for a different message as a conflict, keeping the original (key honoured)', async () => {
    await sim.control('PATCH', '/mode', { honourIdempotencyKey: true });
    const first = await carrier().send(sms({ idempotencyKey: 'shared' }));
    const other = await carrier().send(sms({ idempotencyKey: 'shared', to: '+15551239999' }));
    expect(other).toEqual(first);
    expect((await sim.control('GET', '/stats')).json).toMatchObject({ accepted: 1, duplicates: 1, keyConflicts: 1 });
  });
});

describe('warmUp', () => {
  it('opens several connections with authenticated reads of the Messages list: nothing unauthenticated, nothing sent', async () => {
    const seen: { method: string; path: string; type: string | undefined; authorization: string | undefined }[] = [];
    const connections = new Set<number | undefined>();
    const app = express();
    app.use((req, res) => {
      seen.push({
        method: req.method,
        path: req.path,
        type: req.get('content-type'),
        authorization: req.get('authorization'),
      });
      connections.add(req.socket.remotePort);
      res.status(404).end();
    });
    const server = await listen(app);
    try {
      await carrier({ apiUrl: server.url }).warmUp!();
    } finally {
      await server.close();
    }
    expect(seen.length).toBeGreaterThan(1);
    // Several connections at once, as overlapping sends need them, not one reused.
    expect(connections.size).toBeGreaterThan(1);
    for (const request of seen)
      expect(request).toEqual({
        method: 'GET',
        path: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`,
        type: undefined,
        authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
      });
  });

  it('leaves the simulator without a message and gives up quietly when the carrier cannot be reached', async () => {
    await carrier().warmUp!();
    expect((await sim.control('GET', '/messages')).json).toEqual([]);
    const closed = await listen(express());
    await closed.close();
    await expect(carrier({ apiUrl: closed.url }).warmUp!()).resolves.toBeUndefined();
  });
});

describe('interpretResponse', () => {
  const headers = (init: Record<string, string> = {}) => new Headers(init);

  it('treats 5xx without a JSON body as unavailable, keeping the text', () => {
    expect(() => interpretResponse(502, headers({ 'retry-after': '3' }), '<html>Bad gateway</html>')).toThrow(
      expect.objectContaining({ status: 502, retryAfterMs: 3000, message: expect.stringContaining('Bad gateway') }),
    );
  });

  it('treats a 2xx without a sid as unavailable rather than accepted', () => {
    expect(() => interpretResponse(201, headers(), '{}')).toThrow(CarrierUnavailableError);
  });

  it('treats 408 and redirects as unavailable, other 4xx with codes it does not know as unknown refusals', () => {
    expect(() => interpretResponse(408, headers(), '')).toThrow(CarrierUnavailableError);
    expect(() => interpretResponse(302, headers(), '')).toThrow(CarrierUnavailableError);
    // Never the recipient's failure on a guess: retried as transient, and the campaign pauses on it past a bound.
    expect(() => interpretResponse(404, headers(), '{"code":20404,"message":"Not found"}')).toThrow(
      expect.objectContaining({ name: 'CarrierRefusalUnknown', code: 20404 }),
    );
    expect(() => interpretResponse(413, headers(), '')).toThrow(
      expect.objectContaining({ name: 'CarrierRefusalUnknown', code: null }),
    );
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
