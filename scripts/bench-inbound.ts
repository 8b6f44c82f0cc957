// `npm run bench:inbound [-- --seconds 60 --rate 500]`: signed inbound replies from distinct contacts at a steady rate
// against the webhook, as a carrier would post them. Prints accepted replies per second and the webhook's p50/p99
// latency, then waits until every reply is recorded and handled by its conversation workflow (the counts must equal
// what was sent). Target: at least 500 per second with p99 under 100 ms. One in ten replies is a STOP, so the DNC and
// confirmation path is part of the load; the rest are questions for a business unit without the SMS channel.
import { performance } from 'node:perf_hooks';
import { twilioSignature } from '../src/carrier/webhook-signature';
import { inboundMessageCounts } from '../src/db/inbound-messages';
import { intOption, loadAverage, log, runBenchmark } from './lib/bench-system';
import { createBenchSender, createBenchTenant, phoneOf } from './lib/bench-workload';

const WORKERS = 2;
const TARGET_RATE = 500;
const TARGET_P99_MS = 100;
// A carrier keeps only so many webhooks open at once; past this the benchmark would measure its own queue.
const MAX_IN_FLIGHT = 256;

/** percentile reads the p-th percentile (0..100) of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

runBenchmark('bench-inbound', WORKERS, async (system) => {
  const seconds = intOption('seconds', 60);
  const rate = intOption('rate', TARGET_RATE);
  const tenant = await createBenchTenant(system);
  // A fast short code, so the STOP confirmations drain as quickly as the replies arrive.
  const sender = await createBenchSender(tenant, 'short_code', 1, 1000);
  const url = `${system.apiUrl}/webhooks/twilio/inbound`;
  const total = seconds * rate;
  const latencies = new Float64Array(total);
  const refusals = new Map<string, number>();
  let accepted = 0;

  async function post(i: number): Promise<void> {
    const params = {
      MessageSid: `SMbench${String(i).padStart(25, '0')}`,
      AccountSid: system.simulator.accountSid,
      From: phoneOf(i),
      To: sender.address,
      Body: i % 10 === 0 ? 'STOP' : `Is my appointment still on? (${i})`,
    };
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(system.simulator.authToken, url, params),
    };
    const sent = performance.now();
    try {
      const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params) });
      await res.arrayBuffer();
      latencies[i] = performance.now() - sent;
      if (res.status === 200) accepted++;
      else refusals.set(String(res.status), (refusals.get(String(res.status)) ?? 0) + 1);
    } catch (error) {
      latencies[i] = performance.now() - sent;
      const reason = error instanceof Error ? error.message : String(error);
      refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
    }
  }

  log(`posting ${total} signed replies from distinct contacts at ${rate}/s for ${seconds} s to ${url}`);
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    // A steady schedule: reply i is due at i / rate seconds, however long the earlier ones took.
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const request: Promise<void> = post(i).finally(() => inFlight.delete(request));
    inFlight.add(request);
    if (i > 0 && i % (rate * 10) === 0) log(`${i} posted, ${accepted} accepted, load ${loadAverage()}`);
  }
  await Promise.all(inFlight);
  const elapsedSeconds = (performance.now() - started) / 1000;
  const sorted = latencies.slice().sort();

  log('waiting until every reply is handled by its conversation workflow...');
  const deadline = Date.now() + Math.max(120_000, seconds * 4000);
  let counts = await inboundMessageCounts(system.db);
  while (counts.processed < total && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    counts = await inboundMessageCounts(system.db);
    log(`recorded ${counts.recorded}, handled ${counts.processed} of ${total}`);
  }
  const handledSeconds = (performance.now() - started) / 1000;

  const acceptedPerSecond = accepted / elapsedSeconds;
  const [p50, p99] = [percentile(sorted, 50), percentile(sorted, 99)];
  console.log('');
  console.log(`sent                ${total} replies in ${elapsedSeconds.toFixed(1)} s (target rate ${rate}/s)`);
  console.log(`accepted            ${accepted} (${acceptedPerSecond.toFixed(0)}/s; target at least ${TARGET_RATE}/s)`);
  console.log(
    `webhook latency     p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (target p99 under ${TARGET_P99_MS} ms)`,
  );
  console.log(`recorded            ${counts.recorded}`);
  console.log(
    `processed           ${counts.processed} (all handled ${handledSeconds.toFixed(1)} s after the first post)`,
  );
  if (refusals.size > 0) console.log(`refused or failed   ${JSON.stringify(Object.fromEntries(refusals))}`);
  console.log(`load average        ${loadAverage()}`);
  const verdict = acceptedPerSecond >= TARGET_RATE * 0.99 && p99 < TARGET_P99_MS ? 'met' : 'NOT met';
  console.log(`target              ${verdict}`);
  if (accepted !== total || counts.recorded !== total || counts.processed !== total) {
    throw new Error(
      `replies were lost: sent ${total}, accepted ${accepted}, recorded ${counts.recorded}, processed ${counts.processed}`,
    );
  }
});
