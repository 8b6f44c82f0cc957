import path from 'node:path';
import { ManagedProcess, startTsProcess, stopProcess } from '../../../scripts/lib/child-process';
import { freePort } from '../../../scripts/lib/free-port';
import { createCampaign, createSender, makeRecipients, uploadList } from '../../support/campaign-fixtures';
import { agentDesk, messagedByCampaign, replyAndWait } from '../../support/reply-fixtures';
import {
  createTenant,
  eventually,
  METRICS_TOKEN,
  startTestSystem,
  TestSystem,
  useTestSystem,
  waitForCampaignStatus,
  workerProcessEnv,
} from '../../support/test-system';

const system = useTestSystem({ autoDeliver: true });

/** scrape reads a /metrics endpoint (the API's by default) and returns a lookup of one sample's value by metric name and labels (0 when absent). */
async function scrape(url = `${system.config.publicUrl}/metrics`): Promise<Sample> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
  const text = await res.text();
  const sample: Sample = (name, labels = {}) => {
    const lines = text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
    const matching = lines.filter((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)));
    return matching.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  };
  sample.text = text;
  return sample;
}

type Sample = ((name: string, labels?: Record<string, string>) => number) & { text?: string };

describe('Prometheus metrics', () => {
  it('refuse a scrape without METRICS_TOKEN, or with a wrong one, in the contract shape', async () => {
    const url = `${system.config.publicUrl}/metrics`;
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer not-the-token' },
      { authorization: `Basic ${METRICS_TOKEN}` },
    ];
    for (const headers of attempts) {
      const res = await fetch(url, { headers });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe('unauthorized');
      expect(JSON.stringify(body)).not.toContain('sms_messages');
    }
  });

  it("count a campaign's messages by state, its sends per sender, carrier errors by kind and webhook latency", async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 50);
    const recipients = makeRecipients(10);
    const invalid = recipients.slice(0, 2).map((r) => r.phone);
    await fetch(`${system.config.twilioApiUrl}/control/mode`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ invalidNumbers: invalid, throttleNext: 3, retryAfterSeconds: 0 }),
    });
    const listId = await uploadList(tenant, recipients);
    const campaignId = await createCampaign(tenant, { listId, message: 'Hi {FirstName}', senderIds: [sender.id] });
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);
    const done = await waitForCampaignStatus(tenant, campaignId, 'completed');
    const campaign = await new Promise<any>((resolve, reject) => {
      // Delivery receipts trail the sends: wait until every accepted message has its receipt.
      const check = async () => {
        const res = await tenant.api.get(`/v1/campaigns/${campaignId}`);
        if (res.body.counts.delivered === 8) return resolve(res.body);
        setTimeout(() => void check().catch(reject), 100);
      };
      void check().catch(reject);
    });
    expect(done.counts.total).toBe(10);

    const metric = await scrape();
    const unit = { business_unit_id: tenant.id, kind: 'campaign' };
    expect(metric('sms_messages', { ...unit, state: 'delivered' })).toBe(campaign.counts.delivered);
    expect(metric('sms_messages', { ...unit, state: 'failed' })).toBe(campaign.counts.failed);
    expect(metric('sms_messages', unit)).toBe(10);
    expect(metric('sms_carrier_sends_total', { sender: sender.address, outcome: 'accepted' })).toBe(8);
    expect(metric('sms_carrier_sends_total', { sender: sender.address, outcome: 'rejected' })).toBe(2);
    expect(metric('sms_carrier_errors_total', { kind: 'invalid_number' })).toBe(2);
    expect(metric('sms_carrier_errors_total', { kind: 'throttled' })).toBe(3);
    // Two status callbacks per accepted message (sent, then delivered), as Twilio sends them, each timed.
    expect(metric('sms_webhook_duration_seconds_count', { webhook: 'status', status: '200' })).toBe(16);
    expect(metric('sms_webhook_duration_seconds_bucket', { webhook: 'status', le: '+Inf' })).toBe(16);
  });

  it("reports the agents' queue length per business unit", async () => {
    const tenant = await createTenant(system);
    const { skillId, sender } = await agentDesk(tenant);
    const { contacts } = await messagedByCampaign(system, tenant, { senderId: sender.id, skillId });
    const queue = { business_unit_id: tenant.id, status: 'queued' };
    expect((await scrape())('sms_conversations', queue)).toBe(0);
    const inbound = await replyAndWait(system, { from: contacts[0], to: sender.address, body: 'Who is this?' });
    expect((await scrape())('sms_conversations', queue)).toBe(1);
    await tenant.api.post(`/v1/conversations/${inbound.conversation_id}/assign`, { agent: 'dana' });
    const metric = await scrape();
    expect(metric('sms_conversations', queue)).toBe(0);
    expect(metric('sms_conversations', { business_unit_id: tenant.id, status: 'assigned' })).toBe(1);
  });
});

describe("the worker's metrics endpoint", () => {
  let workerSystem: TestSystem;
  let worker: ManagedProcess | undefined;
  beforeAll(async () => {
    workerSystem = await startTestSystem({ inProcessWorker: false, autoDeliver: true });
  });
  afterAll(async () => {
    if (worker) await stopProcess(worker);
    await workerSystem?.shutdown();
  });

  it("serves the worker's sends per sender and the Temporal SDK's own metrics on WORKER_METRICS_PORT, to METRICS_TOKEN", async () => {
    const port = await freePort();
    worker = startTsProcess('worker', 'src/worker/main.ts', {
      cwd: path.join(__dirname, '../../..'),
      env: { ...workerProcessEnv(workerSystem), WORKER_METRICS_PORT: String(port) },
    });
    const tenant = await createTenant(workerSystem);
    const sender = await createSender(tenant, 50);
    const listId = await uploadList(tenant, makeRecipients(6));
    const campaignId = await createCampaign(tenant, { listId, message: 'Hi {FirstName}', senderIds: [sender.id] });
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);
    await waitForCampaignStatus(tenant, campaignId, 'completed', 90_000);

    // The campaign's row says completed (its last activity) a moment before its workflow completes: scrape until the
    // SDK has counted the completion.
    const metric = await eventually('the worker metrics with the workflow completed', async () => {
      const scraped = await scrape(`http://127.0.0.1:${port}/metrics`);
      return /^temporal_workflow_completed\w*\{/m.test(scraped.text ?? '') ? scraped : undefined;
    });
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    expect(metric('sms_carrier_sends_total', { sender: sender.address, outcome: 'accepted' })).toBe(6);
    // The Temporal SDK's exporter: workflow and activity task metrics of this worker.
    expect(metric.text).toMatch(/^temporal_activity_execution_latency\w*\{/m);
    expect(metric.text).toMatch(/^temporal_workflow_completed\w*\{/m);
  });
});
