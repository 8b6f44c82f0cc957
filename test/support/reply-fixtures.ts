import { getInboundMessage } from '../../src/db/inbound-messages';
import type { InboundMessage } from '../../src/db/schema';
import type { RecordedMessage } from '../../src/simulator/message-log';
import { createCampaign, createSender, makeRecipients, Recipient, uploadList } from './campaign-fixtures';
import { eventually, Tenant, TestSystem, waitForCampaignStatus } from './test-system';

/** reply makes the simulator post a signed inbound webhook, as a handset answering `to`; a given sid replays one. */
export async function reply(
  system: TestSystem,
  message: { from: string; to: string; body: string; sid?: string },
): Promise<{ status: number; sid: string }> {
  const res = await fetch(`${system.config.twilioApiUrl}/control/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
  });
  if (res.status !== 200) throw new Error(`simulator /control/inbound: ${res.status} ${await res.text()}`);
  return (await res.json()) as { status: number; sid: string };
}

/** handled waits until the system has finished handling an inbound message and returns its record. */
export async function handled(system: TestSystem, sid: string): Promise<InboundMessage> {
  return eventually(`inbound ${sid} to be handled`, async () => {
    const inbound = await getInboundMessage(system.db, sid);
    return inbound?.processed_at ? inbound : undefined;
  });
}

/** replyAndWait sends a reply, checks the webhook answered 200, and waits until it is handled. */
export async function replyAndWait(
  system: TestSystem,
  message: { from: string; to: string; body: string; sid?: string },
) {
  const sent = await reply(system, message);
  expect(sent.status).toBe(200);
  return handled(system, sent.sid);
}

/** dncEntry reads a phone's DNC entry in a group through the API: the entry (or null) and its audit trail. */
export async function dncEntry(tenant: Tenant, groupId: string, phone: string) {
  const res = await tenant.api.get(`/v1/dnc-groups/${groupId}/entries/${encodeURIComponent(phone)}`);
  return {
    onList: res.status === 200,
    history: (res.status === 200 ? res.body.history : res.body.error.details.history) as any[],
  };
}

/** textsTo lists what the simulator accepted from a sender to a contact, oldest first. */
export function textsTo(system: TestSystem, from: string, to: string): RecordedMessage[] {
  return system.sentMessages().filter((m) => m.from === from && m.to === to);
}

/** eventuallyTextsTo waits until the contact has received `count` messages from the sender and returns them. */
export async function eventuallyTextsTo(system: TestSystem, from: string, to: string, count: number) {
  return eventually(`${count} message(s) from ${from} to ${to}`, async () => {
    const texts = textsTo(system, from, to);
    return texts.length >= count ? texts : undefined;
  });
}

/** messagedByCampaign runs a one-off campaign over new contacts to completion, so their replies are attributed to it. */
export async function messagedByCampaign(
  system: TestSystem,
  tenant: Tenant,
  options: { senderId?: string; skillId?: string; dncGroupId?: string; recipients?: Recipient[] } = {},
) {
  const sender = options.senderId ? { id: options.senderId } : await createSender(tenant, 50);
  const recipients = options.recipients ?? makeRecipients(1);
  const listId = await uploadList(tenant, recipients);
  const campaignId = await createCampaign(tenant, {
    listId,
    message: 'Your appointment is tomorrow at 10:00.',
    senderIds: [sender.id],
    ...(options.skillId ? { skillId: options.skillId } : {}),
    ...(options.dncGroupId ? { dncGroupId: options.dncGroupId } : {}),
  });
  expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);
  await waitForCampaignStatus(tenant, campaignId, 'completed');
  return { campaignId, contacts: recipients.map((r) => r.phone) };
}

/** agentDesk sets a business unit up for agents: the SMS channel on, a reply-handling skill, and a sender. */
export async function agentDesk(tenant: Tenant, options: { smsChannel?: boolean; replyHandling?: boolean } = {}) {
  expect((await tenant.api.patch('/v1/settings', { smsChannel: options.smsChannel ?? true })).status).toBe(200);
  const skill = await tenant.api.post('/v1/skills', {
    name: 'Appointments',
    kind: 'agent',
    replyHandling: options.replyHandling ?? true,
  });
  expect(skill.status).toBe(201);
  const sender = await createSender(tenant, 50);
  return { skillId: skill.body.id as string, sender };
}
