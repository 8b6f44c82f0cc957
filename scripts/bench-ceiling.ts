// `npx tsx scripts/bench-ceiling.ts [--recipients 20000] [--rounds 2]` (npm run bench:ceiling): the engine's ceiling.
// On an unthrottled simulator sending a real carrier's receipts (sent, then delivered), campaigns go end to end
// through Temporal (API start, workflow, activities in a worker process); the same again with the simulator's
// receipts turned off; other campaigns over the same list are sent by a plain loop over the domain function the
// activity calls (dispatchBatch), in this process, without Temporal; and the same number of bare POSTs go to the
// simulator over 32 connections with no database at all. The paths alternate over the rounds. Prints each rate and
// the ratios the issues set: receipts on at least 0.8 of receipts off and 0.5 of the bare loop, Temporal at least
// 0.6 of the plain loop. Then (or alone, with --smpp-only) SMPP: the same campaigns through the SMPP adapter bound to
// jsmpp's SMSC simulator with a window of 1 and of 10 (--smpp-recipients, default 5,000), beside the REST figure
// (--no-smpp leaves SMPP out). Each path's CPU-seconds per 1,000 messages, by process, say what it costs whatever else
// shares the machine.
import { createTwilioCarrier } from '../src/carrier/twilio-carrier';
import { dispatchBatch, DispatchDeps } from '../src/campaigns/dispatch-batch';
import { readConfig } from '../src/config';
import { createDb } from '../src/db/connection';
import { transitionCampaign } from '../src/db/campaigns';
import { cpuSecondsOfTree, cpuSpent, describeCpu, type CpuSeconds } from './lib/bench-cpu';
import { smppCeiling } from './lib/bench-smpp';
import { BenchSystem, intOption, loadAverage, log, runBenchmark } from './lib/bench-system';
import {
  BenchTenant,
  createBenchCampaign,
  createBenchSender,
  createBenchTenant,
  BENCH_MESSAGE,
  phoneOf,
  resetSimulator,
  setSimulatorMode,
  startBenchCampaign,
  uploadBenchList,
  waitForCampaigns,
} from './lib/bench-workload';

const TARGETS = { temporalToLoop: 0.6, receiptsOnToOff: 0.8, receiptsOnToBare: 0.5 };
// The bare loop's connections to the simulator: as many requests on the wire as a busy worker has.
const BARE_CONNECTIONS = 32;
// The highest limit the API accepts: far above what one machine sends, so pacing never waits.
const UNTHROTTLED_MPS = 10_000;
const WARMUP_RECIPIENTS = 1000;

/** throughTemporal starts the campaign through the API and times it until its workflow completes. */
async function throughTemporal(system: BenchSystem, tenant: BenchTenant, campaignId: string, recipients: number) {
  const started = performance.now();
  await startBenchCampaign(tenant, campaignId);
  const progress = async () =>
    `through Temporal: ${(await system.simulatorStats()).accepted}/${recipients} accepted, load ${loadAverage()}`;
  await waitForCampaigns(system, [campaignId], {
    deadlineMs: Math.max(300, recipients / 20) * 1000,
    progressMs: 10_000,
    progress,
  });
  return (performance.now() - started) / 1000;
}

/**
 * plainLoop is the same database and carrier work without Temporal: the campaign's row moves to running, dispatchBatch
 * runs page after page with the engine's batch size and a worker's pool size, and the row moves to completed.
 */
async function plainLoop(system: BenchSystem, campaignId: string, recipients: number) {
  const settings = readConfig(process.env).campaign;
  const db = createDb(system.databaseUrl, 20);
  const deps: DispatchDeps = {
    db,
    carrier: createTwilioCarrier(system.simulator),
    statusCallbackUrl: `${system.apiUrl}/webhooks/twilio/status`,
    carrierPatienceMs: settings.carrierPatienceMs,
    carrierSettleMs: settings.carrierSettleMs,
    heartbeat: () => undefined,
  };
  try {
    const started = performance.now();
    if (!(await transitionCampaign(db, campaignId, ['draft'], 'running')))
      throw new Error(`campaign ${campaignId} is not a draft`);
    let afterId = '0';
    let lastProgress = started;
    for (;;) {
      const result = await dispatchBatch(deps, {
        campaignId,
        afterId,
        batchSize: settings.batchSize,
        batchSeconds: settings.batchSeconds,
      });
      if (result.outcome === 'stopped')
        throw new Error(`the plain loop's campaign ${campaignId} stopped: ${result.status}`);
      afterId = result.lastId;
      if (result.done) break;
      if (performance.now() - lastProgress > 10_000) {
        lastProgress = performance.now();
        log(`plain loop: ${(await system.simulatorStats()).accepted}/${recipients} accepted, load ${loadAverage()}`);
      }
    }
    await transitionCampaign(db, campaignId, ['running'], 'completed');
    return (performance.now() - started) / 1000;
  } finally {
    await db.destroy();
  }
}

/**
 * bareLoop is the carrier's own ceiling on this machine: the same number of POSTs, through the same HTTP client, from
 * BARE_CONNECTIONS loops at once, with no database, no pacing and no status callback.
 */
async function bareLoop(system: BenchSystem, from: string, recipients: number) {
  const carrier = createTwilioCarrier(system.simulator);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: BARE_CONNECTIONS }, async () => {
      for (let i = next++; i < recipients; i = next++) {
        const body = BENCH_MESSAGE.replace('{FirstName}', `Person${i}`);
        await carrier.send({ to: phoneOf(i), from, body, idempotencyKey: `bare-${i}` });
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

// Every recipient must have been accepted exactly once, or the rate would describe some other work.
// How long the CPU accounting waits for the simulator's last receipts after a run (they are part of its cost).
const RECEIPTS_DRAIN_MS = 60_000;

/** receiptsDrained waits until the simulator has posted every receipt of the run (sent and final: two per message). */
async function receiptsDrained(system: BenchSystem, accepted: number): Promise<void> {
  const until = Date.now() + RECEIPTS_DRAIN_MS;
  for (;;) {
    const stats = await system.simulatorStats();
    if (stats.receiptsSent + stats.receiptsFailed >= 2 * accepted || Date.now() > until) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function checkedAccepted(system: BenchSystem, recipients: number, what: string): Promise<number> {
  const stats = await system.simulatorStats();
  if (stats.accepted !== recipients || stats.duplicates !== 0) {
    throw new Error(
      `${what}: expected ${recipients} messages accepted once, the simulator saw ${JSON.stringify(stats)}`,
    );
  }
  return stats.accepted;
}

// Its first line says where receipts are off (issue 19): only in the runs that measure what receipts cost.
console.log(
  'bench-ceiling: receipts ON (sent + delivered per message, as real carriers send) in every run except the ' +
    '"receipts off" runs, which turn them OFF only to show what receipts cost',
);

runBenchmark('bench-ceiling', { workers: 1 }, async (system) => {
  const recipients = intOption('recipients', 20_000);
  const rounds = intOption('rounds', 2);
  const tenant = await createBenchTenant(system);
  const sender = await createBenchSender(tenant, 'short_code', 1, UNTHROTTLED_MPS);
  if (process.argv.includes('--smpp-only')) return smppBesideRest(system, tenant, sender.id);
  log(`importing a ${recipients}-recipient list through the API...`);
  const list = await uploadBenchList(system, tenant, recipients);
  log(`imported in ${list.seconds.toFixed(1)} s`);

  // A small untimed round through both paths first, so neither measurement pays for the other's cold start (JIT,
  // connection pools, the simulator's first requests, PostgreSQL's caches).
  log(`warming up both paths with ${WARMUP_RECIPIENTS} recipients each (not timed)...`);
  const warmList = await uploadBenchList(system, tenant, WARMUP_RECIPIENTS);
  const warmUp = (name: string) => createBenchCampaign(tenant, `warm-up ${name}`, warmList.id, [sender.id]);
  await throughTemporal(system, tenant, await warmUp('through Temporal'), WARMUP_RECIPIENTS);
  await plainLoop(system, await warmUp('plain loop'), WARMUP_RECIPIENTS);

  // Each path gets a fresh campaign over the same list per round, and the order rotates between rounds, so no path
  // always runs first (colder caches, a smaller messages table) or last (the machine's load drifting).
  const viaTemporal = (receipts: boolean) => async (id: string) => {
    if (!receipts) await setSimulatorMode(system, { autoDeliver: false });
    return throughTemporal(system, tenant, id, recipients);
  };
  const paths = {
    'receipts on': viaTemporal(true),
    'receipts off': viaTemporal(false),
    'plain loop': (id: string) => plainLoop(system, id, recipients),
    'bare HTTP loop': () => bareLoop(system, sender.address, recipients),
  };
  type Path = keyof typeof paths;
  const names = Object.keys(paths) as Path[];
  const runs: { path: Path; round: number; seconds: number; load: string; cpu: CpuSeconds }[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = names.map((_, i) => names[(i + round - 1) % names.length]);
    for (const path of order) {
      const campaignId = await createBenchCampaign(tenant, `ceiling ${path} round ${round}`, list.id, [sender.id]);
      // The reset also restores the simulator's default mode: a real carrier's receipts.
      await resetSimulator(system);
      log(`round ${round}/${rounds}: sending ${recipients} messages, ${path}...`);
      const cpuBefore = cpuSecondsOfTree();
      const seconds = await paths[path](campaignId);
      const load = loadAverage();
      const accepted = await checkedAccepted(system, recipients, `round ${round} ${path}`);
      // Receipts the carrier still owes are part of the run's cost (only the bare loop and "receipts off" have none).
      if (path === 'receipts on' || path === 'plain loop') await receiptsDrained(system, accepted);
      runs.push({ path, round, seconds, load, cpu: cpuSpent(cpuBefore, cpuSecondsOfTree()) });
    }
  }
  await resetSimulator(system);

  console.log(
    `\nbench-ceiling: ${recipients} recipients per run, ${rounds} round(s), unthrottled (${UNTHROTTLED_MPS} mps); ` +
      `receipts on (sent + delivered per message) except in the "receipts off" runs`,
  );
  for (const run of runs) {
    const perSecond = (recipients / run.seconds).toFixed(0);
    const figures = `${run.seconds.toFixed(1).padStart(7)} s  ${perSecond.padStart(6)} messages/s`;
    console.log(`round ${run.round} ${run.path.padEnd(16)}  ${figures}  (load after: ${run.load})`);
  }
  // What each path costs, whatever else ran on the machine: CPU-seconds per 1,000 messages, receipts included.
  console.log(`CPU per 1,000 messages (every process of this benchmark; receipts on: until its last receipt):`);
  for (const path of names) {
    const own = runs.filter((r) => r.path === path);
    const perThousand: CpuSeconds = {};
    for (const run of own)
      for (const [part, seconds] of Object.entries(run.cpu))
        perThousand[part] = (perThousand[part] ?? 0) + (seconds * 1000) / (recipients * own.length);
    console.log(`  ${path.padEnd(16)} ${describeCpu(perThousand)}`);
  }
  // Each path's rate over all its rounds: every message it sent over all the time it took.
  const rate = (path: Path) => {
    const own = runs.filter((r) => r.path === path);
    return (own.length * recipients) / own.reduce((sum, r) => sum + r.seconds, 0);
  };
  for (const path of names)
    console.log(`${path.padEnd(16)}  ${rate(path).toFixed(0).padStart(6)} messages/s over all rounds`);
  const ratio = (what: string, value: number, target: number) =>
    console.log(`${what.padEnd(32)} ${value.toFixed(3)}  (target >= ${target}: ${value >= target ? 'met' : 'MISSED'})`);
  ratio('receipts on / plain loop', rate('receipts on') / rate('plain loop'), TARGETS.temporalToLoop);
  ratio('receipts on / receipts off', rate('receipts on') / rate('receipts off'), TARGETS.receiptsOnToOff);
  ratio('receipts on / bare HTTP loop', rate('receipts on') / rate('bare HTTP loop'), TARGETS.receiptsOnToBare);
  if (!process.argv.includes('--no-smpp')) await smppBesideRest(system, tenant, sender.id);
});

/** smppBesideRest times SMPP campaigns (window 1 and 10) and one REST campaign of the same size, and prints them. */
async function smppBesideRest(system: BenchSystem, tenant: BenchTenant, restSenderId: string): Promise<void> {
  const recipients = intOption('smpp-recipients', 5000);
  const timed = await uploadBenchList(system, tenant, recipients);
  const warmUp = await uploadBenchList(system, tenant, 200);
  const restWarmUp = await createBenchCampaign(tenant, 'warm-up REST beside SMPP', warmUp.id, [restSenderId]);
  await throughTemporal(system, tenant, restWarmUp, 200);
  await resetSimulator(system);
  log(`REST (the bundled simulator), receipts on: sending ${recipients} messages through Temporal...`);
  const restId = await createBenchCampaign(tenant, 'ceiling REST beside SMPP', timed.id, [restSenderId]);
  const restSeconds = await throughTemporal(system, tenant, restId, recipients);
  await checkedAccepted(system, recipients, 'REST beside SMPP');
  const runs = await smppCeiling(
    system,
    tenant,
    { timed: { id: timed.id, recipients }, warmUp: warmUp.id },
    UNTHROTTLED_MPS,
  );
  console.log(`\nbench-ceiling SMPP: ${recipients} recipients per run through Temporal, receipts on, unthrottled`);
  console.log(`REST (Twilio-compatible)  ${(recipients / restSeconds).toFixed(0).padStart(6)} messages/s`);
  for (const run of runs)
    console.log(
      `SMPP window ${String(run.window).padEnd(13)} ${run.perSecond.toFixed(0).padStart(6)} messages/s  (${run.seconds.toFixed(1)} s)`,
    );
}
