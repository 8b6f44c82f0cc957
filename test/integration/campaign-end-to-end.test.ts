import { campaignWorkflowId } from '../../workflows/definitions';
import { createCampaign, createSender, csvOf, makeRecipients } from '../support/campaign-fixtures';
import { createTenant, eventually, useTestSystem, waitForCampaignStatus } from '../support/test-system';

const system = useTestSystem();

describe('a campaign from calling list to carrier', () => {
  it('sends every non-DNC recipient exactly one personalised message and none to DNC contacts', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 100);
    const recipients = makeRecipients(12);
    const dncContact = recipients[3];
    const group = await tenant.api.post('/v1/dnc-groups', { name: 'Complaints' });
    expect(group.status).toBe(201);
    expect(
      (await tenant.api.put(`/v1/dnc-groups/${group.body.id}/entries/${encodeURIComponent(dncContact.phone)}`)).status,
    ).toBe(204);

    const csv = csvOf(recipients).replace('FirstName,Phone\n', 'FirstName,Phone\n') + 'Broken,12345\n';
    const list = await tenant.api.uploadCsv('name=Customers&phoneField=Phone', csv);
    expect(list.status).toBe(201);
    expect(list.body).toMatchObject({ accepted: 12, rejected: 1, fields: ['FirstName', 'Phone'] });
    expect(list.body.errors[0]).toMatchObject({ row: 13, field: 'Phone' });

    const template = await tenant.api.post('/v1/templates', {
      name: 'Greeting',
      body: 'Hi {FirstName}, your order has shipped.',
    });
    expect(template.status).toBe(201);
    expect(template.body).toMatchObject({ variables: ['FirstName'], encoding: 'GSM-7', segments: 1 });

    const campaignId = await createCampaign(tenant, {
      listId: list.body.id,
      templateId: template.body.id,
      senderIds: [sender.id],
      dncGroupId: group.body.id,
    });
    const created = await tenant.api.get(`/v1/campaigns/${campaignId}`);
    expect(created.body).toMatchObject({ status: 'draft', workflowId: `campaign-${campaignId}` });

    const started = await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    expect(started.status).toBe(202);
    const done = await waitForCampaignStatus(tenant, campaignId, 'completed');
    expect(done.counts).toMatchObject({ total: 12, pending: 0, sent: 11, skippedDnc: 1, failed: 0 });

    const received = system.sentMessages().filter((m) => m.from === sender.address);
    expect(received).toHaveLength(11);
    for (const recipient of recipients) {
      const mine = received.filter((m) => m.to === recipient.phone);
      if (recipient === dncContact) expect(mine).toHaveLength(0);
      else expect(mine.map((m) => m.body)).toEqual([`Hi ${recipient.firstName}, your order has shipped.`]);
    }
  });

  it('is a workflow operators can find in Temporal by its campaign id search attribute', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 100);
    const list = await tenant.api.uploadCsv('name=Team&phoneField=Phone', csvOf(makeRecipients(2)));
    const campaignId = await createCampaign(tenant, {
      listId: list.body.id,
      message: 'Fire drill at 3pm',
      senderIds: [sender.id],
    });
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    await waitForCampaignStatus(tenant, campaignId, 'completed');
    const handle = system.temporal.workflow.getHandle(campaignWorkflowId(campaignId));
    const description = await handle.describe();
    expect(description.type).toBe('sendCampaignWorkflow');
    await eventually('search attributes to be indexed', async () => {
      const found = [];
      for await (const wf of system.temporal.workflow.list({
        query: `CampaignId = '${campaignId}' AND CampaignStatus = 'completed'`,
      }))
        found.push(wf);
      return found.length === 1 ? found : undefined;
    });
    const final = await handle.describe();
    expect(final.searchAttributes).toMatchObject({ BusinessUnitId: [tenant.id], CampaignStatus: ['completed'] });
  });
});
