// bench:ceiling's SMPP runs: campaigns end to end through Temporal with the SMPP adapter bound to jsmpp's SMSC
// simulator (receipts on: it sends one per message a second later), with a window of 1 and of 10 outstanding
// submit_sm. The simulator answers each submit_sm at once, so the window measures the round trips it saves.
import { BenchSystem, log } from './bench-system';
import {
  BenchTenant,
  createBenchCampaign,
  createBenchSender,
  startBenchCampaign,
  waitForCampaigns,
} from './bench-workload';
import { JSMPP_PASSWORD, JSMPP_SYSTEM_ID, startJsmppSimulator } from './jsmpp-simulator';

/** SMPP_WINDOWS are the windows bench:ceiling measures. */
export const SMPP_WINDOWS = [1, 10] as const;
// The worker looks for new SMPP carriers every 5 s and binds them; the first send waits for nothing past that.
const BIND_SETTLE_MS = 7000;
const WARMUP_RECIPIENTS = 200;

/** SmppRun is one timed SMPP campaign. */
export interface SmppRun {
  window: number;
  seconds: number;
  perSecond: number;
}

/** smppCeiling times one campaign per window over `listId` (of `recipients`), each through its own carrier and sender. */
export async function smppCeiling(
  system: BenchSystem,
  tenant: BenchTenant,
  lists: { timed: { id: string; recipients: number }; warmUp: string },
  mps: number,
): Promise<SmppRun[]> {
  const smsc = await startJsmppSimulator();
  const runs: SmppRun[] = [];
  try {
    for (const window of SMPP_WINDOWS) {
      const carrier = await tenant.api.call<{ id: string }>('POST', '/v1/carriers', {
        json: {
          name: `jsmpp window ${window}`,
          kind: 'smpp',
          host: '127.0.0.1',
          port: smsc.port,
          systemId: JSMPP_SYSTEM_ID,
          password: JSMPP_PASSWORD,
          windowSize: window,
        },
      });
      const sender = await createBenchSender(tenant, 'short_code', 100 + window, mps);
      await tenant.api.call('PATCH', `/v1/senders/${sender.id}`, { json: { carrierId: carrier.id } });
      await new Promise((r) => setTimeout(r, BIND_SETTLE_MS));
      log(`SMPP window ${window}: warming up with ${WARMUP_RECIPIENTS} recipients (not timed)...`);
      await timedCampaign(system, tenant, `smpp warm-up ${window}`, lists.warmUp, sender.id, WARMUP_RECIPIENTS);
      log(`SMPP window ${window}: sending ${lists.timed.recipients} messages through Temporal...`);
      const seconds = await timedCampaign(
        system,
        tenant,
        `smpp ${window}`,
        lists.timed.id,
        sender.id,
        lists.timed.recipients,
      );
      runs.push({ window, seconds, perSecond: lists.timed.recipients / seconds });
    }
  } finally {
    await smsc.stop();
  }
  return runs;
}

async function timedCampaign(
  system: BenchSystem,
  tenant: BenchTenant,
  name: string,
  listId: string,
  senderId: string,
  recipients: number,
): Promise<number> {
  const campaignId = await createBenchCampaign(tenant, name, listId, [senderId]);
  const started = performance.now();
  await startBenchCampaign(tenant, campaignId);
  const progress = async () => {
    const { counts } = await tenant.api.getCampaign(campaignId);
    return `${name}: ${counts.sent + counts.delivered}/${recipients} accepted`;
  };
  await waitForCampaigns(system, [campaignId], {
    deadlineMs: Math.max(300, recipients / 5) * 1000,
    progressMs: 10_000,
    progress,
  });
  const seconds = (performance.now() - started) / 1000;
  // Every recipient accepted by the SMSC, none failed or in doubt, or the rate describes other work.
  const { counts } = await tenant.api.getCampaign(campaignId);
  if (counts.sent + counts.delivered !== recipients)
    throw new Error(`${name}: expected ${recipients} messages accepted, the campaign counts ${JSON.stringify(counts)}`);
  return seconds;
}
