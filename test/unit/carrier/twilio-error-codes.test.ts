import { CarrierRefusalUnknown, CarrierUnavailableError } from '../../../src/carrier/carrier';
import { interpretResponse } from '../../../src/carrier/twilio-carrier';
import { TWILIO_ERROR_CODES } from '../../../src/carrier/twilio-error-codes';

// Twilio's error body, as its API answers a refused CreateMessage.
function refusal(status: number, code: number | null, headers: Record<string, string> = {}) {
  const body = JSON.stringify({
    code,
    message: `refused with ${code}`,
    more_info: 'https://www.twilio.com/docs',
    status,
  });
  return () => interpretResponse(status, new Headers(headers), body);
}

const STATUS_OF: Record<number, number> = { 20003: 401, 20429: 429 };

describe("Twilio's error codes mean what Twilio says: one table, one row each", () => {
  it.each([
    [21211, 'rejected'],
    [21614, 'rejected'],
    [21612, 'rejected'],
    [21610, 'opted_out'],
    [20003, 'sender_refused'],
    [21606, 'sender_refused'],
    [21212, 'sender_refused'],
    [21659, 'sender_refused'],
    [30034, 'sender_refused'],
    [21408, 'sender_refused'],
  ])('%i is %s', (code, kind) => {
    expect(refusal(STATUS_OF[code] ?? 400, code)()).toEqual({ kind, code, message: `refused with ${code}` });
  });

  it.each([20429, 21611])('%i is transient: thrown to be retried, honouring Retry-After', (code) => {
    const answer = refusal(STATUS_OF[code] ?? 400, code, { 'retry-after': '3' });
    expect(answer).toThrow(CarrierUnavailableError);
    expect(answer).not.toThrow(CarrierRefusalUnknown);
    try {
      answer();
    } catch (error) {
      expect((error as CarrierUnavailableError).retryAfterMs).toBe(3000);
    }
  });

  it('has a test row for every code in the table', () => {
    const tested = [21211, 21614, 21612, 21610, 20003, 21606, 21212, 21659, 30034, 21408, 20429, 21611];
    expect(Object.keys(TWILIO_ERROR_CODES).map(Number).sort()).toEqual([...tested].sort());
  });

  it('an unknown code is neither the recipient’s failure nor dropped: retried as transient, as an unknown refusal', () => {
    const answer = refusal(400, 29999);
    expect(answer).toThrow(CarrierRefusalUnknown);
    try {
      answer();
    } catch (error) {
      expect(error).toMatchObject({ code: 29999 });
    }
  });

  it('credentials refused without a code are the account’s problem, not the recipient’s', () => {
    expect(refusal(401, null)()).toMatchObject({ kind: 'sender_refused', code: null });
    expect(refusal(403, null)()).toMatchObject({ kind: 'sender_refused', code: null });
  });

  it('429, 408 and 5xx without a known code are transient', () => {
    for (const status of [429, 408, 500, 503]) expect(refusal(status, null)).toThrow(CarrierUnavailableError);
  });
});
