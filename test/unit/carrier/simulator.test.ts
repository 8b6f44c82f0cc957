import express from 'express';
import { isValidTwilioSignature } from '../../../src/carrier/webhook-signature';
import { SlidingWindowCounter } from '../../../src/simulator/sliding-window';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  listen,
  startReceiver,
  startSimulator,
  type Receiver,
  type RunningSimulator,
} from './harness';

let receiver: Receiver;
let sim: RunningSimulator;

const message = (to: string, from = '+15559870001', body = 'hi') => ({ To: to, From: from, Body: body });
const expectSigned = (webhook: { url: string; params: Record<string, string>; signature?: string }) =>
  expect(isValidTwilioSignature(AUTH_TOKEN, webhook.url, webhook.params, webhook.signature)).toBe(true);

beforeAll(async () => {
  receiver = await startReceiver();
  // Status callbacks would mix with the webhooks these tests post on purpose; test/unit/simulator covers them.
  sim = await startSimulator({ webhookUrl: `${receiver.url}/`, autoDeliver: false });
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
beforeEach(async () => {
  await sim.control('POST', '/reset');
  receiver.received.length = 0;
  receiver.answerWith = 200;
});

describe('send endpoint', () => {
  it('requires Basic auth with the account credentials', async () => {
    const wrong = `Basic ${Buffer.from(`${ACCOUNT_SID}:not-the-token`).toString('base64')}`;
    for (const authorization of ['', wrong]) {
      const response = await sim.send(message('+15551230001'), { authorization });
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ code: 20003, status: 401 });
    }
    expect((await sim.control('GET', '/stats')).json).toMatchObject({ accepted: 0, unauthorized: 2 });
  });

  it.each([
    ['To', { From: '+15559870001', Body: 'hi' }, 21604],
    ['From', { To: '+15551230001', Body: 'hi' }, 21603],
    ['Body', { To: '+15551230001', From: '+15559870001' }, 21602],
  ])('answers a missing %s with a Twilio-shaped 400', async (_field, form, code) => {
    const response = await sim.send(form as Record<string, string>);
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      code,
      message: expect.any(String),
      more_info: expect.any(String),
      status: 400,
    });
  });

  it('records the dispatch time a client stamps on its send (X-Dispatched-At), and none when it stamps none', async () => {
    await sim.send(message('+15551230001'), { 'x-dispatched-at': '1796316271227.25' });
    await sim.send(message('+15551230002'));
    await sim.send(message('+15551230003'), { 'x-dispatched-at': 'soon' });
    const recorded = (await sim.control('GET', '/messages')).json as { to: string; dispatchedAt?: number }[];
    expect(recorded.map((m) => [m.to, m.dispatchedAt])).toEqual([
      ['+15551230001', 1796316271227.25],
      ['+15551230002', undefined],
      ['+15551230003', undefined],
    ]);
  });

  it("answers 201 with the queued message as Twilio's Message resource", async () => {
    const response = await sim.send(message('+15551230001'), { 'idempotency-key': 'k1' });
    expect(response.status).toBe(201);
    const sid = response.json.sid;
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(response.json).toMatchObject({
      sid,
      status: 'queued',
      to: '+15551230001',
      from: '+15559870001',
      body: 'hi',
      account_sid: ACCOUNT_SID,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      num_segments: '1',
      date_created: expect.stringMatching(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/),
      uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}.json`,
    });
  });

  it('fails a ratio of sends with 503', async () => {
    await sim.control('PATCH', '/mode', { failRatio: 1 });
    expect((await sim.send(message('+15551230001'))).status).toBe(503);
    await sim.control('PATCH', '/mode', { failRatio: 0 });
    expect((await sim.send(message('+15551230001'))).status).toBe(201);
  });

  it('throttles a From above its configured MPS with 429, and reports the peak it allowed', async () => {
    const from = '+15559870002';
    await sim.control('PATCH', '/mode', { senderMps: { [from]: 3 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const response = await sim.send(message(`+1555123000${i}`, from));
      statuses.push(response.status);
      if (response.status === 429) expect(response.headers.get('retry-after')).toBe('1');
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    const { json: stats } = await sim.control('GET', '/stats');
    expect(stats).toMatchObject({ accepted: 3, throttled: 2, maxPerSecondBySender: { [from]: 3 } });
  });
});

describe('control API', () => {
  it('pages messages with since and limit', async () => {
    for (let i = 0; i < 5; i++) await sim.send(message(`+1555123000${i}`));
    const response = await sim.control('GET', '/messages?since=2&limit=2');
    expect(response.headers.get('x-total-count')).toBe('5');
    expect(response.headers.get('x-next-since')).toBe('4');
    const page = response.json;
    expect(page.map((m: { index: number; to: string }) => [m.index, m.to])).toEqual([
      [2, '+15551230002'],
      [3, '+15551230003'],
    ]);
    expect((await sim.control('GET', '/messages?since=5')).json).toEqual([]);
    expect((await sim.control('GET', '/messages?since=-1')).status).toBe(400);
    expect((await sim.control('GET', `/messages/${page[0].sid}`)).json).toMatchObject({ index: 2 });
    expect((await sim.control('GET', '/messages/SM00000000000000000000000000000000')).status).toBe(404);
  });

  it('streams a large message list as one valid JSON array', async () => {
    // Bypass HTTP for speed: the listing, not the send path, is under test.
    const log = sim.sim.state.messages;
    for (let i = 0; i < 3000; i++) {
      log.append({
        to: '+15551230001',
        from: '+15559870001',
        body: 'x'.repeat(50),
        idempotencyKey: `k${i}`,
        receivedAt: i,
      });
    }
    const { json } = await sim.control('GET', '/messages');
    expect(json).toHaveLength(3000);
    expect(json[2999]).toMatchObject({ index: 2999, idempotencyKey: 'k2999' });
  });

  it('rejects an invalid mode patch and shows the mode', async () => {
    expect((await sim.control('PATCH', '/mode', { failRatio: 2 })).status).toBe(400);
    expect((await sim.control('PATCH', '/mode', { bogus: true })).status).toBe(400);
    const { json } = await sim.control('PATCH', '/mode', { latencyMs: 5, invalidNumbers: ['+15550000000'] });
    expect(json).toMatchObject({ latencyMs: 5, invalidNumbers: ['+15550000000'], outage: false });
  });

  it('reset forgets messages, counters and mode, and old sids', async () => {
    await sim.control('PATCH', '/mode', { failNext: 1 });
    await sim.send(message('+15551230001'));
    const sid = (await sim.send(message('+15551230001'))).json.sid;
    await sim.control('POST', '/reset');
    expect((await sim.control('GET', '/stats')).json).toMatchObject({ accepted: 0, failedInjected: 0 });
    expect((await sim.control('GET', '/mode')).json).toMatchObject({ failNext: 0 });
    expect((await sim.control('GET', `/messages/${sid}`)).status).toBe(404);
    const again = (await sim.send(message('+15551230001'))).json.sid;
    expect(again).not.toBe(sid);
  });

  it('posts a signed inbound message to the API and reports its answer', async () => {
    receiver.answerWith = 204;
    const { status, json } = await sim.control('POST', '/inbound', {
      from: '+15551230001',
      to: '+15559870001',
      body: 'STOP',
    });
    expect(status).toBe(200);
    expect(json).toEqual({ status: 204, sid: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    const [webhook] = await receiver.waitFor(1);
    expect(webhook.url).toBe(`${receiver.url}/webhooks/twilio/inbound`);
    expect(webhook.params).toEqual({
      MessageSid: json.sid,
      AccountSid: ACCOUNT_SID,
      From: '+15551230001',
      To: '+15559870001',
      Body: 'STOP',
    });
    expectSigned(webhook);
    expect(isValidTwilioSignature('another-token', webhook.url, webhook.params, webhook.signature)).toBe(false);
  });

  it("passes the API's refusal through and can replay an inbound sid", async () => {
    receiver.answerWith = 403;
    const body = { from: '+15551230001', to: '+15559870001', body: 'hi', sid: 'SMreplay' };
    expect((await sim.control('POST', '/inbound', body)).json).toEqual({ status: 403, sid: 'SMreplay' });
  });

  it('posts a signed status receipt with To, From and ErrorCode', async () => {
    const sent = (await sim.send(message('+15551230001'))).json;
    const { json } = await sim.control('POST', '/status', { sid: sent.sid, status: 'undelivered', errorCode: 30003 });
    expect(json).toEqual({ status: 200, sid: sent.sid });
    const [webhook] = await receiver.waitFor(1);
    expect(webhook.url).toBe(`${receiver.url}/webhooks/twilio/status`);
    expect(webhook.params).toEqual({
      ApiVersion: '2010-04-01',
      MessageSid: sent.sid,
      SmsSid: sent.sid,
      MessageStatus: 'undelivered',
      SmsStatus: 'undelivered',
      AccountSid: ACCOUNT_SID,
      To: '+15551230001',
      From: '+15559870001',
      ErrorCode: '30003',
    });
    expectSigned(webhook);
    expect((await sim.control('POST', '/status', { sid: sent.sid, status: 'lost' })).status).toBe(400);
  });

  it("sends receipts to the message's StatusCallback, signing its exact URL", async () => {
    const callback = `${receiver.url}/custom/callback?campaign=7&x=a%20b`;
    const sent = (await sim.send({ ...message('+15551230001'), StatusCallback: callback })).json;
    await sim.control('POST', '/status', { sid: sent.sid, status: 'sent' });
    const [webhook] = await receiver.waitFor(1);
    expect(webhook.url).toBe(callback);
    expectSigned(webhook);
  });

  it('answers 502 when the webhook cannot be reached', async () => {
    const gone = await listen(express());
    await gone.close();
    const lonely = await startSimulator({ webhookUrl: gone.url });
    try {
      const { status, json } = await lonely.control('POST', '/inbound', { from: '+15551230001', to: '+1', body: '' });
      expect(status).toBe(502);
      expect(json.error).toMatchObject({ code: 'webhook_failed', message: expect.stringContaining('ECONNREFUSED') });
    } finally {
      await lonely.close();
    }
  });
});

// Reference: the most timestamps in any half-open window [t, t + 1000), by brute force.
function bruteForceMaxPerSecond(times: number[]): number {
  return Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t < start + 1000).length));
}

describe('maxPerSecondBySender', () => {
  it('counts the busiest sliding second, not calendar seconds', () => {
    const window = new SlidingWindowCounter(1000);
    // Two calendar seconds with 3 each, but 4 fall within [990, 1990).
    for (const t of [0, 10, 990, 999.5, 1500, 1989.9, 1990, 5000]) window.record(t);
    expect(window.max).toBe(4);
    expect(window.countAt(5000)).toBe(1);
  });

  it('matches a brute-force count on random timestamps', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 50; round++) {
      const times: number[] = [];
      let t = 0;
      for (let i = 0; i < 60; i++) times.push((t += random() < 0.2 ? 0 : random() * 150));
      const window = new SlidingWindowCounter(1000);
      times.forEach((time) => window.record(time));
      expect(window.max).toBe(bruteForceMaxPerSecond(times));
    }
  });

  it('matches a brute-force count when arrivals are recorded a little out of order', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 50; round++) {
      const times: number[] = [];
      let t = 0;
      for (let i = 0; i < 200; i++) times.push((t += random() < 0.2 ? 0 : random() * 40));
      // A request's body may be read after a later request's: swap neighbours now and then.
      const recorded = [...times];
      for (let i = 1; i < recorded.length; i++) {
        if (random() < 0.3) [recorded[i - 1], recorded[i]] = [recorded[i], recorded[i - 1]];
      }
      const window = new SlidingWindowCounter(1000);
      recorded.forEach((time) => window.record(time));
      expect(window.max).toBe(bruteForceMaxPerSecond(times));
      expect(window.countAt(t)).toBe(times.filter((x) => x > t - 1000).length);
    }
  });

  it('agrees with the receivedAt timestamps the simulator reports, per sender', async () => {
    for (let i = 0; i < 12; i++) await sim.send(message(`+155512300${String(i).padStart(2, '0')}`, '+15550000001'));
    for (let i = 0; i < 3; i++) await sim.send(message(`+155512301${i}`, '+15550000002'));
    const { json: messages } = await sim.control('GET', '/messages');
    const { json: stats } = await sim.control('GET', '/stats');
    const expected: Record<string, number> = {};
    for (const from of ['+15550000001', '+15550000002']) {
      const times = messages
        .filter((m: { from: string }) => m.from === from)
        .map((m: { receivedAt: number }) => m.receivedAt);
      expected[from] = bruteForceMaxPerSecond(times);
    }
    expect(stats.maxPerSecondBySender).toEqual(expected);
    expect(expected).toEqual({ '+15550000001': 12, '+15550000002': 3 });
  });
});
