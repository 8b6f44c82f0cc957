// Test plumbing: read the simulator's Messages resource as a Twilio client does, with Basic auth.
import { ACCOUNT_SID, AUTH_TOKEN, readJson, type JsonReply, type RunningSimulator } from '../carrier/harness';

/** basicAuth is the Authorization header for an account's credentials (the test account's by default). */
export function basicAuth(accountSid = ACCOUNT_SID, authToken = AUTH_TOKEN): string {
  return `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
}

/** MESSAGES is the test account's Messages list resource. */
export const MESSAGES = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages`;

/** getTwilio GETs a path (with its query) from the simulator, as the carrier adapter would. */
export async function getTwilio(
  sim: RunningSimulator,
  pathAndQuery: string,
  authorization = basicAuth(),
): Promise<JsonReply> {
  return readJson(await fetch(new URL(pathAndQuery, sim.url), { headers: { authorization } }));
}

/** listAll reads the Messages list from a first query to the last page, following next_page_uri. */
export async function listAll(sim: RunningSimulator, query: string): Promise<{ pages: JsonReply[]; sids: string[] }> {
  const pages: JsonReply[] = [];
  let next: string | null = `${MESSAGES}.json?${query}`;
  while (next) {
    const page = await getTwilio(sim, next);
    expect(page.status).toBe(200);
    pages.push(page);
    next = page.json.next_page_uri;
    if (pages.length > 100) throw new Error('next_page_uri never ends');
  }
  return { pages, sids: pages.flatMap((page) => page.json.messages.map((m: { sid: string }) => m.sid)) };
}

/**
 * sendAt stores a message as if it arrived at the given time and left the carrier's queue then (the list's dates
 * need messages from other days).
 */
export function sendAt(sim: RunningSimulator, at: string, to: string, from = '+15559870001', body = 'hi'): string {
  const index = sim.sim.state.messages.append({
    to,
    from,
    body,
    idempotencyKey: null,
    receivedAt: Date.parse(at),
  });
  sim.sim.state.messages.setProgress(index, 'sent', null, Date.parse(at));
  return sim.sim.state.messages.sidOf(index);
}
