import { openOrJoinConversation } from '../../src/db/conversations';
import { routeSkills } from '../../src/replies/routing';
import type { ApiClient } from '../support/api-client';
import { startApiProcess } from '../support/api-process';
import { createSender } from '../support/campaign-fixtures';
import { messagedByCampaign, replyAndWait } from '../support/reply-fixtures';
import { createTenant, eventually, METRICS_TOKEN, Tenant, uniquePhone, useTestSystem } from '../support/test-system';

const system = useTestSystem();

interface Desk {
  tenant: Tenant;
  skillId: string;
  senderId: string;
  senderAddress: string;
}

async function desk(settings: Record<string, unknown> = {}): Promise<Desk> {
  const tenant = await createTenant(system);
  expect((await tenant.api.patch('/v1/settings', { smsChannel: true, ...settings })).status).toBe(200);
  const skill = await tenant.api.post('/v1/skills', { name: 'Appointments', kind: 'agent', replyHandling: true });
  expect(skill.status).toBe(201);
  const sender = await createSender(tenant, 50);
  return { tenant, skillId: skill.body.id, senderId: sender.id, senderAddress: sender.address };
}

interface TestAgent {
  id: string;
  api: ApiClient;
}

async function agent(d: Desk, name: string, proficiency: number, maxConversations = 3): Promise<TestAgent> {
  const res = await d.tenant.api.post('/v1/agents', {
    name,
    skills: [{ skillId: d.skillId, proficiency }],
    maxConversations,
  });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ name, state: 'offline', openConversations: 0, apiKey: expect.any(String) });
  return { id: res.body.id, api: system.anonymous.as(res.body.apiKey) };
}

async function setState(a: TestAgent, state: string, reason?: string) {
  const res = await a.api.request('PUT', '/v1/agents/me/state', { state, ...(reason ? { reason } : {}) });
  expect(res.status).toBe(200);
  return res.body;
}

/** queue puts a conversation of a new contact on the desk's skill queue, as the inbound path does, and routes it. */
async function queue(d: Desk): Promise<string> {
  const conversation = await openOrJoinConversation(system.db, {
    businessUnitId: d.tenant.id,
    contact: uniquePhone(),
    senderId: d.senderId,
    campaignId: null,
    skillId: d.skillId,
  });
  await routeSkills(system.db, [d.skillId]);
  return conversation.id;
}

async function offersOf(a: TestAgent): Promise<string[]> {
  const res = await a.api.get('/v1/agents/me/offers');
  expect(res.status).toBe(200);
  return res.body.map((c: any) => c.id);
}

async function loads(d: Desk): Promise<Map<string, { open: number; cap: number }>> {
  const rows = await system.db
    .selectFrom('agents as a')
    .select([
      'a.id',
      'a.max_conversations',
      (eb) =>
        eb
          .selectFrom('conversations as c')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('c.agent_id', '=', 'a.id')
          .where('c.status', 'in', ['offered', 'assigned'])
          .as('open'),
    ])
    .where('a.business_unit_id', '=', d.tenant.id)
    .execute();
  return new Map(rows.map((r) => [r.id, { open: Number(r.open), cap: r.max_conversations }]));
}

function expectWithinCaps(seen: Map<string, { open: number; cap: number }>) {
  for (const [id, { open, cap }] of seen) expect([id, open <= cap]).toEqual([id, true]);
}

/** eventStream opens GET /v1/events with an agent's key and collects its events as they are pushed. */
async function eventStream(baseUrl: string, key: string) {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/v1/events`, {
    headers: { authorization: `Bearer ${key}` },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: { event: string; data: any }[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  })().catch(() => undefined);
  return {
    events,
    async close() {
      abort.abort();
      await reading;
    },
  };
}

describe('routing replies to agents', () => {
  it('offers a real reply to the free agent with the skill, who accepts, answers and closes with a disposition', async () => {
    const d = await desk();
    const ada = await agent(d, 'Ada', 10);
    await setState(ada, 'available');
    const { contacts } = await messagedByCampaign(system, d.tenant, { senderId: d.senderId, skillId: d.skillId });
    const inbound = await replyAndWait(system, { from: contacts[0], to: d.senderAddress, body: 'Can I come later?' });
    const conversationId = inbound.conversation_id!;
    expect(await offersOf(ada)).toEqual([conversationId]);

    const accepted = await ada.api.post(`/v1/conversations/${conversationId}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'assigned', agentId: ada.id, skillId: d.skillId, agent: 'Ada' });
    expect((await ada.api.post(`/v1/conversations/${conversationId}/accept`)).status).toBe(409);
    const quick = await d.tenant.api.post('/v1/quick-responses', { name: 'Later', body: 'Of course, {FirstName}.' });
    expect(quick.status).toBe(201);
    expect((await d.tenant.api.post('/v1/quick-responses', { name: 'Bad', body: 'Hi {FirstName' })).status).toBe(400);
    const merged = await ada.api.get(`/v1/conversations/${conversationId}/quick-responses`);
    expect(merged.status).toBe(200);
    expect(merged.body).toEqual([
      expect.objectContaining({ name: 'Later', text: 'Of course, Person1.', segments: 1, encoding: 'GSM-7' }),
    ]);
    const answer = await ada.api.post(`/v1/conversations/${conversationId}/messages`, { body: merged.body[0].text });
    expect(answer.status).toBe(202);

    const disposition = await d.tenant.api.post('/v1/dispositions', { name: 'Rescheduled' });
    expect(disposition.status).toBe(201);
    expect((await ada.api.get('/v1/dispositions')).body.map((x: any) => x.name)).toEqual(['Rescheduled']);
    const closed = await ada.api.post(`/v1/conversations/${conversationId}/close`, {
      dispositionId: disposition.body.id,
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', dispositionId: disposition.body.id });
    const agents = await d.tenant.api.get('/v1/agents');
    expect(agents.body).toEqual([expect.objectContaining({ id: ada.id, state: 'available', openConversations: 0 })]);
  });

  it('offers by proficiency first, then to the agent idle longest', async () => {
    const d = await desk();
    const low = await agent(d, 'Low', 5, 1);
    const first = await agent(d, 'First', 10, 1);
    const second = await agent(d, 'Second', 10, 1);
    for (const a of [low, first, second]) await setState(a, 'available');
    const one = await queue(d);
    expect(await offersOf(first)).toEqual([one]);
    const two = await queue(d);
    expect(await offersOf(second)).toEqual([two]);
    const three = await queue(d);
    expect(await offersOf(low)).toEqual([three]);
    // Everyone is at the cap: the fourth waits, and goes to the first slot freed.
    const four = await queue(d);
    expect((await d.tenant.api.get(`/v1/conversations/${four}`)).body.status).toBe('queued');
    expect((await second.api.post(`/v1/conversations/${two}/close`)).status).toBe(200);
    expect(await offersOf(second)).toEqual([four]);

    const summary = await d.tenant.api.get('/v1/queue');
    expect(summary.status).toBe(200);
    expect(summary.body.skills).toEqual([
      expect.objectContaining({
        skillId: d.skillId,
        queued: 0,
        offered: 3,
        agents: { available: 3, unavailable: 0, offline: 0 },
        serviceLevel: expect.objectContaining({ seconds: 20, target: 0.8 }),
      }),
    ]);
    const metrics = await (
      await fetch(`${system.config.publicUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    const skill = `business_unit_id="${d.tenant.id}",skill_id="${d.skillId}"`;
    expect(metrics).toContain(`acd_queue_length{${skill}} 0`);
    expect(metrics).toContain(`acd_agents{${skill},state="available"} 3`);
    expect(metrics).toContain('acd_service_level_target_ratio 0.8');
  });

  it('holds every cap with 50 conversations and 3 agents, routed from many places at once', async () => {
    const d = await desk();
    const agents = [await agent(d, 'A', 10, 3), await agent(d, 'B', 8, 2), await agent(d, 'C', 6, 1)];
    await Promise.all(agents.map((a) => setState(a, 'available')));
    const ids = await Promise.all(Array.from({ length: 50 }, () => queue(d)));
    let maxSeen = 0;
    const offeredTo = new Map<string, string[]>();
    // Agents work: accept and close whatever is offered, while routers race them; caps are checked after each round.
    for (let round = 0; round < 60; round++) {
      const seen = await loads(d);
      expectWithinCaps(seen);
      maxSeen = Math.max(maxSeen, ...[...seen.values()].map((l) => l.open));
      const open = [...seen.values()].reduce((n, l) => n + l.open, 0);
      const closed = await system.db
        .selectFrom('conversations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('id', 'in', ids)
        .where('status', '=', 'closed')
        .executeTakeFirstOrThrow();
      if (Number(closed.n) === 50 && open === 0) break;
      await Promise.all([
        ...agents.map(async (a) => {
          for (const id of await offersOf(a)) {
            offeredTo.set(id, [...(offeredTo.get(id) ?? []), a.id]);
            expect((await a.api.post(`/v1/conversations/${id}/accept`)).status).toBe(200);
            expect((await a.api.post(`/v1/conversations/${id}/close`)).status).toBe(200);
          }
        }),
        routeSkills(system.db, [d.skillId]),
        routeSkills(system.db, [d.skillId]),
      ]);
    }
    expect(maxSeen).toBeLessThanOrEqual(3);
    expect(offeredTo.size).toBe(50);
    for (const [id, to] of offeredTo) expect([id, to.length]).toEqual([id, 1]);
  });

  it('gives a lapsed offer to the next agent and sets the first not responding', async () => {
    const d = await desk({ offerTimeoutSeconds: 1 });
    const slow = await agent(d, 'Slow', 10);
    const next = await agent(d, 'Next', 5);
    await setState(slow, 'available');
    await setState(next, 'available');
    const id = await queue(d);
    expect(await offersOf(slow)).toEqual([id]);
    await eventually('the offer to lapse to the next agent', async () =>
      (await offersOf(next)).includes(id) ? true : undefined,
    );
    const me = await slow.api.get('/v1/agents/me');
    expect(me.body).toMatchObject({ state: 'unavailable', reason: 'not_responding', openConversations: 0 });
    expect((await slow.api.post(`/v1/conversations/${id}/accept`)).status).toBe(403);
    expect((await next.api.post(`/v1/conversations/${id}/accept`)).status).toBe(200);
  });

  it("gives an agent going unavailable's offers to another, and transfers to an agent only within its cap", async () => {
    const d = await desk();
    const a = await agent(d, 'A', 10, 1);
    const b = await agent(d, 'B', 5, 1);
    await setState(a, 'available');
    await setState(b, 'available');
    const one = await queue(d);
    expect(await offersOf(a)).toEqual([one]);
    await setState(a, 'unavailable', 'break');
    expect(await offersOf(b)).toEqual([one]);
    expect(await offersOf(a)).toEqual([]);
    expect((await b.api.post(`/v1/conversations/${one}/accept`)).status).toBe(200);
    await setState(a, 'available');
    const two = await queue(d);
    expect(await offersOf(a)).toEqual([two]);
    const full = await b.api.post(`/v1/conversations/${one}/transfer`, { agentId: a.id });
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('agent_full');
    const toSkill = await a.api.post(`/v1/conversations/${two}/transfer`, { skillId: d.skillId });
    expect(toSkill.status).toBe(200);
    // Back in the queue, and A's slot free again: offered to A, the only agent with a free slot.
    expect(await offersOf(a)).toEqual([two]);
  });

  it("keeps an agent's key to its own conversations and out of the supervisor's resources", async () => {
    const d = await desk();
    const a = await agent(d, 'A', 10, 1);
    const b = await agent(d, 'B', 5, 1);
    await setState(a, 'available');
    await setState(b, 'available');
    const mine = await queue(d);
    const theirs = await queue(d);
    expect(await offersOf(b)).toEqual([theirs]);
    expect((await a.api.get('/v1/conversations')).body.map((c: any) => c.id)).toEqual([mine]);
    expect((await a.api.get(`/v1/conversations/${theirs}`)).status).toBe(403);
    expect((await a.api.post(`/v1/conversations/${theirs}/accept`)).status).toBe(403);
    expect((await a.api.post(`/v1/conversations/${theirs}/close`)).status).toBe(403);
    expect((await a.api.post(`/v1/conversations/${theirs}/messages`, { body: 'hi' })).status).toBe(403);
    for (const path of ['/v1/agents', '/v1/campaigns', '/v1/api-keys', '/v1/settings', '/v1/senders', '/v1/audit'])
      expect([path, (await a.api.get(path)).status]).toEqual([path, 403]);
    expect((await a.api.post('/v1/agents', { name: 'X', skills: [] })).status).toBe(403);
    expect((await a.api.post('/v1/dispositions', { name: 'X' })).status).toBe(403);
    expect((await a.api.get('/v1/queue')).status).toBe(200);
    // The supervisor's key has no /agents/me.
    expect((await d.tenant.api.get('/v1/agents/me')).status).toBe(403);
  });

  it("pushes an agent's offers, messages and state changes to every open stream of its key, from any API process", async () => {
    const d = await desk();
    const a = await agent(d, 'A', 10, 2);
    const second = await startApiProcess(system);
    const streams = [await eventStream(system.config.publicUrl, a.api.key!), await eventStream(second.url, a.api.key!)];
    try {
      await eventually('both streams ready', async () =>
        streams.every((s) => s.events.some((e) => e.event === 'ready')) ? true : undefined,
      );
      // The agent goes available through the second process; the offer is made by this one.
      await setState({ ...a, api: second.anonymous.as(a.api.key) }, 'available');
      const id = await queue(d);
      for (const s of streams)
        await eventually('the offer pushed', async () =>
          s.events.some((e) => e.event === 'offer' && e.data.conversationId === id) ? true : undefined,
        );
      expect(streams[0].events.find((e) => e.event === 'state')?.data).toMatchObject({ state: 'available' });
      // The open stream is the heartbeat.
      expect((await a.api.get('/v1/agents/me')).body.lastHeartbeatAt).not.toBeNull();
    } finally {
      for (const s of streams) await s.close();
      await second.stop();
    }
    expect((await d.tenant.api.get('/v1/events')).status).toBe(403);
  });

  it('lets a supervisor take over an offered conversation: the offer is withdrawn, never held twice', async () => {
    const d = await desk();
    const a = await agent(d, 'A', 10, 1);
    const b = await agent(d, 'B', 5, 1);
    await setState(a, 'available');
    const stream = await eventStream(system.config.publicUrl, a.api.key!);
    try {
      const one = await queue(d);
      const two = await queue(d);
      expect(await offersOf(a)).toEqual([one]);
      // Another agent cannot take it: its key has no assign, and it reaches only its own offers.
      await setState(b, 'unavailable', 'break');
      expect((await b.api.post(`/v1/conversations/${one}/assign`, { agent: 'B' })).status).toBe(403);
      expect((await b.api.post(`/v1/conversations/${one}/accept`)).status).toBe(403);

      const taken = await d.tenant.api.post(`/v1/conversations/${one}/assign`, { agent: 'Sam' });
      expect(taken.status).toBe(200);
      expect(taken.body).toMatchObject({ status: 'assigned', agent: 'Sam', agentId: null });
      // A's slot went to the next in the queue at once, and A can no longer take the first.
      expect(await offersOf(a)).toEqual([two]);
      expect((await a.api.post(`/v1/conversations/${one}/accept`)).status).toBe(403);
      await eventually('A told the conversation was taken', async () =>
        stream.events.some(
          (e) => e.event === 'conversation' && e.data.conversationId === one && e.data.status === 'assigned',
        )
          ? true
          : undefined,
      );

      // Assigned by the agent's own name, an offer stays the agent's: an acceptance on its behalf.
      const own = await d.tenant.api.post(`/v1/conversations/${two}/assign`, { agent: 'A' });
      expect(own.body).toMatchObject({ status: 'assigned', agent: 'A', agentId: a.id });

      // The agent accepting while the supervisor takes over: whichever comes first, one holder in the end.
      const three = await queue(d);
      expect((await a.api.post(`/v1/conversations/${two}/close`)).status).toBe(200);
      expect(await offersOf(a)).toEqual([three]);
      const [accepted, assigned] = await Promise.all([
        a.api.post(`/v1/conversations/${three}/accept`),
        d.tenant.api.post(`/v1/conversations/${three}/assign`, { agent: 'Sam' }),
      ]);
      expect([200, 403, 409]).toContain(accepted.status);
      expect(assigned.status).toBe(200);
      expect((await d.tenant.api.get(`/v1/conversations/${three}`)).body).toMatchObject({
        status: 'assigned',
        agent: 'Sam',
        agentId: null,
      });
      expect((await a.api.get('/v1/agents/me')).body.openConversations).toBe(0);
      expectWithinCaps(await loads(d));
    } finally {
      await stream.close();
    }
  });

  it('loses no offer and doubles none with two API processes, one of them killed', async () => {
    const d = await desk({ offerTimeoutSeconds: 2 });
    const second = await startApiProcess(system);
    try {
      const agents = await Promise.all(['A', 'B', 'C', 'D'].map((n, i) => agent(d, n, 10 - i, 2)));
      const apis = agents.map((a, i) => ({
        ...a,
        api: i % 2 === 0 ? a.api : second.anonymous.as(a.api.key),
      }));
      await Promise.all(apis.map((a) => setState(a, 'available')));
      const ids = await Promise.all(Array.from({ length: 30 }, () => queue(d)));
      const accepted = new Map<string, string>();
      let killed = false;
      for (let round = 0; round < 120 && accepted.size < 30; round++) {
        expectWithinCaps(await loads(d));
        if (!killed && accepted.size >= 10) {
          second.process.child.kill('SIGKILL');
          killed = true;
          // The agents served by the killed API carry on through the surviving one.
          for (const a of apis) a.api = agents.find((x) => x.id === a.id)!.api;
        }
        await Promise.all(
          apis.map(async (a) => {
            for (const id of await offersOf(a).catch(() => [] as string[])) {
              const res = await a.api.post(`/v1/conversations/${id}/accept`).catch(() => null);
              if (res?.status !== 200) continue;
              expect(accepted.has(id)).toBe(false);
              accepted.set(id, a.id);
              await a.api.post(`/v1/conversations/${id}/close`);
            }
          }),
        );
        // Agents a lapse set not responding come back.
        for (const a of apis)
          if ((await a.api.get('/v1/agents/me')).body.state !== 'available') await setState(a, 'available');
      }
      expect([...accepted.keys()].sort()).toEqual([...ids].sort());
    } finally {
      await second.stop();
    }
  });
});
