// `npx tsx scripts/bench-pacing.ts [--seconds 40] [--fast-mps 300 | --no-fast]` (npm run bench:pacing): sender pacing across 3
// worker processes. A 5 mps long code serves one campaign; a 50 mps short code is shared by two campaigns; a fast short
// code (slots shorter than the lateness bound, where a stall misses several; --no-fast leaves it out) serves one. The simulator does not
// throttle, so it sees exactly what the engine sends; per sender this prints the highest count in any one-second
// window (must not exceed the limit) and achieved/limit over the sending period (target at least 0.98), by the
// simulator's arrival stamps and again by the workers' own dispatch stamps (CARRIER_DISPATCH_STAMP), beside the
// simulator's event-loop delay: a window over in the first view only is the way's and the stamping loop's jitter.
import { PACING_SHARE } from '../src/senders/send-pacer';
import type { RecordedMessage } from '../src/simulator/message-log';
import { intOption, loadAverage, log, runBenchmark } from './lib/bench-system';
import {
  campaignRuns,
  createBenchCampaign,
  createBenchSender,
  createBenchTenant,
  simulatorMessages,
  startBenchCampaign,
  uploadBenchList,
  waitForCampaigns,
} from './lib/bench-workload';

const WORKERS = 3;
const TARGET_ACHIEVED = 0.98;

/** SenderPacing is what the simulator saw from one sender. */
interface SenderPacing {
  messages: number;
  maxInOneSecond: number;
  /** Messages per second over the sending period divided by the limit. */
  achieved: number;
  /** The shortest time spanned by mps + 1 consecutive messages: at or under 1000 ms means a window held too many. */
  tightestSpanMs: number;
  /** How many runs of mps + 1 consecutive messages fell within one second. */
  windowsOver: number;
  /** Where the first few of those started (seconds into the sender's sending) and what they spanned. */
  overAt: { atSeconds: number; spanMs: number }[];
  /** Gaps between arrivals longer than two paced slots: how many, the time they lost, and the longest few. */
  gaps: { count: number; lostMs: number; longest: { atSeconds: number; gapMs: number }[] };
}

// Where a sender's rate went: every gap longer than two paced slots, and what it cost beyond its one slot.
function gapsOf(times: number[], mps: number): SenderPacing['gaps'] {
  const slotMs = 1000 / (mps * PACING_SHARE);
  const found: { atSeconds: number; gapMs: number }[] = [];
  for (let i = 1; i < times.length; i++) {
    const gapMs = times[i] - times[i - 1];
    if (gapMs > 2 * slotMs) found.push({ atSeconds: (times[i - 1] - times[0]) / 1000, gapMs });
  }
  return {
    count: found.length,
    lostMs: found.reduce((sum, g) => sum + g.gapMs - slotMs, 0),
    longest: found.sort((a, b) => b.gapMs - a.gapMs).slice(0, 3),
  };
}

/** maxInAnySecond is the most of these sorted times that fall within one second of each other. */
function maxInAnySecond(times: number[]): number {
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j] - times[i] > 1000) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** pacingOf measures one sender from the simulator's arrival times (sorted, sub-millisecond, monotonic). */
function pacingOf(times: number[], mps: number, maxInOneSecond: number): SenderPacing {
  // n evenly paced messages span (n - 1) intervals, so (n - 1) / span is the rate; n / span would overstate it.
  const spanSeconds = (times[times.length - 1] - times[0]) / 1000;
  let tightestSpanMs = Number.POSITIVE_INFINITY;
  let windowsOver = 0;
  const overAt: SenderPacing['overAt'] = [];
  for (let i = 0; i + mps < times.length; i++) {
    const span = times[i + mps] - times[i];
    tightestSpanMs = Math.min(tightestSpanMs, span);
    if (span <= 1000) {
      windowsOver++;
      if (windowsOver <= 3) overAt.push({ atSeconds: (times[i] - times[0]) / 1000, spanMs: span });
    }
  }
  return {
    messages: times.length,
    maxInOneSecond,
    achieved: (times.length - 1) / spanSeconds / mps,
    tightestSpanMs,
    windowsOver,
    overAt,
    gaps: gapsOf(times, mps),
  };
}

// Every REST send carries the moment its worker handed it over, so both views below come from one run.
process.env.CARRIER_DISPATCH_STAMP = 'true';

runBenchmark('bench-pacing', { workers: WORKERS, favourSimulator: true }, async (system) => {
  const seconds = intOption('seconds', 40);
  const fastMps = process.argv.includes('--no-fast') ? 0 : intOption('fast-mps', 300);
  const tenant = await createBenchTenant(system);
  // Each sender with its campaigns; a sender's recipients (`seconds` of its sending) are split over its campaigns.
  const plan = [
    { sender: await createBenchSender(tenant, 'long_code', 1, 5), campaigns: 1 },
    { sender: await createBenchSender(tenant, 'short_code', 1, 50), campaigns: 2 },
    ...(fastMps > 0 ? [{ sender: await createBenchSender(tenant, 'short_code', 2, fastMps), campaigns: 1 }] : []),
  ];
  const senders = plan.map((p) => p.sender);
  const campaigns: { id: string; sender: (typeof senders)[number] }[] = [];
  for (const { sender, campaigns: count } of plan) {
    const list = await uploadBenchList(system, tenant, (sender.mps * seconds) / count);
    for (let c = 0; c < count; c++) {
      const id = await createBenchCampaign(tenant, `pacing ${sender.mps} mps ${c + 1}`, list.id, [sender.id]);
      campaigns.push({ id, sender });
    }
  }
  const expected = senders.reduce((sum, sender) => sum + sender.mps * seconds, 0);
  const described = plan.map(
    (p) => `${p.sender.mps * seconds} on ${p.sender.address} (${p.sender.mps} mps, ${p.campaigns} campaign(s))`,
  );
  log(`starting ${campaigns.length} campaigns: ${described.join(', ')}`);
  await Promise.all(campaigns.map((c) => startBenchCampaign(tenant, c.id)));
  const progress = async () => {
    const stats = await system.simulatorStats();
    const max = JSON.stringify(stats.maxPerSecondBySender);
    return `accepted ${stats.accepted}/${expected}, max per second ${max}, load ${loadAverage()}`;
  };
  const ids = campaigns.map((c) => c.id);
  await waitForCampaigns(system, ids, { deadlineMs: (seconds * 4 + 120) * 1000, progressMs: 5000, progress });

  const stats = await system.simulatorStats();
  const messages = await simulatorMessages(system);
  if (stats.accepted !== expected || stats.duplicates !== 0) {
    throw new Error(`expected ${expected} messages each accepted once, the simulator saw ${JSON.stringify(stats)}`);
  }
  const workersBySender = new Map<string, Set<string>>();
  for (const { id, sender } of campaigns) {
    const seen = workersBySender.get(sender.address) ?? new Set<string>();
    for (const run of await campaignRuns(system, id)) run.activityWorkers.forEach((w) => seen.add(w));
    workersBySender.set(sender.address, seen);
  }

  console.log(
    `\nbench-pacing: ${WORKERS} worker processes, ${expected} messages, load average ${loadAverage()} (1/5/15 min)`,
  );
  console.log(
    'sender          limit  messages  max in any 1 s  achieved/limit  tightest (mps+1)-span  windows over  workers',
  );
  // One sender's messages, each read by one of its stamps, in time order.
  const stampsOf = (address: string, stamp: (m: RecordedMessage) => number | undefined): number[] =>
    messages
      .filter((m) => m.from === address)
      .map(stamp)
      .filter((t): t is number => t !== undefined)
      .sort((a, b) => a - b);
  for (const sender of senders) {
    const times = stampsOf(sender.address, (m) => m.receivedAt);
    const p = pacingOf(times, sender.mps, stats.maxPerSecondBySender[sender.address] ?? 0);
    const ok = p.maxInOneSecond <= sender.mps && p.achieved >= TARGET_ACHIEVED;
    const cells = [
      sender.address.padEnd(14),
      String(sender.mps).padStart(5),
      String(p.messages).padStart(8),
      String(p.maxInOneSecond).padStart(14),
      p.achieved.toFixed(4).padStart(14),
      `${p.tightestSpanMs.toFixed(1)} ms`.padStart(21),
      String(p.windowsOver).padStart(12),
      String(workersBySender.get(sender.address)?.size ?? 0).padStart(7),
      ok ? 'met' : 'MISSED',
    ];
    console.log(cells.join('  '));
    // Where a second held too many: a stall at the start, mid-run or at the end tells different stories.
    for (const over of p.overAt)
      console.log(
        `  ${sender.address}: ${sender.mps + 1} messages within ${over.spanMs.toFixed(1)} ms from ${over.atSeconds.toFixed(2)} s`,
      );
    const longest = p.gaps.longest.map((g) => `${g.gapMs.toFixed(0)} ms at ${g.atSeconds.toFixed(1)} s`).join(', ');
    console.log(
      `  ${sender.address}: ${p.gaps.count} gaps over two slots lost ${p.gaps.lostMs.toFixed(0)} ms; longest ${longest || 'none'}`,
    );
  }
  // The same messages by the moment each worker handed its request over (X-Dispatched-At): the engine's own spacing,
  // without the way to the simulator and the simulator's event loop, which stamps the arrivals above.
  console.log('as the engine dispatched them (X-Dispatched-At, stamped right before each request was written):');
  console.log('sender          limit  max in any 1 s  tightest (mps+1)-span  windows over');
  for (const sender of senders) {
    const times = stampsOf(sender.address, (m) => m.dispatchedAt);
    if (times.length !== stampsOf(sender.address, (m) => m.receivedAt).length)
      throw new Error(`${sender.address}: some sends carried no dispatch time (is CARRIER_DISPATCH_STAMP on?)`);
    const p = pacingOf(times, sender.mps, maxInAnySecond(times));
    const cells = [
      sender.address.padEnd(14),
      String(sender.mps).padStart(5),
      String(p.maxInOneSecond).padStart(14),
      `${p.tightestSpanMs.toFixed(1)} ms`.padStart(21),
      String(p.windowsOver).padStart(12),
      p.maxInOneSecond <= sender.mps ? 'met' : 'MISSED',
    ];
    console.log(cells.join('  '));
  }
  const { p99, max } = stats.eventLoopDelayMs;
  console.log(
    `simulator's event loop (arrival times are stamped on it): late p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`,
  );
  console.log(`targets: max in any 1 s <= limit, achieved/limit >= ${TARGET_ACHIEVED}`);
});
