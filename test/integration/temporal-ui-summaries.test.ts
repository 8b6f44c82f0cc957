// What a supervisor who follows the console's link to the Temporal Web UI reads there (issue 20, point 9).
import { defaultPayloadConverter } from '@temporalio/common';
import { campaignWorkflowId, conversationWorkflowId } from '../../workflows/definitions';
import { createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { agentDesk, handled, messagedByCampaign, reply } from '../support/reply-fixtures';
import { createTenant, startTestSystem, TestSystem, waitForCampaignStatus } from '../support/test-system';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({ autoDeliver: true });
});
afterAll(async () => {
  await system?.shutdown();
});

describe('workflows in the Temporal Web UI', () => {
  it("show a campaign's name and business unit as its summary, its live counts as details, a summary per activity", async () => {
    const unit = await createTenant(system, 'Northwind support');
    const sender = await createSender(unit, 50);
    const listId = await uploadList(unit, makeRecipients(3));
    const created = await unit.api.post('/v1/campaigns', {
      name: 'June reminders',
      listId,
      message: 'Hi {FirstName}',
      senderIds: [sender.id],
    });
    const campaignId = created.body.id;
    expect((await unit.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);
    await waitForCampaignStatus(unit, campaignId, 'completed');

    const handle = system.temporal.workflow.getHandle(campaignWorkflowId(campaignId));
    const description = await handle.describe();
    expect(await description.staticSummary()).toBe('June reminders · Northwind support');
    const details = (await description.staticDetails())!;
    expect(details).toContain(`**Campaign** June reminders (${campaignId})`);
    expect(details).toContain(`**Business unit** Northwind support (${unit.id})`);

    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain('**Status** completed');
    expect(metadata.currentDetails).toContain('**Messages handed to the carrier** 3 (failed permanently: 0)');

    const { events } = await handle.fetchHistory();
    const summaries = events!
      .filter((event) => event.activityTaskScheduledEventAttributes)
      .map((event) => defaultPayloadConverter.fromPayload<string>(event.userMetadata!.summary!));
    expect(summaries).toEqual(['batch of up to 500 recipients after list record 0', 'campaign event: list done']);
  });

  it("show a conversation's contact masked", async () => {
    const unit = await createTenant(system);
    const { skillId, sender } = await agentDesk(unit);
    const { contacts } = await messagedByCampaign(system, unit, { senderId: sender.id, skillId });
    const contact = contacts[0];
    await handled(system, (await reply(system, { from: contact, to: sender.address, body: 'Hello?' })).sid);

    const description = await system.temporal.workflow.getHandle(conversationWorkflowId(unit.id, contact)).describe();
    const summary = (await description.staticSummary())!;
    const details = (await description.staticDetails())!;
    expect(summary).toBe(`Replies from ${contact.slice(0, 2)}******${contact.slice(-4)} · business unit ${unit.id}`);
    expect(summary + details).not.toContain(contact);
  });
});
