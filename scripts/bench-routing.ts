// `npm run bench:routing [-- --agents N] [--replies N] [--rate N] [--handle-ms N]`: how fast the ACD offers replies
// and whether it ever overfills an agent or loses a conversation. It starts its own PostgreSQL (or uses DATABASE_URL)
// and two API processes (each runs the routing sweeper), makes 100 agents (cap 3, one skill, proficiency 1-20) that
// accept every offer through the API at once and close it after --handle-ms, then queues 5,000 replies at 100 a second
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
    const agents: { id: string; api: ProactiveSmsClient }[] = [];
    for (let i = 0; i < agentCount; i++) {
      const created = await client.send('POST', '/v1/agents', {
        json: {
          name: `agent ${i + 1}`,
          skills: [{ skillId: skill.id, proficiency: 1 + (i % 20) }],
          maxConversations: CAP,
        },
      });
      const body = created.body as { id: string; apiKey: string };
      const api = new ProactiveSmsClient(urls[i % urls.length], body.apiKey);
      await api.send('PUT', '/v1/agents/me/state', { json: { state: 'available' } });
      agents.push({ id: body.id, api });
    }
    const apiOf = new Map(agents.map((a) => [a.id, a.api]));
    console.log(`[bench] ${agentCount} agents available (cap ${CAP}); ${replies} replies at ${rate}/s`);

    // The agents: every offer is accepted at once (through the API of the agent's own process) and closed later.
    const handled = new Set<string>();
    let maxLoad = 0;
    let stopped = false;
    const work: Promise<unknown>[] = [];
    // Each agent's inbox beats, as the console's does, so none goes offline during the run.
    const beats = setInterval(() => {
      for (const a of agents) void a.api.send('POST', '/v1/agents/me/heartbeat').catch(() => undefined);
    }, 20_000);
    const agentsLoop = (async () => {
      while (!stopped) {
        const rows = await sql<{ id: string; agent_id: string; load: number }>`
          SELECT c.id, c.agent_id, (SELECT count(*)::int FROM conversations o
            WHERE o.agent_id = c.agent_id AND o.status IN ('offered', 'assigned')) AS load
          FROM conversations c WHERE c.business_unit_id = ${unit.id} AND c.status = 'offered'
        `.execute(db);
        const loads = await sql<{ load: number }>`
          SELECT coalesce(max(n), 0)::int AS load FROM (SELECT count(*) AS n FROM conversations
          WHERE business_unit_id = ${unit.id} AND status IN ('offered', 'assigned') GROUP BY agent_id) l
        `.execute(db);
        maxLoad = Math.max(maxLoad, loads.rows[0].load, ...rows.rows.map((r) => r.load));
        for (const row of rows.rows) {
          if (handled.has(row.id)) continue;
          handled.add(row.id);
          const api = apiOf.get(row.agent_id)!;
          work.push(
            (async () => {
              await api.send('POST', `/v1/conversations/${row.id}/accept`);
              await sleep(handleMs);
              await api.send('POST', `/v1/conversations/${row.id}/close`, { json: {} });
            })(),
          );
        }
        await sleep(25);
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
    clearInterval(beats);
    await agentsLoop;
    await Promise.allSettled(work);

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
