// Twilio's X-Twilio-Signature scheme, shared by the API (verifying webhooks) and the simulator (signing them).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** twilioSignature returns base64 HMAC-SHA1, keyed by the auth token, of the URL then each param name+value by name. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  // Plain code-unit ordering, as Twilio's own libraries sort; localeCompare would disagree on case and symbols.
  const names = Object.keys(params).sort();
  let payload = url;
  for (const name of names) payload += name + params[name];
  return createHmac('sha1', authToken).update(payload, 'utf8').digest('base64');
}

/** isValidTwilioSignature checks a received signature in constant time; a missing one is never valid. */
export function isValidTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  signature: string | undefined | null,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params), 'utf8');
  const received = Buffer.from(signature, 'utf8');
  // timingSafeEqual throws on unequal lengths; the length of a valid signature is public anyway (always 28).
  return expected.length === received.length && timingSafeEqual(expected, received);
}
