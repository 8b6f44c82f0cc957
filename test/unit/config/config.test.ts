import { readConfig } from '../../../src/config';

describe('CONSENT_LISTENER_NICE', () => {
  it('is the worker’s own priority when unset, and the nice given otherwise', () => {
    expect(readConfig({}).consentListenerNice).toBeNull();
    expect(readConfig({ CONSENT_LISTENER_NICE: '-5' }).consentListenerNice).toBe(-5);
  });

  it.each(['high', '2.5', '20', '-21'])('refuses %s, naming the variable', (value) => {
    expect(() => readConfig({ CONSENT_LISTENER_NICE: value })).toThrow(
      `CONSENT_LISTENER_NICE must be a whole number from -20 to 19, got "${value}"`,
    );
  });
});
