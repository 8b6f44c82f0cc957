// The simulator's well-known credentials: the app's config defaults to them so a fresh checkout runs end to end.

/**
 * SIMULATOR_ACCOUNT_SID is the account the simulator accepts unless TWILIO_ACCOUNT_SID says otherwise. It has the
 * shape of a real account SID ('AC' + 32 hex digits), so code that checks that shape passes against the simulator too.
 */
export const SIMULATOR_ACCOUNT_SID = 'AC00000000000000000000000000000000';
/** SIMULATOR_AUTH_TOKEN is the simulator's default auth token; it also signs its webhooks. */
export const SIMULATOR_AUTH_TOKEN = 'simulator-auth-token';
/** SIMULATOR_PORT is where `npm run sim` listens unless SIM_PORT is set. */
export const SIMULATOR_PORT = 4010;
