import path from 'node:path';
import { ManagedProcess, startTsProcess, stopProcess } from '../../scripts/lib/child-process';
import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { expectEachRecipientOnce } from '../support/exactly-once';
import { OwnServers, startOwnServers } from '../support/own-servers';
import {
  createTenant,
  eventually,
  startTestSystem,
  TestSystem,
  waitForCampaignStatus,
  workerProcessEnv,
} from '../support/test-system';

// Every fault ends the same way: every recipient messaged exactly once at the carrier.

const root = path.join(__dirname, '../..');

async function startedCampaign(system: TestSystem, recipients: number, mps: number) {
  const tenant = await createTenant(system);
  const sender = await createSender(tenant, mps);
  const list = makeRecipients(recipients);
  const listId = await uploadList(tenant, list);
  const campaignId = await createCampaign(tenant, { listId, message: 'Hi {FirstName}', senderIds: [sender.id] });
  await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
  const sent = () => system.sentMessages().filter((m) => m.from === sender.address).length;
  await eventually('the first messages', async () => (sent() >= 3 ? true : undefined));
  return { tenant, sender, phones: list.map((r) => r.phone), campaignId, sent };
}

describe('a worker killed with SIGKILL', () => {
  let system: TestSystem;
  const workers: ManagedProcess[] = [];
  const startWorkerProcess = () => {
    const worker = startTsProcess('worker', 'src/worker/main.ts', { cwd: root, env: workerProcessEnv(system) });
    workers.push(worker);
    return worker;
  };
  beforeAll(async () => {
    system = await startTestSystem({ inProcessWorker: false });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => stopProcess(w, 'SIGKILL')));
    await system?.shutdown();
  });

  it('mid-campaign loses and doubles nothing once another worker takes over', async () => {
    const first = startWorkerProcess();
    const { tenant, sender, phones, campaignId, sent } = await startedCampaign(system, 30, 5);
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = sent();
    expect(atKill).toBeLessThan(30);
    startWorkerProcess();
    await waitForCampaignStatus(tenant, campaignId, 'completed', 120_000);
    expectEachRecipientOnce(system, sender.address, phones);
  });
});

describe('server restarts mid-campaign', () => {
  let servers: OwnServers;
  let system: TestSystem;
  beforeAll(async () => {
    servers = await startOwnServers();
    system = await startTestSystem({ env: servers.env });
  });
  afterAll(async () => {
    await system?.shutdown();
    await servers?.stop();
  });

  it('the Temporal server restarted mid-campaign: the campaign completes, each recipient once', async () => {
    const { tenant, sender, phones, campaignId, sent } = await startedCampaign(system, 30, 5);
    await servers.temporal.restart();
    expect(sent()).toBeLessThan(30);
    await waitForCampaignStatus(tenant, campaignId, 'completed', 120_000);
    expectEachRecipientOnce(system, sender.address, phones);
  });

  it('PostgreSQL restarted mid-campaign: the campaign completes, each recipient once', async () => {
    const { tenant, sender, phones, campaignId, sent } = await startedCampaign(system, 30, 5);
    await servers.postgres.restart();
    expect(sent()).toBeLessThan(30);
    await waitForCampaignStatus(tenant, campaignId, 'completed', 120_000);
    expectEachRecipientOnce(system, sender.address, phones);
  });
});

describe('carrier trouble', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      carrierPatienceMs: 2000,
      env: { CAMPAIGN_FAILURE_THRESHOLD: '0.3', CAMPAIGN_BATCH_SIZE: '20', CAMPAIGN_BATCH_SECONDS: '0' },
    });
  });
  afterAll(async () => {
    await system?.shutdown();
  });

  it('a 30-second outage shows waiting_for_carrier, then the campaign resumes by itself and completes exactly once', async () => {
    const { tenant, sender, phones, campaignId, sent } = await startedCampaign(system, 25, 5);
    system.sim.state.mode.outage = true;
    const waiting = await waitForCampaignStatus(tenant, campaignId, 'waiting_for_carrier', 30_000);
    expect(waiting.statusReason).toContain('carrier');
    const duringOutage = sent();
    await new Promise((r) => setTimeout(r, 30_000 - 2000));
    expect(sent()).toBe(duringOutage);
    system.sim.state.mode.outage = false;
    await waitForCampaignStatus(tenant, campaignId, 'completed', 90_000);
    expectEachRecipientOnce(system, sender.address, phones);
  });

  it('records permanent per-message failures, mirrors carrier opt-outs into the DNC group, and goes on', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 100);
    const recipients = makeRecipients(10);
    const [invalid, optedOut] = recipients;
    system.sim.state.mode.invalidNumbers = new Set([invalid.phone]);
    system.sim.state.mode.optedOutNumbers = new Set([optedOut.phone]);
    const group = await tenant.api.post('/v1/dnc-groups', { name: 'Campaign DNC' });
    const listId = await uploadList(tenant, recipients);
    const campaignId = await createCampaign(tenant, {
      listId,
      message: 'Hi',
      senderIds: [sender.id],
      dncGroupId: group.body.id,
    });
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    const done = await waitForCampaignStatus(tenant, campaignId, 'completed');
    expect(done.counts).toMatchObject({ total: 10, sent: 8, failed: 1, optedOut: 1, pending: 0 });
    const entry = await tenant.api.get(`/v1/dnc-groups/${group.body.id}/entries/${encodeURIComponent(optedOut.phone)}`);
    expect(entry.body).toMatchObject({ phone: optedOut.phone, source: 'carrier' });
  });

  it('pauses itself past the share of permanent failures and says why', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 200);
    const recipients = makeRecipients(80);
    system.sim.state.mode.invalidNumbers = new Set(recipients.slice(0, 40).map((r) => r.phone));
    const listId = await uploadList(tenant, recipients);
    const campaignId = await createCampaign(tenant, { listId, message: 'Hi', senderIds: [sender.id] });
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    const paused = await waitForCampaignStatus(tenant, campaignId, 'paused');
    expect(paused.statusReason).toMatch(/failed permanently/);
  });
});
