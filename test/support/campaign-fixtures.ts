import { randomUUID } from 'node:crypto';
import { Tenant, uniquePhone } from './test-system';

/** Recipient is one row of a generated calling list. */
export interface Recipient {
  phone: string;
  firstName: string;
}

/** csvOf writes recipients as a calling-list CSV with FirstName and Phone columns. */
export function csvOf(recipients: Recipient[]): string {
  return ['FirstName,Phone', ...recipients.map((r) => `${r.firstName},${r.phone}`)].join('\n') + '\n';
}

/** makeRecipients generates n recipients with unique phones. */
export function makeRecipients(n: number): Recipient[] {
  return Array.from({ length: n }, (_, i) => ({ phone: uniquePhone(), firstName: `Person${i + 1}` }));
}

/** createSender registers a long code (or another kind) and returns its id and address. */
export async function createSender(
  tenant: Tenant,
  mps = 50,
  kind = 'long_code',
  address = uniquePhone().replace('+1212', '+1415'),
) {
  const res = await tenant.api.post('/v1/senders', { kind, address, mps });
  if (res.status !== 201) throw new Error(`sender: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; address: string; mps: number };
}

/** uploadList posts recipients as a calling list and returns its id. */
export async function uploadList(tenant: Tenant, recipients: Recipient[]): Promise<string> {
  const res = await tenant.api.uploadCsv(`name=list-${randomUUID().slice(0, 6)}&phoneField=Phone`, csvOf(recipients));
  if (res.status !== 201) throw new Error(`list: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** createCampaign makes a campaign over a list with a one-off message or a template, and returns its id. */
export async function createCampaign(tenant: Tenant, body: Record<string, unknown>): Promise<string> {
  const res = await tenant.api.post('/v1/campaigns', { name: `campaign-${randomUUID().slice(0, 6)}`, ...body });
  if (res.status !== 201) throw new Error(`campaign: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}
