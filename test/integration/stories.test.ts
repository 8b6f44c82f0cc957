// The three users of DESIGN.md, each played end to end through the public API, the workflows and the carrier.
import { createCampaign, createSender, csvOf, makeRecipients } from '../support/campaign-fixtures';
import { eventuallyTextsTo, replyAndWait, textsTo } from '../support/reply-fixtures';
import { createTenant, uniquePhone, useTestSystem, waitForCampaignStatus } from '../support/test-system';

const system = useTestSystem();

describe('story 1: a contact-centre manager broadcasts a different message to the agents each time', () => {
  it('sends each one-off message to every agent once, and keeps no template', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 100);
    const agents = makeRecipients(4);
    const list = await tenant.api.uploadCsv('name=Floor agents&phoneField=Phone', csvOf(agents));
    const broadcasts = [
      'Team huddle moved to 14:30 in room B.',
      'System maintenance tonight: log off by 22:00, {FirstName}.',
    ];
    for (const message of broadcasts) {
      const campaignId = await createCampaign(tenant, { listId: list.body.id, message, senderIds: [sender.id] });
      expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);
      expect((await waitForCampaignStatus(tenant, campaignId, 'completed')).counts).toMatchObject({
        total: 4,
        sent: 4,
      });
    }
    for (const agent of agents) {
      expect(textsTo(system, sender.address, agent.phone).map((m) => m.body)).toEqual([
        'Team huddle moved to 14:30 in room B.',
        `System maintenance tonight: log off by 22:00, ${agent.firstName}.`,
      ]);
    }
    expect((await tenant.api.get('/v1/templates')).body).toEqual([]);
  });
});

describe('story 2: an internal-affairs lead sends the same saved notice to the investigators again and again', () => {
  it('starts the same template on the same list twice: both complete and each investigator has two identical texts', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 100);
    const investigators = makeRecipients(3);
    const list = await tenant.api.uploadCsv('name=Field investigators&phoneField=Phone', csvOf(investigators));
    const body = '{FirstName}: file your weekly case report by Friday 17:00. Reply STOP to opt out.';
    const template = await tenant.api.post('/v1/templates', { name: 'Weekly report notice', body });
    expect(template.body).toMatchObject({ variables: ['FirstName'], encoding: 'GSM-7', segments: 1 });

    const runs = [];
    for (const week of ['week 1', 'week 2']) {
      const campaignId = await createCampaign(tenant, {
        name: `Report notice ${week}`,
        listId: list.body.id,
        templateId: template.body.id,
        senderIds: [sender.id],
      });
      expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);
      runs.push(await waitForCampaignStatus(tenant, campaignId, 'completed'));
    }
    expect(runs.map((r) => r.counts)).toEqual([
      expect.objectContaining({ total: 3, sent: 3 }),
      expect.objectContaining({ total: 3, sent: 3 }),
    ]);
    for (const investigator of investigators) {
      const notice = `${investigator.firstName}: file your weekly case report by Friday 17:00. Reply STOP to opt out.`;
      expect(textsTo(system, sender.address, investigator.phone).map((m) => m.body)).toEqual([notice, notice]);
    }
    expect((await tenant.api.get(`/v1/templates/${template.body.id}`)).body.body).toBe(body);
  });
});

describe('story 3: a sales centre follows an answering machine with a personalised SMS, and an agent takes the reply', () => {
  it('texts the customer’s mobile after the machine, routes the reply to the agents’ queue, and the agent answers', async () => {
    const tenant = await createTenant(system);
    expect((await tenant.api.patch('/v1/settings', { smsChannel: true })).body.smsChannel).toBe(true);
    const sender = await createSender(tenant, 50);
    const template = await tenant.api.post('/v1/templates', {
      name: 'Missed you',
      body: 'Hi {FirstName}, this is {Agent|the sales team} at Northwind. We just called about your {Product} quote. Reply here to chat.',
    });
    const skill = await tenant.api.post('/v1/skills', {
      name: 'Inbound leads',
      kind: 'agent',
      replyHandling: true,
      cadence: [{ outcome: 'answering_machine', templateId: template.body.id, senderIds: [sender.id] }],
    });
    const [landline, mobile] = [uniquePhone(), uniquePhone()];
    const csv = `FirstName,Product,Agent,Home,Cell\nRosa,solar panel,Sam,${landline},${mobile}\nTed,heat pump,,${uniquePhone()},\n`;
    const list = await tenant.api.uploadCsv('name=Leads&phoneField=Home&mobileField=Cell', csv);
    expect(list.body).toMatchObject({ accepted: 2 });

    // The dialer reaches Rosa's answering machine: the cadence texts her mobile.
    const event = { skillId: skill.body.id, listId: list.body.id, row: 1, outcome: 'answering_machine' };
    const answer = await tenant.api.post('/v1/cadence-events', event);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ action: 'sms', to: mobile, senderId: sender.id });
    const [text] = await eventuallyTextsTo(system, sender.address, mobile, 1);
    expect(text.body).toBe(
      'Hi Rosa, this is Sam at Northwind. We just called about your solar panel quote. Reply here to chat.',
    );
    // Ted has no mobile: nothing to send, and the dialer is told why.
    const ted = await tenant.api.post('/v1/cadence-events', { ...event, row: 2 });
    expect(ted.body).toEqual({ action: 'none', reason: 'row 2 has no usable mobile number in "Cell"' });

    // Rosa answers the text; the reply reaches the agents' queue because the skill handles replies.
    const inbound = await replyAndWait(system, {
      from: mobile,
      to: sender.address,
      body: 'Can someone call me after 6pm?',
    });
    expect(inbound.outcome).toBe('routed');
    const queued = await tenant.api.get('/v1/conversations?status=queued');
    expect(queued.body).toEqual([
      expect.objectContaining({
        id: inbound.conversation_id,
        contact: mobile,
        sender: sender.address,
        status: 'queued',
      }),
    ]);
    const conversation = await tenant.api.get(`/v1/conversations/${inbound.conversation_id}`);
    expect(
      conversation.body.messages.map((m: { direction: string; body: string }) => [m.direction, m.body]),
    ).toContainEqual(['inbound', 'Can someone call me after 6pm?']);

    // An agent takes it and answers from the number Rosa wrote to.
    expect(
      (await tenant.api.post(`/v1/conversations/${inbound.conversation_id}/assign`, { agent: 'sam' })).status,
    ).toBe(200);
    const reply = await tenant.api.post(`/v1/conversations/${inbound.conversation_id}/messages`, {
      body: 'Sure Rosa, I will call you at 6:15pm.',
    });
    expect(reply.status).toBe(202);
    const texts = await eventuallyTextsTo(system, sender.address, mobile, 2);
    expect(texts[1].body).toBe('Sure Rosa, I will call you at 6:15pm.');
    expect(textsTo(system, sender.address, landline)).toEqual([]);
  });
});
