import { conversationWorkflowId } from '../../workflows/definitions';
import { agentDesk, eventuallyTextsTo, messagedByCampaign, replyAndWait } from '../support/reply-fixtures';
import { createTenant, eventually, Tenant, uniquePhone, useTestSystem } from '../support/test-system';

const system = useTestSystem();

/** routedConversation makes a contact of a reply-handling campaign ask a question, and returns its conversation. */
async function routedConversation(tenant: Tenant, question = 'What time is my appointment?') {
  const { skillId, sender } = await agentDesk(tenant);
  const { campaignId, contacts } = await messagedByCampaign(system, tenant, { senderId: sender.id, skillId });
  const inbound = await replyAndWait(system, { from: contacts[0], to: sender.address, body: question });
  expect(inbound.outcome).toBe('routed');
  return { conversationId: inbound.conversation_id!, contact: contacts[0], sender, campaignId, inbound };
}

async function receiptFor(sid: string, status: 'delivered' | 'undelivered') {
  const res = await fetch(`${system.config.twilioApiUrl}/control/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sid, status }),
  });
  expect(res.status).toBe(200);
}

describe('agents answering replies', () => {
  it('queues a question, lets an agent assign, read oldest first, answer from the same number, and close', async () => {
    const tenant = await createTenant(system);
    const { conversationId, contact, sender, campaignId } = await routedConversation(tenant);

    const queued = await tenant.api.get('/v1/conversations?status=queued');
    expect(queued.status).toBe(200);
    expect(queued.body).toEqual([
      expect.objectContaining({
        id: conversationId,
        contact,
        sender: sender.address,
        campaignId,
        status: 'queued',
        lastMessageAt: expect.any(String),
      }),
    ]);

    const assigned = await tenant.api.post(`/v1/conversations/${conversationId}/assign`, { agent: 'dana' });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ status: 'assigned', agent: 'dana' });
    expect((await tenant.api.get('/v1/conversations?status=queued')).body).toEqual([]);

    const answer = await tenant.api.post(`/v1/conversations/${conversationId}/messages`, {
      body: 'Tomorrow at 10:00, see you then!',
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ direction: 'outbound', agent: 'dana', from: sender.address, state: 'pending' });
    const texts = await eventuallyTextsTo(system, sender.address, contact, 2);
    expect(texts[1].body).toBe('Tomorrow at 10:00, see you then!');

    await replyAndWait(system, { from: contact, to: sender.address, body: 'Thanks! Can I bring my son?' });
    const thread = await tenant.api.get(`/v1/conversations/${conversationId}`);
    expect(thread.status).toBe(200);
    expect(thread.body.messages.map((m: any) => [m.direction, m.body])).toEqual([
      ['inbound', 'What time is my appointment?'],
      ['outbound', 'Tomorrow at 10:00, see you then!'],
      ['inbound', 'Thanks! Can I bring my son?'],
    ]);

    const closed = await tenant.api.post(`/v1/conversations/${conversationId}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closedReason: 'agent' });
    expect((await tenant.api.get('/v1/conversations?status=closed')).body.map((c: any) => c.id)).toEqual([
      conversationId,
    ]);
    const late = await tenant.api.post(`/v1/conversations/${conversationId}/messages`, { body: 'One more thing' });
    expect(late.status).toBe(409);
    expect((await tenant.api.post(`/v1/conversations/${conversationId}/close`)).status).toBe(409);

    // A new question after the close opens a new conversation.
    const again = await replyAndWait(system, { from: contact, to: sender.address, body: 'Sorry, one more question' });
    expect(again.conversation_id).not.toBe(conversationId);
  });

  it("tracks an agent reply's delivery receipts like a campaign message's", async () => {
    const tenant = await createTenant(system);
    const { conversationId, contact, sender } = await routedConversation(tenant);
    await tenant.api.post(`/v1/conversations/${conversationId}/messages`, { body: 'Let me check.', agent: 'lee' });
    const [, sent] = await eventuallyTextsTo(system, sender.address, contact, 2);
    const outbound = async () => (await tenant.api.get(`/v1/conversations/${conversationId}`)).body.messages[1];
    await eventually('the reply to be sent', async () => ((await outbound()).state === 'sent' ? true : undefined));
    await receiptFor(sent.sid, 'delivered');
    await eventually('the receipt to apply', async () => ((await outbound()).state === 'delivered' ? true : undefined));
    expect(await outbound()).toMatchObject({ agent: 'lee', body: 'Let me check.', state: 'delivered' });
  });

  it('refuses (409) to answer a contact who opted out, and shows the STOP in the thread', async () => {
    const tenant = await createTenant(system);
    const { conversationId, contact, sender } = await routedConversation(tenant);
    await replyAndWait(system, { from: contact, to: sender.address, body: 'STOP' });
    const refused = await tenant.api.post(`/v1/conversations/${conversationId}/messages`, { body: 'Are you sure?' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('opted_out');
    const thread = await tenant.api.get(`/v1/conversations/${conversationId}`);
    expect(thread.body.messages.map((m: any) => m.body)).toEqual(['What time is my appointment?', 'STOP']);
  });

  it("hides a business unit's conversations from every other business unit (404)", async () => {
    const owner = await createTenant(system);
    const { conversationId } = await routedConversation(owner);
    const stranger = await createTenant(system);
    expect((await stranger.api.get('/v1/conversations')).body).toEqual([]);
    expect((await stranger.api.get(`/v1/conversations/${conversationId}`)).status).toBe(404);
    expect((await stranger.api.post(`/v1/conversations/${conversationId}/assign`, { agent: 'mallory' })).status).toBe(
      404,
    );
    expect((await stranger.api.post(`/v1/conversations/${conversationId}/messages`, { body: 'hi' })).status).toBe(404);
    expect((await stranger.api.post(`/v1/conversations/${conversationId}/close`)).status).toBe(404);
    expect((await owner.api.get(`/v1/conversations/${conversationId}`)).body.status).toBe('queued');
  });

  it('validates what agents send', async () => {
    const tenant = await createTenant(system);
    const { conversationId } = await routedConversation(tenant);
    expect((await tenant.api.post(`/v1/conversations/${conversationId}/assign`, {})).status).toBe(400);
    expect((await tenant.api.post(`/v1/conversations/${conversationId}/messages`, { body: '   ' })).status).toBe(400);
    expect((await tenant.api.get('/v1/conversations?status=lost')).status).toBe(400);
    expect((await tenant.api.get('/v1/conversations/not-a-uuid')).status).toBe(400);
  });
});

describe('replies that are not routed to agents', () => {
  it('are recorded but never routed when the campaign skill has no replyHandling', async () => {
    const tenant = await createTenant(system);
    const { skillId, sender } = await agentDesk(tenant, { replyHandling: false });
    const { contacts } = await messagedByCampaign(system, tenant, { senderId: sender.id, skillId });
    const inbound = await replyAndWait(system, { from: contacts[0], to: sender.address, body: 'Can I reschedule?' });
    expect(inbound).toMatchObject({
      body: 'Can I reschedule?',
      classification: 'message',
      outcome: 'not_routed:no_reply_handling',
      conversation_id: null,
    });
    expect((await tenant.api.get('/v1/conversations')).body).toEqual([]);
  });

  it('are recorded but never routed when the business unit has no SMS channel', async () => {
    const tenant = await createTenant(system);
    const { skillId, sender } = await agentDesk(tenant, { smsChannel: false });
    const { contacts } = await messagedByCampaign(system, tenant, { senderId: sender.id, skillId });
    const inbound = await replyAndWait(system, { from: contacts[0], to: sender.address, body: 'Can I reschedule?' });
    expect(inbound).toMatchObject({ outcome: 'not_routed:sms_channel_off', conversation_id: null });
    expect((await tenant.api.get('/v1/conversations')).body).toEqual([]);
  });

  it('are recorded but never routed when no campaign with a skill messaged the contact', async () => {
    const tenant = await createTenant(system);
    const { sender } = await agentDesk(tenant);
    const inbound = await replyAndWait(system, { from: uniquePhone(), to: sender.address, body: 'Who is this?' });
    expect(inbound).toMatchObject({ outcome: 'not_routed:no_reply_handling', conversation_id: null });
  });
});

describe('the conversation workflow', () => {
  it('continues as new after many events, so its history stays bounded, and loses none of them', async () => {
    const tenant = await createTenant(system);
    const { skillId, sender } = await agentDesk(tenant);
    const { contacts } = await messagedByCampaign(system, tenant, { senderId: sender.id, skillId });
    const contact = contacts[0];
    // Started by hand with a tiny run length; the webhook's signal-with-start then signals this workflow.
    await system.temporal.workflow.start('handleConversationWorkflow', {
      workflowId: conversationWorkflowId(tenant.id, contact),
      taskQueue: system.config.taskQueue,
      args: [{ businessUnitId: tenant.id, contact, idleMs: 60_000, eventsPerRun: 2 }],
    });
    const firstRun = (await system.temporal.workflow.getHandle(conversationWorkflowId(tenant.id, contact)).describe())
      .runId;
    for (const n of [1, 2, 3, 4, 5])
      await replyAndWait(system, { from: contact, to: sender.address, body: `question ${n}` });
    const conversations = (await tenant.api.get('/v1/conversations')).body;
    expect(conversations).toHaveLength(1);
    const thread = (await tenant.api.get(`/v1/conversations/${conversations[0].id}`)).body.messages;
    expect(thread.map((m: any) => m.body)).toEqual([
      'question 1',
      'question 2',
      'question 3',
      'question 4',
      'question 5',
    ]);
    const latest = await system.temporal.workflow.getHandle(conversationWorkflowId(tenant.id, contact)).describe();
    expect(latest.runId).not.toBe(firstRun);
    expect(latest.status.name).toBe('RUNNING');
  });
});
