import type { TestSystem } from './test-system';

/**
 * postWebhook posts form parameters to one of the API's carrier webhooks (`/webhooks/twilio/<hook>`) as a carrier
 * would, with the given X-Twilio-Signature or none: for the tests of what the API does with unsigned or forged ones.
 */
export function postWebhook(
  system: TestSystem,
  hook: 'inbound' | 'status',
  params: Record<string, string>,
  signature: string | null = null,
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  return fetch(`${system.config.publicUrl}/webhooks/twilio/${hook}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(params),
  });
}
