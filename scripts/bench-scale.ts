// `npx tsx scripts/bench-scale.ts [--recipients 1000000]` (npm run bench:scale): one big campaign on an unthrottled
// simulator. The list is generated while it streams into the API's CSV upload; the campaign runs through Temporal on
// one worker process. Prints the import and total times, the largest history of any workflow run of the campaign
// (target under 10,000 events) and the worker's resident memory sampled every second (target flat, under 500 MB).
import os from 'node:os';
import { MemorySampler } from './lib/bench-memory';
import { intOption, loadAverage, log, runBenchmark } from './lib/bench-system';
import {
  campaignRuns,
  createBenchCampaign,
  createBenchSender,
  createBenchTenant,
  startBenchCampaign,
  uploadBenchList,
  waitForCampaigns,
} from './lib/bench-workload';

const MAX_HISTORY_EVENTS = 10_000;
const MAX_WORKER_RSS_MB = 500;
const IMPORT_TARGET_SECONDS_PER_MILLION = 30;
const UNTHROTTLED_MPS = 10_000;

function count(n: number): string {
  return n.toLocaleString('en-US');
}

runBenchmark('bench-scale', { workers: 1 }, async (system) => {
  const recipients = intOption('recipients', 1_000_000);
  const tenant = await createBenchTenant(system);
  const sender = await createBenchSender(tenant, 'short_code', 1, UNTHROTTLED_MPS);
  const worker = system.workers[0].child.pid;
  if (!worker) throw new Error('the worker process has no pid');
  // Sampling starts before the import, so the figures include the worker's idle baseline.
  const memory = new MemorySampler(worker, 1000);

  log(`importing ${count(recipients)} generated recipients through POST /v1/calling-lists...`);
  const started = performance.now();
  const list = await uploadBenchList(system, tenant, recipients);
  log(`imported in ${list.seconds.toFixed(1)} s`);
  const campaignId = await createBenchCampaign(tenant, 'scale', list.id, [sender.id]);
  const sendStarted = performance.now();
  await startBenchCampaign(tenant, campaignId);

  // Each progress line also keeps (share sent, RSS) so the end can show memory along the whole campaign.
  const trajectory: { share: number; rssMb: number }[] = [];
  let lastAccepted = 0;
  let lastAt = performance.now();
  const progress = async () => {
    const { accepted } = await system.simulatorStats();
    const now = performance.now();
    const rate = (accepted - lastAccepted) / ((now - lastAt) / 1000);
    const overall = accepted / ((now - sendStarted) / 1000);
    [lastAccepted, lastAt] = [accepted, now];
    trajectory.push({ share: accepted / recipients, rssMb: memory.lastMb });
    const eta = overall > 0 ? `${((recipients - accepted) / overall / 60).toFixed(1)} min` : '?';
    const sent = `${count(accepted)}/${count(recipients)} sent (${((100 * accepted) / recipients).toFixed(1)}%)`;
    const rates = `${rate.toFixed(0)}/s now, ${overall.toFixed(0)}/s overall, ETA ${eta}`;
    return `${sent}, ${rates}, worker RSS ${memory.lastMb.toFixed(0)} MB, load ${loadAverage()}`;
  };
  // At least 100 messages a second, or something is wrong; the run then stops itself rather than hang.
  await waitForCampaigns(system, [campaignId], {
    deadlineMs: (recipients / 100 + 300) * 1000,
    progressMs: 15_000,
    progress,
  });
  const sendSeconds = (performance.now() - sendStarted) / 1000;
  const totalSeconds = (performance.now() - started) / 1000;
  const rss = memory.stop();

  const stats = await system.simulatorStats();
  if (stats.accepted !== recipients || stats.duplicates !== 0) {
    throw new Error(`expected ${recipients} messages accepted once, the simulator saw ${JSON.stringify(stats)}`);
  }
  const runs = await campaignRuns(system, campaignId);
  const largest = Math.max(...runs.map((r) => r.historyLength));
  const importTarget = (IMPORT_TARGET_SECONDS_PER_MILLION * recipients) / 1_000_000;
  // One sample per tenth of the campaign shows whether memory grows with the number of messages sent.
  const deciles = Array.from(
    { length: 10 },
    (_, i) => trajectory.find((t) => t.share >= (i + 1) / 10)?.rssMb ?? rss.lastMb,
  );

  console.log(`\nbench-scale: ${count(recipients)} recipients, unthrottled simulator, 1 worker process`);
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const importVerdict = verdict(list.seconds < importTarget);
  console.log(
    `import            ${list.seconds.toFixed(1)} s (target < ${importTarget.toFixed(1)} s: ${importVerdict})`,
  );
  const sendRate = (recipients / sendSeconds).toFixed(0);
  console.log(`campaign          ${sendSeconds.toFixed(1)} s, ${sendRate} messages/s, ${stats.duplicates} duplicates`);
  console.log(`total time        ${totalSeconds.toFixed(1)} s (import + campaign)`);
  // Receipts are on (the simulator's default, a real carrier's): what the API had taken by the campaign's end.
  console.log(
    `receipts          ${count(stats.receiptsSent)} status callbacks answered 2xx by the campaign's end (sent + delivered per message; ${stats.receiptsFailed} failed)`,
  );
  const historyVerdict = verdict(largest < MAX_HISTORY_EVENTS);
  console.log(
    `workflow runs     ${runs.length}; largest history ${largest} events (target < 10,000: ${historyVerdict})`,
  );
  const rssFigures = `min ${rss.minMb.toFixed(0)} MB, max ${rss.maxMb.toFixed(0)} MB, last ${rss.lastMb.toFixed(0)} MB`;
  const rssVerdict = verdict(rss.maxMb < MAX_WORKER_RSS_MB);
  console.log(`worker RSS        ${rssFigures} over ${rss.samples} samples (target max < 500 MB: ${rssVerdict})`);
  console.log(`RSS by 10% sent   ${deciles.map((mb) => mb.toFixed(0)).join(' ')} MB`);
  console.log(`load average      ${loadAverage()} (1/5/15 min, ${os.cpus().length} cores)`);
});
