import { ACCOUNT_SID, startReceiver, startSimulator, type Receiver, type RunningSimulator } from '../carrier/harness';
import { basicAuth } from './twilio-api';

const SENDER = '+15559870001';
const message = (to = '+15551230001', from = SENDER) => ({ To: to, From: from, Body: 'hi' });

let sim: RunningSimulator;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startSimulator({ webhookUrl: receiver.url, autoDeliver: false });
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
beforeEach(async () => {
  await sim.control('POST', '/reset');
  receiver.received.length = 0;
});

// A raw POST, so the test sees exactly what the client sees: the answer, or the error fetch throws.
const post = (form: Record<string, string>, timeoutMs = 5000) =>
  fetch(`${sim.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
    method: 'POST',
    headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(timeoutMs),
  });
const failureOf = (request: Promise<unknown>) =>
  request.then(
    () => {
      throw new Error('the request got an answer');
    },
    (error: unknown) => error as Error & { cause?: { code?: string } },
  );
const accepted = async () => (await sim.control('GET', '/messages')).json as { sid: string; to: string }[];

describe('accept, then drop the connection before answering', () => {
  it('stores the message, resets the connection, and still sends its status callbacks', async () => {
    await sim.control('PATCH', '/mode', { dropAfterAcceptNext: 1, autoDeliver: true });
    const error = await failureOf(post(message()));
    expect(error.name).toBe('TypeError');
    expect(error.cause?.code).toBe('UND_ERR_SOCKET');
    const [stored] = await accepted();
    expect(stored).toMatchObject({ to: '+15551230001' });
    const callbacks = await receiver.waitFor(2);
    expect(callbacks.map((c) => [c.params.MessageSid, c.params.MessageStatus])).toEqual([
      [stored.sid, 'sent'],
      [stored.sid, 'delivered'],
    ]);
    // Only the next one: the send after it is answered.
    expect((await post(message())).status).toBe(201);
    expect((await sim.control('GET', '/stats')).json).toMatchObject({ accepted: 2, droppedAfterAccept: 1 });
  });

  it('drops a ratio of accepted sends', async () => {
    await sim.control('PATCH', '/mode', { dropAfterAcceptRatio: 1 });
    for (let i = 0; i < 3; i++) expect((await failureOf(post(message()))).cause?.code).toBe('UND_ERR_SOCKET');
    await sim.control('PATCH', '/mode', { dropAfterAcceptRatio: 0 });
    expect((await post(message())).status).toBe(201);
    expect(await accepted()).toHaveLength(4);
  });

  it('leaves refusals alone: nothing was accepted, so the answer arrives', async () => {
    await sim.control('PATCH', '/mode', { dropAfterAcceptNext: 1, recipientErrors: { '+15550000001': 21211 } });
    expect((await post(message('+15550000001'))).status).toBe(400);
    expect((await failureOf(post(message()))).cause?.code).toBe('UND_ERR_SOCKET');
  });
});

describe('answer after N ms', () => {
  it('stores the message at once and answers after answerLateMs, later than a client waits', async () => {
    await sim.control('PATCH', '/mode', { answerLateNext: 1, answerLateMs: 400 });
    const startedAt = Date.now();
    const error = await failureOf(post(message(), 100));
    expect(error.name).toBe('TimeoutError');
    // Stored before the client gave up.
    expect(await accepted()).toHaveLength(1);
    expect((await post(message())).status).toBe(201);
    expect(Date.now() - startedAt).toBeLessThan(400);
    expect((await sim.control('GET', '/stats')).json).toMatchObject({ accepted: 2, answeredLate: 1 });
  });

  it('answers a patient client with the 201 once the delay has passed, for a ratio of sends', async () => {
    await sim.control('PATCH', '/mode', { answerLateRatio: 1, answerLateMs: 150 });
    const startedAt = Date.now();
    const response = await post(message());
    expect(response.status).toBe(201);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
    expect(((await response.json()) as { sid: string }).sid).toBe((await accepted())[0].sid);
  });
});

const twilioBody = (code: number, status: number) => ({
  code,
  message: expect.any(String),
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

describe("sender- and account-level refusals with Twilio's codes", () => {
  it.each([
    [21606, 400, 'not a valid message-capable Twilio phone number'],
    [21212, 400, 'not a valid phone number, shortcode, or alphanumeric sender ID'],
    [21659, 400, 'is not a Twilio phone number'],
    [30034, 400, 'unregistered'],
    [21408, 400, 'Permission to send an SMS has not been enabled for the region'],
    [21611, 400, 'exceeded the maximum number of queued messages'],
    [20003, 401, 'Authenticate'],
    [20429, 429, 'Too Many Requests'],
  ])('answers every send from a sender mapped to %i with status %i', async (code, status, wording) => {
    await sim.control('PATCH', '/mode', { senderErrors: { [SENDER]: code }, retryAfterSeconds: 3 });
    const response = await post(message());
    expect(response.status).toBe(status);
    const body = (await response.json()) as { message: string };
    expect(body).toEqual(twilioBody(code, status));
    expect(body.message).toContain(wording);
    if (status === 429) expect(response.headers.get('retry-after')).toBe('3');
    if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
    // Another sender of the same account is not concerned.
    expect((await post(message('+15551230001', '+15559870002'))).status).toBe(201);
    expect((await sim.control('GET', '/stats')).json).toMatchObject({ accepted: 1, senderRefused: 1 });
  });

  it('refuses until the sender is fixed', async () => {
    await sim.control('PATCH', '/mode', { senderErrors: { [SENDER]: 30034 } });
    expect((await post(message())).status).toBe(400);
    const { json: mode } = await sim.control('PATCH', '/mode', { senderErrors: {} });
    expect(mode.senderErrors).toEqual({});
    expect((await post(message())).status).toBe(201);
  });
});

describe("recipient-level refusals with Twilio's codes", () => {
  it.each([
    [21211, "The 'To' number +15550000001 is not a valid phone number."],
    [21614, "'To' number +15550000001 is not a valid mobile number"],
    [21612, "The 'To' phone number: +15550000001, is not currently reachable"],
    [21610, 'Attempt to send to unsubscribed recipient'],
    [21408, "indicated by the 'To' number: +15550000001."],
  ])('answers a send to a number mapped to %i with 400', async (code, wording) => {
    await sim.control('PATCH', '/mode', { recipientErrors: { '+15550000001': code } });
    const response = await post(message('+15550000001'));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string };
    expect(body).toEqual(twilioBody(code, 400));
    expect(body.message).toContain(wording);
    expect((await post(message('+15550000002'))).status).toBe(201);
    expect((await sim.control('GET', '/stats')).json).toMatchObject({ accepted: 1, rejected: 1 });
  });

  it('answers an unlisted code with 400 and that code, so a test can try one the product does not know', async () => {
    await sim.control('PATCH', '/mode', { recipientErrors: { '+15550000001': 21999 } });
    expect(await (await post(message('+15550000001'))).json()).toEqual(twilioBody(21999, 400));
  });

  it('refuses a mode with a code that is not five digits', async () => {
    expect((await sim.control('PATCH', '/mode', { senderErrors: { [SENDER]: 42 } })).status).toBe(400);
    expect((await sim.control('PATCH', '/mode', { recipientErrors: { [SENDER]: '21211' } })).status).toBe(400);
  });
});
