// `npm run chaos [-- --recipients 20000 --each 2 --seed 1 --senders 4 --mps 100]`: one campaign while the carrier
// simulator (ignoring Idempotency-Key, as Twilio does) fails 10% of sends with 503, accepts 2% and then drops the
// connection before answering, and answers 1% only after the client's timeout; and the worker process is SIGKILLed
// (then replaced), the Temporal dev server restarted and PostgreSQL restarted, `each` times apiece at seeded random
// points of the campaign. Stops by itself. Prints the faults injected, then recipients, accepted sends and recipients
// messaged twice at the simulator (by recipient, not by key): accepted must equal recipients and duplicates must be
// 0, or it exits 1.
import type { RecordedMessage } from '../src/simulator/message-log';
import type { ProactiveSmsClient } from '../src/api-client';
import { FaultKind, InjectedFault, injectFault, planFaults, seededRandom } from './lib/chaos-faults';
import { BenchSystem, intOption, log, runBenchmark } from './lib/bench-system';
import {
  createBenchCampaign,
  createBenchSender,
  createBenchTenant,
  phoneOf,
  simulatorMessages,
  setSimulatorMode,
  startBenchCampaign,
  uploadBenchList,
} from './lib/bench-workload';

const FAIL_RATIO = 0.1;
// Sends the carrier accepts and then drops the connection on, or answers after the client gave up (its timeout is
// 10 s): the engine cannot know they went, and must look them up rather than send them again.
const DROP_RATIO = 0.02;
const LATE_RATIO = 0.01;
const LATE_MS = 12_000;

const FAULTY = {
  failRatio: FAIL_RATIO,
  dropAfterAcceptRatio: DROP_RATIO,
  answerLateRatio: LATE_RATIO,
  answerLateMs: LATE_MS,
};
const HEALTHY = { failRatio: 0, dropAfterAcceptRatio: 0, answerLateRatio: 0 };

function setCarrierFaults(system: BenchSystem, mode: typeof FAULTY | typeof HEALTHY): Promise<void> {
  return setSimulatorMode(system, { ...mode, honourIdempotencyKey: false });
}

// The API answers from PostgreSQL, which is sometimes down on purpose here: a failed poll is just tried again.
async function campaignStatus(api: ProactiveSmsClient, campaignId: string): Promise<string | null> {
  try {
    return (await api.getCampaign(campaignId)).status;
  } catch {
    return null;
  }
}

/** The per-recipient tally at the carrier: how many distinct recipients got a message, and how many got more than one. */
function tally(messages: RecordedMessage[], recipients: number) {
  const perRecipient = new Map<string, number>();
  for (const m of messages) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
  const missing = Array.from({ length: recipients }, (_, i) => phoneOf(i)).filter((p) => !perRecipient.has(p));
  const messagedTwice = [...perRecipient.values()].filter((n) => n > 1).length;
  return { distinct: perRecipient.size, messagedTwice, missing };
}

// Where the duplicates fell: each recipient messaged twice, with both sends' times and the fault played on the first
// answer, so a failed run says which path resent.
function describeDuplicates(messages: RecordedMessage[], startedAt: number, limit = 20): string[] {
  const byRecipient = new Map<string, RecordedMessage[]>();
  for (const m of messages) {
    const sends = byRecipient.get(m.to);
    if (sends) sends.push(m);
    else byRecipient.set(m.to, [m]);
  }
  const twice = [...byRecipient.values()].filter((sends) => sends.length > 1);
  const at = (m: RecordedMessage) => ((m.receivedAt - startedAt) / 1000).toFixed(1);
  return twice.slice(0, limit).map(([first, ...again]) => {
    const sameKey = again.every((m) => m.idempotencyKey === first.idempotencyKey) ? 'same key' : 'other key';
    const times = again.map((m) => `${at(m)} s`).join(', ');
    return `  ${first.to}: first at ${at(first)} s (answer ${first.answerFault ?? 'given'}), again at ${times} (${sameKey})`;
  });
}

runBenchmark('chaos', { workers: 1 }, async (system) => {
  const recipients = intOption('recipients', 20_000);
  const each = intOption('each', 2);
  const seed = intOption('seed', 1);
  const senderCount = intOption('senders', 4);
  const mps = intOption('mps', 100);
  const random = seededRandom(seed);
  const plan = planFaults(random, each);
  log(
    `chaos: ${recipients} recipients, ${senderCount} senders at ${mps}/s; the carrier ignores Idempotency-Key, fails ` +
      `${FAIL_RATIO * 100}% of sends with 503, drops the connection after accepting ${DROP_RATIO * 100}% and answers ` +
      `${LATE_RATIO * 100}% after ${LATE_MS / 1000} s`,
  );
  log(`seed ${seed}: ${plan.map((f) => `${f.kind} at ${(f.atShare * 100).toFixed(0)}%`).join(', ')}`);

  const tenant = await createBenchTenant(system);
  const senders: { id: string; address: string }[] = [];
  for (let n = 1; n <= senderCount; n++) senders.push(await createBenchSender(tenant, 'short_code', n, mps));
  const list = await uploadBenchList(system, tenant, recipients);
  const campaignId = await createBenchCampaign(
    tenant,
    'chaos',
    list.id,
    senders.map((s) => s.id),
  );
  await setCarrierFaults(system, FAULTY);
  const started = performance.now();
  const startedAt = Date.now();
  await startBenchCampaign(tenant, campaignId);

  const seconds = () => (performance.now() - started) / 1000;
  const injected: InjectedFault[] = [];
  const skipped: FaultKind[] = [];
  // Three times the undisturbed sending time, plus a minute for each fault to heal, plus slack for a slow machine.
  const deadline = (3 * recipients) / (senderCount * mps) + 60 * plan.length + 300;
  let status: string | null = null;
  let lastProgress = 0;
  while (status !== 'completed') {
    if (seconds() > deadline) throw new Error(`the campaign did not complete within ${deadline.toFixed(0)} s`);
    system.assertRunning();
    const { accepted } = await system.simulatorStats();
    const next = plan[injected.length + skipped.length];
    if (next && accepted >= next.atShare * recipients) {
      const at = seconds();
      log(`fault ${injected.length + 1}: ${next.kind} at ${accepted} accepted sends (${at.toFixed(1)} s)`);
      await injectFault(system, next.kind, random);
      injected.push({ ...next, atSeconds: at, acceptedBefore: accepted, outageSeconds: seconds() - at });
      continue;
    }
    status = await campaignStatus(tenant.api, campaignId);
    if (status === 'completed' && next) {
      skipped.push(...plan.slice(injected.length + skipped.length).map((f) => f.kind));
    } else if (status !== null && ['cancelled', 'paused'].includes(status)) {
      throw new Error(`the campaign stopped as ${status}`);
    }
    if (seconds() - lastProgress >= 10) {
      lastProgress = seconds();
      log(`${accepted}/${recipients} accepted, campaign ${status ?? '(API not answering)'}, ${seconds().toFixed(0)} s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const elapsed = seconds();
  await setCarrierFaults(system, HEALTHY);

  const stats = await system.simulatorStats();
  const messages = await simulatorMessages(system);
  const { distinct, messagedTwice, missing } = tally(messages, recipients);
  console.log('\nfaults injected:');
  for (const [i, f] of injected.entries()) {
    const when = `${f.atSeconds.toFixed(1)} s, after ${f.acceptedBefore} accepted sends`;
    console.log(
      `  ${i + 1}. ${f.kind.padEnd(18)} at ${when}; system whole again ${f.outageSeconds.toFixed(1)} s later`,
    );
  }
  if (skipped.length) console.log(`  not injected (the campaign finished first): ${skipped.join(', ')}`);
  console.log(`  carrier 503s injected: ${stats.failedInjected}`);
  console.log(`  accepted, then the connection dropped: ${stats.droppedAfterAccept}`);
  console.log(`  accepted, answered after the client's timeout: ${stats.answeredLate}`);
  console.log(`\nrecipients:                         ${recipients}`);
  console.log(`accepted sends at the simulator:    ${stats.accepted}`);
  console.log(`distinct recipients messaged:       ${distinct}`);
  console.log(`duplicates (recipients messaged twice): ${messagedTwice}`);
  console.log(`requests repeating an Idempotency-Key (ignored by the carrier): ${stats.duplicates}`);
  if (messagedTwice > 0)
    console.log(
      ['recipients messaged twice (times from the start):', ...describeDuplicates(messages, startedAt)].join('\n'),
    );
  console.log(`campaign completed in ${elapsed.toFixed(1)} s\n`);
  const problems = [
    stats.accepted !== recipients && `accepted ${stats.accepted} != recipients ${recipients}`,
    messagedTwice !== 0 && `${messagedTwice} recipients messaged twice`,
    missing.length > 0 && `${missing.length} recipients never messaged (e.g. ${missing.slice(0, 3).join(', ')})`,
    skipped.length > 0 && `${skipped.length} faults were not injected: lower --mps so the campaign lasts longer`,
  ].filter(Boolean);
  if (problems.length) throw new Error(`chaos run failed: ${problems.join('; ')}`);
  log('chaos run passed: every recipient messaged exactly once');
});
