import { isValidTwilioSignature } from '../../../src/carrier/webhook-signature';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  startReceiver,
  startSimulator,
  type Receiver,
  type ReceivedWebhook,
  type RunningSimulator,
} from '../carrier/harness';
import { getTwilio, MESSAGES } from './twilio-api';

const SENDER = '+15559870001';
const LANDLINE = '+15550000006';

let receiver: Receiver;
// Created without autoDeliver: status callbacks are the default.
let sim: RunningSimulator;
beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startSimulator({ webhookUrl: receiver.url });
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

const send = async (to: string, extra: Record<string, string> = {}) =>
  (await sim.send({ To: to, From: SENDER, Body: 'Your parcel is on its way', ...extra })).json.sid as string;
const recipients = (count: number) => Array.from({ length: count }, (_, i) => `+1555123${String(i).padStart(4, '0')}`);
const finalOf = (webhooks: ReceivedWebhook[], sid: string) =>
  webhooks.find((w) => w.params.MessageSid === sid && w.params.MessageStatus !== 'sent');
const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

describe('status callbacks like a carrier, by default', () => {
  it("posts a signed `sent` and then a `delivered` callback per message, with Twilio's parameters", async () => {
    const callback = `${receiver.url}/webhooks/twilio/status?messageId=1234567`;
    const first = await send('+15551230001', { StatusCallback: callback });
    const second = await send('+15551230002');
    const webhooks = await receiver.waitFor(4);
    for (const sid of [first, second]) {
      const mine = webhooks.filter((w) => w.params.MessageSid === sid);
      expect(mine.map((w) => w.params.MessageStatus)).toEqual(['sent', 'delivered']);
    }
    const [sent, delivered] = webhooks.filter((w) => w.params.MessageSid === first);
    // The StatusCallback exactly as it was sent, query string and all.
    expect(sent.url).toBe(callback);
    expect(delivered.params).toEqual({
      ApiVersion: '2010-04-01',
      MessageSid: first,
      SmsSid: first,
      MessageStatus: 'delivered',
      SmsStatus: 'delivered',
      AccountSid: ACCOUNT_SID,
      From: SENDER,
      To: '+15551230001',
    });
    expect(finalOf(webhooks, second)?.url).toBe(`${receiver.url}/webhooks/twilio/status`);
    for (const webhook of webhooks)
      expect(isValidTwilioSignature(AUTH_TOKEN, webhook.url, webhook.params, webhook.signature)).toBe(true);
    await settle();
    expect(receiver.received).toHaveLength(4);
    expect((await sim.control('GET', '/stats')).json).toMatchObject({ receiptsSent: 4, receiptsFailed: 0 });
    expect((await getTwilio(sim, `${MESSAGES}/${first}.json`)).json).toMatchObject({ status: 'delivered' });
  });

  it('waits sentDelayMs for `sent` and deliveryDelayMs more for the final callback', async () => {
    await sim.control('PATCH', '/mode', { sentDelayMs: 60, deliveryDelayMs: 90 });
    const sentAt = Date.now();
    await send('+15551230001');
    await receiver.waitFor(1);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(55);
    await receiver.waitFor(2);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(145);
  });

  it('posts the final callback alone when sentReceipts is off, and nothing when autoDeliver is off', async () => {
    await sim.control('PATCH', '/mode', { sentReceipts: false });
    await send('+15551230001');
    expect((await receiver.waitFor(1)).map((w) => w.params.MessageStatus)).toEqual(['delivered']);
    await sim.control('PATCH', '/mode', { autoDeliver: false });
    await send('+15551230002');
    await settle();
    expect(receiver.received).toHaveLength(1);
  });

  it('counts the callbacks the API refuses, and drops those still queued on reset', async () => {
    receiver.answerWith = 500;
    await send('+15551230001');
    await receiver.waitFor(2);
    await settle(20);
    expect((await sim.control('GET', '/stats')).json).toMatchObject({ receiptsSent: 0, receiptsFailed: 2 });

    await sim.control('PATCH', '/mode', { sentDelayMs: 100 });
    await send('+15551230002');
    await sim.control('POST', '/reset');
    await settle(200);
    expect(receiver.received).toHaveLength(2);
  });
});

describe('a configured share of final callbacks reports a failure with a Twilio ErrorCode', () => {
  it('gives exactly the configured shares, with the status Twilio reports for each code', async () => {
    const { status } = await sim.control('PATCH', '/mode', {
      sentReceipts: false,
      receiptFailures: [
        { errorCode: 30007, share: 0.2 },
        { errorCode: 30036, share: 0.1 },
        { errorCode: 30003, share: 0.05, status: 'failed' },
      ],
    });
    expect(status).toBe(200);
    // 42 × the shares: 8.4, 4.2 and 2.1 receipts, so each code has had its whole ones by the last message.
    for (const to of recipients(42)) await send(to);
    const webhooks = await receiver.waitFor(42);
    const outcomes = new Map<string, number>();
    for (const { params } of webhooks) {
      const key = `${params.MessageStatus} ${params.ErrorCode ?? '-'}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(outcomes)).toEqual({
      'delivered -': 28,
      'undelivered 30007': 8,
      'failed 30036': 4,
      'failed 30003': 2,
    });
    const filtered = webhooks.find((w) => w.params.ErrorCode === '30007');
    expect((await getTwilio(sim, `${MESSAGES}/${filtered?.params.MessageSid}.json`)).json).toMatchObject({
      status: 'undelivered',
      error_code: 30007,
      error_message: 'Message filtered',
    });
  });

  it('ends every message to an overridden number the same way, whatever the shares', async () => {
    await sim.control('PATCH', '/mode', {
      receiptFailures: [{ errorCode: 30008, share: 1 }],
      receiptErrorsByTo: { [LANDLINE]: 30006, '+15550000034': { errorCode: 30034, status: 'undelivered' } },
    });
    const landline = [await send(LANDLINE), await send(LANDLINE)];
    const unregistered = await send('+15550000034');
    const other = await send('+15551230001');
    const webhooks = await receiver.waitFor(8);
    for (const sid of landline)
      expect(finalOf(webhooks, sid)?.params).toMatchObject({ MessageStatus: 'undelivered', ErrorCode: '30006' });
    expect(finalOf(webhooks, unregistered)?.params).toMatchObject({ MessageStatus: 'undelivered', ErrorCode: '30034' });
    expect(finalOf(webhooks, other)?.params).toMatchObject({ MessageStatus: 'undelivered', ErrorCode: '30008' });
    const { json: mode } = await sim.control('GET', '/mode');
    expect(mode.receiptErrorsByTo).toEqual({
      [LANDLINE]: { status: 'undelivered', errorCode: 30006 },
      '+15550000034': { status: 'undelivered', errorCode: 30034 },
    });
  });

  it('refuses shares that add up to more than one', async () => {
    const { status, json } = await sim.control('PATCH', '/mode', {
      receiptFailures: [
        { errorCode: 30003, share: 0.6 },
        { errorCode: 30005, share: 0.5 },
      ],
    });
    expect(status).toBe(400);
    expect(json.error.message).toContain('more than 1');
  });
});
