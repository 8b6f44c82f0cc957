import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { freePort } from '../../scripts/lib/free-port';
import { ApiClient } from '../support/api-client';
import { ApiProcess, startApiProcess } from '../support/api-process';
import { answerLeaks } from '../support/leaks';
import { reply } from '../support/reply-fixtures';
import { postWebhook } from '../support/webhooks';
import { openApiDocument } from '../../src/api/openapi/openapi-routes';
import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import {
  ADMIN_TOKEN,
  createTenant,
  eventually,
  startTestSystem,
  TestSystem,
  uniquePhone,
  workerProcessEnv,
} from '../support/test-system';

// Streams `bytes` of CSV without a Content-Length (chunked), as a client piping a file does, and returns the answer.
function chunkedCsvUpload(baseUrl: string, key: string, bytes: number): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${baseUrl}/v1/calling-lists?name=big&phoneField=Phone`);
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' };
    const request = http.request(url, { method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString()) }));
    });
    // The server may close the connection while we still write: only a failure before any answer counts.
    request.on('error', (error) => reject(error));
    request.write('FirstName,Phone\n');
    let written = 0;
    const line = `Person,${uniquePhone()}\n`;
    const writeMore = () => {
      if (written >= bytes || request.destroyed) return void request.end();
      written += 1024;
      request.write(line.repeat(Math.ceil(1024 / line.length)), () => setImmediate(writeMore));
    };
    writeMore();
  });
}

describe('request size limits', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ inProcessWorker: false, env: { CSV_UPLOAD_LIMIT_MB: String(64 / 1024) } });
  });
  afterAll(async () => {
    await system?.shutdown();
  });

  it('refuses a JSON body over 1 MB with 413 in the contract shape', async () => {
    const tenant = await createTenant(system);
    const res = await tenant.api.post('/v1/templates', { name: 'big', body: 'x'.repeat(1_100_000) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { code: 'body_too_large', message: expect.any(String) } });
  });

  it('takes a CSV upload up to its own limit (CSV_UPLOAD_LIMIT_MB)', async () => {
    const tenant = await createTenant(system);
    const res = await tenant.api.uploadCsv(
      'name=ok&phoneField=Phone',
      `Phone\n${uniquePhone()}\n`.padEnd(60_000, '\n'),
    );
    expect(res.status).toBe(201);
  });

  it('refuses a CSV upload that declares a size over the limit before reading it, and stores nothing', async () => {
    const tenant = await createTenant(system);
    const csv =
      'FirstName,Phone\n' +
      makeRecipients(3000)
        .map((r) => `${r.firstName},${r.phone}\n`)
        .join('');
    expect(csv.length).toBeGreaterThan(64 * 1024);
    const res = await tenant.api.uploadCsv('name=big&phoneField=Phone', csv);
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual(expect.objectContaining({ code: 'body_too_large' }));
    expect((await tenant.api.get('/v1/calling-lists')).body).toEqual([]);
  });

  it('refuses a carrier webhook body over 24 KB with 413 unread, and takes the longest genuine reply', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant);
    const huge = await postWebhook(system, 'inbound', {
      MessageSid: 'SMhuge',
      From: uniquePhone(),
      To: sender.address,
      Body: 'x'.repeat(30_000),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as any).error.code).toBe('body_too_large');
    const stored = await system.db
      .selectFrom('inbound_messages')
      .select('message_sid')
      .where('message_sid', '=', 'SMhuge');
    expect(await stored.execute()).toEqual([]);
    // 1,600 characters of three UTF-8 bytes each, percent-encoded: 14.4 KB, signed by the simulator as Twilio signs.
    const longest = await reply(system, { from: uniquePhone(), to: sender.address, body: '語'.repeat(1600) });
    expect(longest.status).toBe(200);
  });

  it('stops a streamed CSV upload at the limit with 413, and stores nothing', async () => {
    const tenant = await createTenant(system);
    const key = tenant.api.key!;
    const res = await chunkedCsvUpload(system.config.publicUrl, key, 512 * 1024);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
    expect((await tenant.api.get('/v1/calling-lists')).body).toEqual([]);
  });
});

// Holds a CSV upload open (headers and a first row sent) until finish() sends the rest.
function openCsvUpload(baseUrl: string, key: string) {
  const url = new URL(`${baseUrl}/v1/calling-lists?name=slow&phoneField=Phone`);
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' };
  let request!: http.ClientRequest;
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    request = http.request(url, { method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString()) }));
    });
    request.on('error', reject);
  });
  request.write(`Phone\n${uniquePhone()}\n`);
  return {
    finish() {
      request.end(`${uniquePhone()}\n`);
      return answer;
    },
  };
}

// The request limit counts in fixed minutes of the database's clock: a test that straddled one would see two.
async function awayFromMinuteEnd(): Promise<void> {
  const seconds = new Date().getSeconds();
  if (seconds > 45) await new Promise((resolve) => setTimeout(resolve, (61 - seconds) * 1000));
}

describe('per-key rate limit', () => {
  let system: TestSystem;
  let second: ApiProcess;
  beforeAll(async () => {
    const env = { API_RATE_LIMIT_PER_MINUTE: '5', CSV_UPLOAD_CONCURRENCY: '1' };
    system = await startTestSystem({ inProcessWorker: false, env });
    second = await startApiProcess(system, env);
  });
  afterAll(async () => {
    await second?.stop();
    await system?.shutdown();
  });

  it('gives a key the same limit on two API processes as on one (counted in PostgreSQL)', async () => {
    const tenant = await createTenant(system);
    const [first, other] = [tenant.api, second.anonymous.as(tenant.api.key)];
    await awayFromMinuteEnd();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await (i % 2 ? other : first).get('/v1/senders')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await first.get('/v1/senders')).status).toBe(429);
    // Another key of the same business unit has its own count.
    const key = await system.admin.post(`/v1/business-units/${tenant.id}/api-keys`, { name: 'two', role: 'readonly' });
    expect((await second.anonymous.as(key.body.apiKey).get('/v1/senders')).status).toBe(200);
  });

  it('lets a business unit stream CSV_UPLOAD_CONCURRENCY uploads at once across both processes, then 429', async () => {
    const tenant = await createTenant(system);
    const key = tenant.api.key!;
    const slow = openCsvUpload(system.config.publicUrl, key);
    await eventually('the first upload to hold its place', async () => {
      const held = await system.db
        .selectFrom('upload_leases')
        .select('id')
        .where('business_unit_id', '=', tenant.id)
        .execute();
      return held.length === 1 ? true : undefined;
    });
    const refused = await second.anonymous.as(key).uploadCsv('name=more&phoneField=Phone', `Phone\n${uniquePhone()}\n`);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('too_many_uploads');
    // Another business unit is not held up.
    const other = await createTenant(system);
    expect((await other.api.uploadCsv('name=x&phoneField=Phone', `Phone\n${uniquePhone()}\n`)).status).toBe(201);
    expect((await slow.finish()).status).toBe(201);
    await eventually('the place to be given back', async () => {
      const res = await second.anonymous.as(key).uploadCsv('name=after&phoneField=Phone', `Phone\n${uniquePhone()}\n`);
      return res.status === 201 ? true : undefined;
    });
  });

  it('answers 429 with Retry-After past the limit, for that key only', async () => {
    const [busy, quiet] = [await createTenant(system), await createTenant(system)];
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await busy.api.get('/v1/senders')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const refused = await busy.api.get('/v1/senders');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.error).toEqual(expect.objectContaining({ code: 'rate_limited' }));
    expect((await quiet.api.get('/v1/senders')).status).toBe(200);
  });
});

describe('headers and secrets', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ inProcessWorker: false });
  });
  afterAll(async () => {
    await system?.shutdown();
  });

  it('sends security headers on the API, the health check and the console', async () => {
    const tenant = await createTenant(system);
    for (const res of [await tenant.api.get('/v1/senders'), await system.anonymous.get('/healthz')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('never answers a refusal with a stack trace or SQL', async () => {
    const tenant = await createTenant(system);
    const refusals = [
      await tenant.api.get('/v1/campaigns/not-a-uuid'),
      await tenant.api.get(`/v1/campaigns/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`),
      await tenant.api.request('POST', '/v1/templates', '{"name": "x", "body": ', 'application/json'),
      await tenant.api.post('/v1/templates', { name: 'nul', body: 'a\u0000b' }),
      await tenant.api.post('/v1/campaigns', { name: 'c', listId: 'x', senderIds: ['y'], message: 'm' }),
      await tenant.api.uploadCsv('name=bad&phoneField=Phone', 'Phone\n"unterminated\n'),
      await tenant.api.request('PATCH', '/v1/campaigns', {}),
      await tenant.api.get('/v1/audit?from=2026-13-45T99:00:00Z'),
      await tenant.api.get('/v1/nowhere'),
      await system.anonymous.get('/v1/senders'),
    ];
    for (const res of refusals) {
      const text = JSON.stringify(res.body);
      expect([res.status >= 400 && res.status < 500, text, answerLeaks(text)]).toEqual([true, text, []]);
    }
  });

  it('answers the carrier webhooks without the browser headers (their busiest path skips those steps)', async () => {
    const res = await postWebhook(system, 'status', { MessageSid: 'SMx', MessageStatus: 'delivered' });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-security-policy')).toBeNull();
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('never returns the carrier credentials from any endpoint that reads', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant);
    const listId = await uploadList(tenant, makeRecipients(2));
    const campaignId = await createCampaign(tenant, { listId, message: 'Hi {FirstName}', senderIds: [sender.id] });
    const template = await tenant.api.post('/v1/templates', { name: 't', body: 'Hello' });
    const skill = await tenant.api.post('/v1/skills', { name: 's', kind: 'agentless', replyHandling: false });
    const group = await tenant.api.post('/v1/dnc-groups', { name: 'g' });
    const phone = uniquePhone();
    await tenant.api.put(`/v1/dnc-groups/${group.body.id}/entries/${encodeURIComponent(phone)}`);
    const ids: Record<string, string> = {
      'calling-lists': listId,
      campaigns: campaignId,
      templates: template.body.id,
      skills: skill.body.id,
      'dnc-groups': group.body.id,
      conversations: '00000000-0000-4000-8000-000000000000',
    };
    const reads = Object.entries(openApiDocument.paths as Record<string, Record<string, unknown>>)
      .filter(([, methods]) => 'get' in methods)
      .map(([path]) => path.replace('{id}', ids[path.split('/')[2]]).replace('{phone}', encodeURIComponent(phone)));
    expect(reads.length).toBeGreaterThan(15);
    for (const path of reads) {
      const res = await tenant.api.get(path);
      expect([path, res.status < 500]).toEqual([path, true]);
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      expect([path, text.includes(system.config.twilioAuthToken)]).toEqual([path, false]);
    }
  });

  it('never writes an API key, the admin token or the carrier token to the log, even at trace level', async () => {
    const port = await freePort();
    const env = { ...workerProcessEnv(system), PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN, LOG_LEVEL: 'trace' };
    const api = spawn(process.execPath, ['--import', 'tsx', 'src/api/main.ts'], {
      cwd: path.join(__dirname, '../..'),
      env,
    });
    let output = '';
    api.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    api.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => api.once('exit', resolve));
    try {
      const admin = new ApiClient(`http://127.0.0.1:${port}`, ADMIN_TOKEN);
      await eventually('the API process', async () =>
        (await admin.get('/healthz')).status === 200 ? true : undefined,
      );
      const unit = await admin.post('/v1/business-units', { name: 'logged?' });
      const tenant = admin.as(unit.body.apiKey);
      await tenant.get('/v1/senders');
      await tenant.post('/v1/senders', { kind: 'long_code', address: 'nope' });
      await tenant.request('POST', '/v1/templates', '{not json', 'application/json');
      await tenant.get(`/v1/campaigns/${unit.body.id}`);
      await admin.as('psms_wrong-key-that-must-not-be-logged').get('/v1/senders');
      await admin.request(
        'POST',
        '/webhooks/twilio/inbound',
        'MessageSid=SM1&From=%2B1&To=%2B2',
        'application/x-www-form-urlencoded',
      );
      expect(output).toContain('API listening');
      for (const secret of [unit.body.apiKey, 'psms_wrong-key', ADMIN_TOKEN, system.config.twilioAuthToken]) {
        expect([secret, output.includes(secret)]).toEqual([secret, false]);
      }
    } finally {
      api.kill('SIGTERM');
      await exited;
    }
  });
});
