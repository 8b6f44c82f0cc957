// `npm run soak [-- --minutes 30 --replies-per-second 10 --list 2000]`: keeps campaigns and inbound replies flowing
// through the whole product (two campaigns sending at any time, replies from their recipients: questions, STOP, START,
// HELP) and prints the worker's and the API's resident memory every minute, then a verdict on growth. Memory should
// be flat: it may rise while caches fill in the first minutes, not keep rising after that.
import { MemorySampler } from './lib/bench-memory';
import { BenchSystem, intOption, loadAverage, log, runBenchmark } from './lib/bench-system';
import {
  BenchTenant,
  createBenchCampaign,
  createBenchSender,
  createBenchTenant,
  phoneOf,
  startBenchCampaign,
  uploadBenchList,
} from './lib/bench-workload';

const RUNNING_CAMPAIGNS = 2;
const SENDERS = 2;
const SENDER_MPS = 50;
const REPLY_BODIES = ['Is this still on?', 'STOP', 'Thanks!', 'START', 'HELP', 'Can I move it to Friday?'];

// Conversations close after a minute without messages, so the soak reaches a steady state instead of keeping every
// contact's conversation workflow open for the default day.
process.env.CONVERSATION_IDLE_MS = process.env.CONVERSATION_IDLE_MS ?? '60000';

async function reply(system: BenchSystem, from: string, to: string, body: string): Promise<boolean> {
  const res = await fetch(`${system.simulator.apiUrl}/control/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, to, body }),
  });
  return res.ok && ((await res.json()) as { status: number }).status === 200;
}

async function campaignDone(tenant: BenchTenant, campaignId: string): Promise<boolean> {
  const { status } = await tenant.api.getCampaign(campaignId);
  if (status === 'cancelled' || status === 'paused') throw new Error(`campaign ${campaignId} is ${status}`);
  return status === 'completed';
}

function mb(value: number): string {
  return `${value.toFixed(0)} MB`;
}

runBenchmark('soak', { workers: 1 }, async (system) => {
  const minutes = intOption('minutes', 30);
  const repliesPerSecond = intOption('replies-per-second', 10);
  const listSize = intOption('list', 2000);
  const tenant = await createBenchTenant(system);
  await tenant.api.updateSettings({ smsChannel: true });
  const senders: { id: string; address: string }[] = [];
  for (let n = 1; n <= SENDERS; n++) senders.push(await createBenchSender(tenant, 'short_code', n, SENDER_MPS));
  const list = await uploadBenchList(system, tenant, listSize);
  const [workerPid, apiPid] = [system.workers[0].child.pid, system.api.child.pid];
  if (!workerPid || !apiPid) throw new Error('the worker or the API process has no pid');
  const memory = { worker: new MemorySampler(workerPid, 5000), api: new MemorySampler(apiPid, 5000) };

  const started = performance.now();
  const elapsedMs = () => performance.now() - started;
  const endMs = minutes * 60_000;
  const running = new Set<string>();
  let campaignsStarted = 0;
  let campaignsCompleted = 0;
  let replies = 0;
  let repliesRefused = 0;
  const rows: { minute: number; workerMb: number; apiMb: number }[] = [];
  log(
    `soak for ${minutes} min: ${RUNNING_CAMPAIGNS} campaigns of ${listSize} at a time, ${repliesPerSecond} replies/s`,
  );
  console.log('minute  worker RSS  API RSS  campaigns done  sends accepted  replies  load');

  let nextMinute = 1;
  while (elapsedMs() < endMs) {
    system.assertRunning();
    for (const id of [...running]) {
      if (await campaignDone(tenant, id)) {
        running.delete(id);
        campaignsCompleted++;
      }
    }
    while (running.size < RUNNING_CAMPAIGNS) {
      const id = await createBenchCampaign(
        tenant,
        `soak-${++campaignsStarted}`,
        list.id,
        senders.map((s) => s.id),
      );
      await startBenchCampaign(tenant, id);
      running.add(id);
    }
    // One second's replies, from recipients the campaigns write to, to the senders they write from.
    const batch = Array.from({ length: repliesPerSecond }, (_, i) => replies + repliesRefused + i);
    const answers = await Promise.all(
      batch.map((n) => reply(system, phoneOf(n % listSize), senders[n % SENDERS].address, REPLY_BODIES[n % 6])),
    );
    replies += answers.filter(Boolean).length;
    repliesRefused += answers.filter((ok) => !ok).length;
    await new Promise((r) => setTimeout(r, 1000));
    if (elapsedMs() >= nextMinute * 60_000) {
      const { accepted } = await system.simulatorStats();
      rows.push({ minute: nextMinute, workerMb: memory.worker.lastMb, apiMb: memory.api.lastMb });
      const cells = [String(nextMinute).padStart(6), mb(memory.worker.lastMb).padStart(10), mb(memory.api.lastMb)];
      console.log(
        `${cells[0]}  ${cells[1]}  ${cells[2].padStart(7)}  ${String(campaignsCompleted).padStart(14)}  ` +
          `${String(accepted).padStart(14)}  ${String(replies).padStart(7)}  ${loadAverage()}`,
      );
      nextMinute++;
    }
  }

  const [worker, api] = [memory.worker.stop(), memory.api.stop()];
  const { accepted } = await system.simulatorStats();
  console.log(`\n${campaignsCompleted} campaigns completed, ${accepted} sends accepted, ${replies} replies accepted`);
  if (repliesRefused) console.log(`${repliesRefused} replies were not accepted by the webhook`);
  // Growth after warm-up: the first minutes fill caches (workflow cache, JIT, pools); what follows must stay flat.
  const warm = rows.slice(Math.min(2, Math.max(0, rows.length - 2)));
  for (const [name, summary, key] of [
    ['worker', worker, 'workerMb'],
    ['API', api, 'apiMb'],
  ] as const) {
    const first = warm[0]?.[key] ?? summary.minMb;
    const growth = summary.lastMb - first;
    const range = `min ${mb(summary.minMb)}, max ${mb(summary.maxMb)}, last ${mb(summary.lastMb)}`;
    console.log(
      `${name} RSS: ${range}; after warm-up ${mb(first)} -> ${mb(summary.lastMb)} (${growth >= 0 ? '+' : ''}${mb(growth)})`,
    );
  }
  if (repliesRefused > 0) throw new Error(`${repliesRefused} replies were refused`);
});
