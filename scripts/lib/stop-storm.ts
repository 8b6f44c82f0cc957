// bench:inbound --stops: signed STOPs from distinct contacts at a steady rate while a campaign texts those same
// contacts, in another order, at the same rate. Prints the webhook's p99, how long after its `200` each sampled
// contact's STOP shows on the DNC API (p50, p99, max; target max under 2 s), and every campaign message the carrier
// accepted for a contact after that contact's STOP was answered (target 0). The conversation workflows apply the STOPs
// far behind (the point of the storm); the campaign and the DNC API must not wait for them. A warm-up of 1,000 STOPs
// from contacts not on the list comes first, as a running system is warm; its own figures are printed apart.
import { performance } from 'node:perf_hooks';
import { ApiError } from '../../src/api-client';
import { twilioSignature } from '../../src/carrier/webhook-signature';
import type { BenchSystem } from './bench-system';
import { loadAverage, log } from './bench-system';
import {
  createBenchCampaign,
  createBenchSender,
  BenchTenant,
  createBenchTenant,
  phoneOf,
  simulatorMessages,
  startBenchCampaign,
  uploadBenchList,
  waitForCampaigns,
} from './bench-workload';
import { MAX_IN_FLIGHT, percentile, postForm } from './webhook-load';

const VISIBLE_TARGET_MS = 2000;
// One STOP in this many is followed on the DNC API (each poll is an API request competing with the storm).
const SAMPLE_EVERY = 10;
const POLL_MS = 50;
const GIVE_UP_MS = 60_000;
const WARM_UP_STOPS = 1000;
const WARM_UP_RATE = 200;

/** StopStormOptions are the storm's length and rate, and the webhook's p99 target. */
export interface StopStormOptions {
  seconds: number;
  rate: number;
  targetP99Ms: number;
}

// Epoch milliseconds on the monotonic clock, as the simulator stamps what it accepts.
const nowMs = () => performance.timeOrigin + performance.now();

// A fixed shuffle: the STOPs come in another order than the campaign's, so some land just before, during and after
// their contact's turn.
function shuffled(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let seed = 19;
  for (let i = n - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * fenceView reads from the API's metrics how the opt-out fences went: acks by how long they took (cumulative counts
 * at bucket bounds, in seconds), acks never given before the bound, and the API's longest event-loop stall.
 */
async function fenceView(system: BenchSystem) {
  const text = await (
    await fetch(`${system.apiUrl}/metrics`, { headers: { authorization: `Bearer ${system.metricsToken}` } })
  ).text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  const bucket = (le: string) =>
    value(new RegExp(`^sms_opt_out_fence_ack_seconds_bucket\\{le="${le}"\\} (\\S+)$`, 'm'));
  return {
    acks: value(/^sms_opt_out_fence_ack_seconds_count (\S+)$/m),
    ackSeconds: value(/^sms_opt_out_fence_ack_seconds_sum (\S+)$/m),
    within: { '0.01': bucket('0.01'), '0.05': bucket('0.05'), '0.1': bucket('0.1'), '1': bucket('1') },
    unacked: value(/^sms_opt_out_fence_unacked_total (\S+)$/m),
    loopDelayMaxMs: value(/^nodejs_eventloop_lag_max_seconds (\S+)$/m) * 1000,
  };
}

/** StopRun is what posting a run of STOPs gave: each answer's latency and what the DNC API showed after it. */
interface StopRun {
  /** Each STOP's webhook latency (ms), sorted. */
  latencies: Float64Array;
  /** When each contact's STOP was answered 200 (epoch ms). */
  answeredAt: Map<string, number>;
  /** For each sampled contact, ms from its 200 until the DNC API showed it, sorted. */
  visible: number[];
  /** Each DNC API look's own latency (ms), sorted: a slow answer and a 404 look alike in `visible`. */
  looks: number[];
  /** Sampled contacts answered 404 at least once before their entry showed. */
  notYet: number;
  refusals: Map<string, number>;
  elapsedSeconds: number;
}

// Posts a signed STOP from each contact at `rate` a second and follows every SAMPLE_EVERY-th on the DNC API.
async function postStops(
  system: BenchSystem,
  target: { api: BenchTenant['api']; dncGroupId: string; senderAddress: string },
  phones: string[],
  rate: number,
  sidPrefix: string,
): Promise<StopRun> {
  const url = `${system.apiUrl}/webhooks/twilio/inbound`;
  const requests = phones.map((phone, i) => {
    const params = {
      MessageSid: `${sidPrefix}${String(i).padStart(25, '0')}`,
      AccountSid: system.simulator.accountSid,
      From: phone,
      To: target.senderAddress,
      Body: 'STOP',
    };
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(system.simulator.authToken, url, params),
    };
    return { headers, body: new URLSearchParams(params).toString() };
  });
  const latencies = new Float64Array(phones.length);
  const answeredAt = new Map<string, number>();
  const visibleAfter: number[] = [];
  const lookLatencies: number[] = [];
  let notYet = 0;
  const refusals = new Map<string, number>();
  const watches: Promise<void>[] = [];

  // How long after the webhook's answer the DNC API shows the contact on the default group.
  async function watchVisibility(phone: string, answered: number): Promise<void> {
    for (let looks = 1; nowMs() - answered < GIVE_UP_MS; looks++) {
      const asked = nowMs();
      try {
        await target.api.getDncEntry(target.dncGroupId, phone);
        lookLatencies.push(nowMs() - asked);
        visibleAfter.push(nowMs() - answered);
        if (looks > 1) notYet += 1;
        return;
      } catch (error) {
        lookLatencies.push(nowMs() - asked);
        if (!(error instanceof ApiError) || error.status !== 404) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    visibleAfter.push(Infinity);
  }

  async function post(i: number): Promise<void> {
    const sent = performance.now();
    try {
      const status = await postForm(url, requests[i].headers, requests[i].body);
      latencies[i] = performance.now() - sent;
      if (status !== 200) {
        refusals.set(String(status), (refusals.get(String(status)) ?? 0) + 1);
        return;
      }
      answeredAt.set(phones[i], nowMs());
      if (i % SAMPLE_EVERY === 0) watches.push(watchVisibility(phones[i], answeredAt.get(phones[i])!));
    } catch (error) {
      latencies[i] = performance.now() - sent;
      const reason = error instanceof Error ? error.message : String(error);
      refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
    }
  }

  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  for (let i = 0; i < phones.length; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const request: Promise<void> = post(i).finally(() => inFlight.delete(request));
    inFlight.add(request);
    if (i > 0 && i % (rate * 10) === 0) log(`${i} posted, load ${loadAverage()}`);
  }
  await Promise.all(inFlight);
  const elapsedSeconds = (performance.now() - started) / 1000;
  await Promise.all(watches);
  const sorted = (values: Iterable<number>) => [...values].sort((a, b) => a - b);
  return {
    latencies: latencies.slice().sort(),
    answeredAt,
    visible: sorted(visibleAfter),
    looks: sorted(lookLatencies),
    notYet,
    refusals,
    elapsedSeconds,
  };
}

/** stopStorm runs the storm on a started system and prints its figures. */
export async function stopStorm(system: BenchSystem, options: StopStormOptions): Promise<void> {
  const contacts = options.seconds * options.rate;
  const tenant = await createBenchTenant(system);
  const { defaultDncGroupId } = await tenant.api.getSettings();
  if (!defaultDncGroupId) throw new Error('the benchmark business unit has no default DNC group');
  const sender = await createBenchSender(tenant, 'short_code', 2, options.rate);
  const list = await uploadBenchList(system, tenant, contacts);
  const campaignId = await createBenchCampaign(tenant, 'stop-storm', list.id, [sender.id]);
  const target = { api: tenant.api, dncGroupId: defaultDncGroupId, senderAddress: sender.address };

  await startBenchCampaign(tenant, campaignId);
  log(`campaign started over ${contacts} contacts at ${options.rate} mps; waiting for its first message`);
  while ((await tenant.api.getCampaign(campaignId)).counts.sent === 0) await new Promise((r) => setTimeout(r, 100));
  // A warm-up first, as a running system is warm (bench:inbound does the same): its cold start is printed apart.
  const warmUpPhones = Array.from({ length: WARM_UP_STOPS }, (_, i) => phoneOf(contacts + i));
  log(`warming up: ${WARM_UP_STOPS} STOPs from contacts not on the list at ${WARM_UP_RATE}/s`);
  const warmUp = await postStops(system, target, warmUpPhones, WARM_UP_RATE, 'SMwarm');
  log(`posting ${contacts} signed STOPs from those contacts at ${options.rate}/s for ${options.seconds} s`);
  const fencesBefore = await fenceView(system);
  const run = await postStops(
    system,
    target,
    shuffled(contacts).map((contact) => phoneOf(contact)),
    options.rate,
    'SMstorm',
  );
  const { latencies: sorted, answeredAt, visible, looks, refusals } = run;
  const fencesAfter = await fenceView(system);
  const acks = fencesAfter.acks - fencesBefore.acks;
  const ackShare = (le: keyof typeof fencesAfter.within) =>
    `${(((fencesAfter.within[le] - fencesBefore.within[le]) / Math.max(acks, 1)) * 100).toFixed(1)}%`;
  // Every contact has opted out by now: the rest of the campaign is skipped, quickly.
  await waitForCampaigns(system, [campaignId], {
    deadlineMs: 10 * 60_000,
    progressMs: 10_000,
    progress: async () => `campaign: ${JSON.stringify((await tenant.api.getCampaign(campaignId)).counts)}`,
  });
  const counts = (await tenant.api.getCampaign(campaignId)).counts;

  // Campaign messages (not the STOP confirmations) the carrier accepted after their contact's STOP was answered.
  const late = (await simulatorMessages(system))
    .filter((m) => m.from === sender.address && m.body.startsWith('Hi '))
    .map((m) => m.receivedAt - (answeredAt.get(m.to) ?? Infinity))
    .filter((after) => after > 0)
    .sort((a, b) => a - b);
  const lines = [
    `warm-up             ${WARM_UP_STOPS} STOPs at ${WARM_UP_RATE}/s from contacts not on the list: webhook p99 ` +
      `${percentile(warmUp.latencies, 99).toFixed(1)} ms, DNC entry visible max ` +
      `${warmUp.visible[warmUp.visible.length - 1].toFixed(0)} ms (a cold system's start; not in the figures below)`,
    `STOPs               ${contacts} posted in ${run.elapsedSeconds.toFixed(1)} s (target ${options.rate}/s), ${answeredAt.size} answered 200`,
    `webhook latency     p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms ` +
      `(target p99 under ${options.targetP99Ms} ms)`,
    `DNC entry visible   p50 ${percentile(visible, 50).toFixed(0)} ms, p99 ${percentile(visible, 99).toFixed(0)} ms, ` +
      `max ${visible[visible.length - 1].toFixed(0)} ms after the 200 (${visible.length} sampled; target max under ` +
      `${VISIBLE_TARGET_MS} ms)`,
    `DNC API looks       each GET p50 ${percentile(looks, 50).toFixed(0)} ms, p99 ${percentile(looks, 99).toFixed(0)} ms, ` +
      `max ${looks[looks.length - 1].toFixed(0)} ms; ${run.notYet} sampled contacts answered 404 before their entry ` +
      `showed`,
    `workers' acks      ${acks} fence acks, mean ${(((fencesAfter.ackSeconds - fencesBefore.ackSeconds) / Math.max(acks, 1)) * 1000).toFixed(1)} ms; ` +
      `within 10 ms ${ackShare('0.01')}, 50 ms ${ackShare('0.05')}, 100 ms ${ackShare('0.1')}, 1 s ${ackShare('1')}; ` +
      `${fencesAfter.unacked - fencesBefore.unacked} not given by the bound; the API's longest event-loop stall ` +
      `${fencesAfter.loopDelayMaxMs.toFixed(0)} ms`,
    `sent after the STOP ${late.length} campaign messages (target 0)` +
      (late.length ? `; ${late[0].toFixed(0)} to ${late[late.length - 1].toFixed(0)} ms after the 200` : ''),
    `campaign            ${JSON.stringify(counts)}`,
    `load average        ${loadAverage()}`,
  ];
  if (refusals.size > 0) lines.push(`refused or failed   ${JSON.stringify(Object.fromEntries(refusals))}`);
  const met =
    refusals.size === 0 &&
    percentile(sorted, 99) < options.targetP99Ms &&
    visible[visible.length - 1] < VISIBLE_TARGET_MS &&
    late.length === 0;
  lines.push(`target              ${met ? 'met' : 'NOT met'}`);
  console.log('');
  for (const line of lines) console.log(line);
}
