import { agentDesk, messagedByCampaign, replyAndWait } from '../support/reply-fixtures';
import { createTenant, eventually, useTestSystem } from '../support/test-system';

// Conversations in this file close themselves after two quiet seconds (a workflow timer; the test only waits).
process.env.CONVERSATION_IDLE_MS = '2000';

const system = useTestSystem();

describe('idle conversations', () => {
  it('close themselves after the configured idle time, and a later question opens a new one', async () => {
    const tenant = await createTenant(system);
    const { skillId, sender } = await agentDesk(tenant);
    const { contacts } = await messagedByCampaign(system, tenant, { senderId: sender.id, skillId });
    const first = await replyAndWait(system, { from: contacts[0], to: sender.address, body: 'Is parking free?' });
    const conversationId = first.conversation_id!;

    const closed = await eventually(
      'the conversation to close itself',
      async () => {
        const res = await tenant.api.get(`/v1/conversations/${conversationId}`);
        return res.body.status === 'closed' ? res.body : undefined;
      },
      30_000,
    );
    expect(closed).toMatchObject({ closedReason: 'idle', closedAt: expect.any(String) });

    const second = await replyAndWait(system, { from: contacts[0], to: sender.address, body: 'Hello again' });
    expect(second.conversation_id).not.toBe(conversationId);
    expect((await tenant.api.get('/v1/conversations?status=queued')).body.map((c: any) => c.id)).toEqual([
      second.conversation_id,
    ]);
  });
});
