// `npm run bench:routing [-- --agents N] [--replies N] [--rate N] [--handle-ms N]`: how fast the ACD offers replies
// and whether it ever overfills an agent or loses a conversation. It starts its own PostgreSQL (or uses DATABASE_URL)
// and two API processes (each runs the routing sweeper), makes 100 agents (cap 3, one skill, proficiency 1-20) that
// hold their event streams as the console does, accept every offer pushed to them through the API at once and close
// it after --handle-ms, then queues 5,000 replies at 100 a second
// the way the inbound path does (the conversation row, then a routing pass). It prints the time from queued to offered
// (p50, p99; target p99 under 1 s), the largest load ever sampled on one agent beside its cap, and the offers lost
// (conversations not accepted and closed once the arrivals stop and the agents drain the queue; must be 0).
import { sql } from 'kysely';
import { ProactiveSmsClient } from '../src/api-client';
import { openOrJoinConversation } from '../src/db/conversations';
import { routeSkills } from '../src/replies/routing';
import { intOption, loadAverage } from './lib/bench-system';
import { startBenchUnit } from './lib/bench-unit';
import { percentile } from './lib/webhook-load';

const P99_TARGET_MS = 1000;
const CAP = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface BenchAgent {
  id: string;
  url: string;
  key: string;
  api: ProactiveSmsClient;
}

/**
 * agentInbox holds one agent's GET /v1/events stream until `signal` aborts, handing each offer pushed to `on.offer`
 * and the agent's going unavailable to `on.unavailable`;
 * on each (re)connection it reads the agent's offers too, as the console does, so an offer made meanwhile is not lost.
 */
async function agentInbox(
  agent: BenchAgent,
  on: { offer: (conversationId: string) => void; unavailable: () => void },
  signal: AbortSignal,
) {
  while (!signal.aborted) {
    try {
      const res = await fetch(`${agent.url}/v1/events`, { headers: { authorization: `Bearer ${agent.key}` }, signal });
      if (!res.ok || !res.body) throw new Error(`GET /v1/events answered ${res.status}`);
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') as {
            conversationId?: string;
            state?: string;
          } | null;
          if (event === 'offer' && data?.conversationId) on.offer(data.conversationId);
          if (event === 'state' && data?.state === 'unavailable') on.unavailable();
          if (event === 'ready') {
            const offers = await agent.api.send('GET', '/v1/agents/me/offers');
            for (const offer of offers.body as { id: string }[]) on.offer(offer.id);
          }
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      console.warn(`[bench] agent ${agent.id}: event stream dropped (${String(error)}); reconnecting`);
      await sleep(500);
    }
  }
}

async function main(): Promise<void> {
  const agentCount = intOption('agents', 100);
  const replies = intOption('replies', 5000);
  const rate = intOption('rate', 100);
  const handleMs = intOption('handle-ms', 1500);
  const { db, urls, unit, client, stop } = await startBenchUnit({ label: 'bench-routing', apis: 2, poolSize: 20 });
  try {
    // Making 100 agents one by one takes a while on a loaded machine: the first must not go offline meanwhile.
    await client.send('PATCH', '/v1/settings', { json: { smsChannel: true, agentOfflineSeconds: 3600 } });
    const skill = await client.createSkill({ name: 'Replies', kind: 'agent', replyHandling: true });
    const sender = await client.createSender({ kind: 'long_code', address: '+14155550100', mps: 100 } as never);
    const agents: BenchAgent[] = [];
    for (let i = 0; i < agentCount; i++) {
      const created = await client.send('POST', '/v1/agents', {
        json: {
          name: `agent ${i + 1}`,
          skills: [{ skillId: skill.id, proficiency: 1 + (i % 20) }],
          maxConversations: CAP,
        },
      });
      const body = created.body as { id: string; apiKey: string };
      const url = urls[i % urls.length];
      const api = new ProactiveSmsClient(url, body.apiKey);
      await api.send('PUT', '/v1/agents/me/state', { json: { state: 'available' } });
      agents.push({ id: body.id, url, key: body.apiKey, api });
    }
    console.log(`[bench] ${agentCount} agents available (cap ${CAP}); ${replies} replies at ${rate}/s`);

    // The agents work as the console's inbox does: each holds its event stream (its heartbeat too) on its own API
    // process, accepts every offer pushed to it at once and closes it after --handle-ms. Nothing polls the database
    // for them, so the figures measure the ACD and not the benchmark's own queries.
    const handled = new Set<string>();
    const work: Promise<unknown>[] = [];
    const streams = new AbortController();
    // An offer that lapsed before its accept arrived goes to another agent, who handles it in turn.
    const handle = (agent: BenchAgent, conversationId: string) => {
      const offer = `${conversationId} ${agent.id}`;
      if (handled.has(offer)) return;
      handled.add(offer);
      work.push(
        (async () => {
          const accepted = await agent.api.send('POST', `/v1/conversations/${conversationId}/accept`);
          if (accepted.status !== 200) return void handled.delete(offer);
          await sleep(handleMs);
          await agent.api.send('POST', `/v1/conversations/${conversationId}/close`, { json: {} });
        })().catch(() => handled.delete(offer)),
      );
    };
    // An agent whose offer lapsed (set unavailable, not responding) comes straight back, as the routing test's do.
    const comeBack = (agent: BenchAgent) =>
      void agent.api.send('PUT', '/v1/agents/me/state', { json: { state: 'available' } }).catch(() => undefined);
    const inboxes = agents.map((agent) =>
      agentInbox(agent, { offer: (id) => handle(agent, id), unavailable: () => comeBack(agent) }, streams.signal),
    );

    // The cap and the queue, sampled ten times a second: the largest load on one agent, and whether conversations
    // waited while no slot was free (the agents' capacity) or beside a free slot (the routing behind).
    let maxLoad = 0;
    const samples = { total: 0, queuedWithFreeSlots: 0, queuedAllBusy: 0, maxQueued: 0 };
    let stopped = false;
    const sampler = (async () => {
      while (!stopped) {
        const sampled = await sql<{ load: number; queued: number; free: number }>`
          WITH loads AS (
            SELECT agent_id, count(*)::int AS n FROM conversations
            WHERE status IN ('offered', 'assigned') AND agent_id IS NOT NULL GROUP BY agent_id)
          SELECT (SELECT coalesce(max(n), 0) FROM loads)::int AS load,
            (SELECT count(*) FROM conversations WHERE skill_id = ${skill.id} AND status = 'queued')::int AS queued,
            (SELECT coalesce(sum(greatest(a.max_conversations - coalesce(l.n, 0), 0)), 0) FROM agents a
             LEFT JOIN loads l ON l.agent_id = a.id
             WHERE a.business_unit_id = ${unit.id} AND a.state = 'available')::int AS free
        `.execute(db);
        const sample = sampled.rows[0];
        maxLoad = Math.max(maxLoad, sample.load);
        samples.total++;
        if (sample.queued > 0) {
          if (sample.free > 0) samples.queuedWithFreeSlots++;
          else samples.queuedAllBusy++;
          samples.maxQueued = Math.max(samples.maxQueued, sample.queued);
        }
        await sleep(100);
      }
    })();

    // The replies: a conversation queued on the skill and a routing pass, as the inbound activity does, at `rate`/s.
    const started = Date.now();
    const arrivals: Promise<unknown>[] = [];
    for (let i = 0; i < replies; i++) {
      const due = started + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      arrivals.push(
        (async () => {
          const c = await openOrJoinConversation(db, {
            businessUnitId: unit.id,
            contact: `+1212${String(2_000_000 + i).padStart(7, '0')}`,
            senderId: sender.id,
            campaignId: null,
            skillId: skill.id,
          });
          await routeSkills(db, [skill.id]);
          return c.id;
        })(),
      );
    }
    await Promise.all(arrivals);
    const arrivalSeconds = (Date.now() - started) / 1000;
    // Drain: the agents finish what is queued (5,000 conversations over 300 slots take a while at --handle-ms).
    const deadline = Date.now() + 120_000 + (replies * handleMs) / (agentCount * CAP);
    while (Date.now() < deadline) {
      const open = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM conversations WHERE business_unit_id = ${unit.id} AND status <> 'closed'
      `.execute(db);
      if (open.rows[0].n === 0) break;
      await sleep(250);
    }
    stopped = true;
    await sampler;
    streams.abort();
    await Promise.allSettled([...inboxes, ...work]);

    const waits = await sql<{ ms: number }>`
      SELECT extract(epoch FROM offered_at - queued_at) * 1000 AS ms FROM conversations
      WHERE business_unit_id = ${unit.id} AND offered_at IS NOT NULL ORDER BY 1
    `.execute(db);
    const lost = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM conversations
      WHERE business_unit_id = ${unit.id} AND (status <> 'closed' OR assigned_at IS NULL)
    `.execute(db);
    const sorted = waits.rows.map((r) => Number(r.ms));
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    console.log(`[bench] arrivals took ${arrivalSeconds.toFixed(1)} s; load average ${loadAverage()}`);
    console.log(
      `queued→offered: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms (target p99 < ${P99_TARGET_MS} ms) ` +
        `over ${sorted.length} conversations (a conversation that waited for a free slot counts its wait)`,
    );
    console.log(`largest load seen on one agent: ${maxLoad} (cap ${CAP})`);
    // Where the wait goes: a slot held longer than --handle-ms (accepting, closing), or queued work beside free slots.
    const spans = await sql<{ accept_p50: number; accept_p99: number; hold_p50: number; hold_p99: number }>`
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM assigned_at - offered_at) * 1000) AS accept_p50,
        percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM assigned_at - offered_at) * 1000) AS accept_p99,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - offered_at) * 1000) AS hold_p50,
        percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - offered_at) * 1000) AS hold_p99
      FROM conversations WHERE business_unit_id = ${unit.id} AND closed_at IS NOT NULL AND assigned_at IS NOT NULL
    `.execute(db);
    const span = spans.rows[0];
    const ms = (n: number) => `${Number(n).toFixed(0)} ms`;
    console.log(
      `[bench] offered→accepted p50 ${ms(span.accept_p50)}, p99 ${ms(span.accept_p99)}; a slot held (offered→closed) ` +
        `p50 ${ms(span.hold_p50)}, p99 ${ms(span.hold_p99)}: ${agentCount * CAP} slots carry ` +
        `${((agentCount * CAP * 1000) / Number(span.hold_p50)).toFixed(0)} conversations/s at the median hold`,
    );
    const share = (n: number) => `${((100 * n) / Math.max(1, samples.total)).toFixed(1)}%`;
    console.log(
      `[bench] of ${samples.total} samples: conversations queued with every slot taken ${share(samples.queuedAllBusy)}, ` +
        `queued beside a free slot ${share(samples.queuedWithFreeSlots)}; most queued at once ${samples.maxQueued}`,
    );
    console.log(`offers lost: ${lost.rows[0].n} (must be 0)`);
    const states = await sql<{ state: string; reason: string | null; n: number }>`
      SELECT state, reason, count(*)::int AS n FROM agents WHERE business_unit_id = ${unit.id} GROUP BY 1, 2 ORDER BY 1, 2
    `.execute(db);
    const lapsed = states.rows.map((r) => `${r.n} ${r.state}${r.reason ? ` (${r.reason})` : ''}`).join(', ');
    console.log(`[bench] agents at the end: ${lapsed}`);
    if (maxLoad > CAP || lost.rows[0].n > 0) process.exitCode = 1;
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
