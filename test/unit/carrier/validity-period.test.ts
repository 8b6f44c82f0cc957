import { createTwilioCarrier } from '../../../src/carrier/twilio-carrier';
import { ACCOUNT_SID, AUTH_TOKEN, startSimulator, type RunningSimulator } from './harness';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

describe('the validity left of a message goes to the carrier', () => {
  it('sends ValidityPeriod when the message has one, and none otherwise', async () => {
    await sim.control('POST', '/reset');
    const carrier = createTwilioCarrier({ apiUrl: sim.url, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const base = { to: '+15551230001', from: '+15559870001', body: 'Doors open at 8' };
    await carrier.send({ ...base, idempotencyKey: 'validity-1', validityPeriodSeconds: 1234 });
    await carrier.send({ ...base, idempotencyKey: 'validity-2' });
    const { json } = await sim.control('GET', '/messages');
    const [withPeriod, without] = json as { validityPeriod?: number }[];
    expect(withPeriod.validityPeriod).toBe(1234);
    expect(without.validityPeriod).toBeUndefined();
  });
});
