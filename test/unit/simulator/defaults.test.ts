import { readConfig } from '../../../src/config';
import { SIMULATOR_ACCOUNT_SID } from '../../../src/simulator/defaults';

describe("the simulator's default account", () => {
  it("has the shape of a Twilio account SID ('AC' + 32 hex digits), and is the configuration's default", () => {
    expect(SIMULATOR_ACCOUNT_SID).toMatch(/^AC[0-9a-f]{32}$/);
    expect(readConfig({}).twilioAccountSid).toBe(SIMULATOR_ACCOUNT_SID);
  });
});
