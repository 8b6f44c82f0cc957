import { startSimulator, type RunningSimulator } from '../carrier/harness';

const message = { To: '+15551230001', From: '+15559870001', Body: 'Your code is 1234' };
const keyed = (key: string) => ({ 'idempotency-key': key });

describe('Idempotency-Key, ignored by default as Twilio ignores it', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ autoDeliver: false });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.control('POST', '/reset'));

  it('accepts every POST as a new message with a new sid, and still counts the repeated keys', async () => {
    const first = await sim.send(message, keyed('k1'));
    const again = await sim.send(message, keyed('k1'));
    const reused = await sim.send({ ...message, To: '+15551230002' }, keyed('k1'));
    expect([first.status, again.status, reused.status]).toEqual([201, 201, 201]);
    expect(new Set([first.json.sid, again.json.sid, reused.json.sid]).size).toBe(3);
    const { json: messages } = await sim.control('GET', '/messages');
    expect(messages.map((m: { sid: string }) => m.sid)).toEqual([first.json.sid, again.json.sid, reused.json.sid]);
    expect((await sim.control('GET', '/stats')).json).toMatchObject({ accepted: 3, duplicates: 2, keyConflicts: 1 });
    expect((await sim.control('GET', '/mode')).json).toMatchObject({ honourIdempotencyKey: false });
  });

  it('honours the key once the control API turns honouring on, and forgets that on reset', async () => {
    await sim.control('PATCH', '/mode', { honourIdempotencyKey: true });
    const first = await sim.send(message, keyed('k2'));
    const again = await sim.send(message, keyed('k2'));
    expect(again.json.sid).toBe(first.json.sid);
    expect((await sim.control('GET', '/stats')).json).toMatchObject({ accepted: 1, duplicates: 1 });

    await sim.control('POST', '/reset');
    await sim.send(message, keyed('k3'));
    await sim.send(message, keyed('k3'));
    expect((await sim.control('GET', '/stats')).json).toMatchObject({ accepted: 2, duplicates: 1 });
  });

  it('keeps the first message sent under a key as its original when honouring is turned on later', async () => {
    const first = await sim.send(message, keyed('k4'));
    await sim.send(message, keyed('k4'));
    await sim.control('PATCH', '/mode', { honourIdempotencyKey: true });
    expect((await sim.send(message, keyed('k4'))).json.sid).toBe(first.json.sid);
  });
});

describe('Idempotency-Key honoured by the createSimulator option', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ autoDeliver: false, honourIdempotencyKey: true });
  });
  afterAll(() => sim.close());

  it('answers a repeated key with the original message, also after a reset', async () => {
    for (const round of [1, 2]) {
      const first = await sim.send(message, keyed(`k${round}`));
      const again = await sim.send(message, keyed(`k${round}`));
      expect(again.json.sid).toBe(first.json.sid);
      expect((await sim.control('GET', '/stats')).json).toMatchObject({ accepted: 1, duplicates: 1 });
      await sim.control('POST', '/reset');
    }
  });
});
