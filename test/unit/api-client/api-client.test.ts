import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, ApiUnreachableError, ProactiveSmsClient } from '../../../src/api-client';
import { CliError, cliErrorOf } from '../../../scripts/lib/cli-client';
import { ApiClient } from '../../support/api-client';

/** ReceivedRequest is what the fake API saw. */
interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

// A stand-in for the API: records every request and answers with the next scripted status and body.
let server: http.Server;
let baseUrl: string;
const received: ReceivedRequest[] = [];
let answers: { status: number; body: unknown }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      received.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(parts).toString(),
      });
      const answer = answers.shift() ?? { status: 204, body: undefined };
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, text ? { 'content-type': 'application/json' } : {}).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received.length = 0;
  answers = [];
});

const notFound = { error: { code: 'not_found', message: 'campaign 42 not found' } };

describe('the API client', () => {
  it("sends the key as a bearer token and a typed body as JSON, and resolves with the API's answer", async () => {
    answers.push({ status: 201, body: { id: 'c1', name: 'Spring', status: 'draft' } });
    const client = new ProactiveSmsClient(`${baseUrl}/`, 'psms_key');
    const campaign = await client.createCampaign({ name: 'Spring', listId: 'l1', message: 'Hi', senderIds: ['s1'] });

    expect(campaign).toMatchObject({ id: 'c1', status: 'draft' });
    expect(received[0]).toMatchObject({ method: 'POST', url: '/v1/campaigns' });
    expect(received[0].headers.authorization).toBe('Bearer psms_key');
    expect(received[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(received[0].body)).toEqual({ name: 'Spring', listId: 'l1', message: 'Hi', senderIds: ['s1'] });
  });

  it("throws the API's error answer with its status, code and message", async () => {
    answers.push({ status: 404, body: notFound });
    const refused = await new ProactiveSmsClient(baseUrl, 'psms_key').getCampaign('42').catch((e: unknown) => e);

    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ method: 'GET', path: '/v1/campaigns/42', status: 404, code: 'not_found' });
    expect((refused as ApiError).apiMessage).toBe('campaign 42 not found');
  });

  it('names the URL it could not reach', async () => {
    const refused = await new ProactiveSmsClient('http://127.0.0.1:9').listCampaigns().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiUnreachableError);
    expect((refused as Error).message).toContain('cannot reach the API at http://127.0.0.1:9');
  });

  it('streams a calling list given in chunks of text, every byte of it, with its columns in the query', async () => {
    answers.push({ status: 201, body: { id: 'l1', accepted: 2 } });
    async function* chunks() {
      yield 'FirstName,Phone\n';
      yield 'Ada,+12125550143\n';
      yield Buffer.from('Omar,+12125550144\n');
    }
    await new ProactiveSmsClient(baseUrl, 'psms_key').importCallingList(
      { name: 'Team A', phoneField: 'Phone', mobileField: undefined },
      chunks(),
    );

    expect(received[0].url).toBe('/v1/calling-lists?name=Team+A&phoneField=Phone');
    expect(received[0].headers['content-type']).toBe('text/csv');
    expect(received[0].body).toBe('FirstName,Phone\nAda,+12125550143\nOmar,+12125550144\n');
  });
});

describe('one client for the command line and the tests', () => {
  it("the tests' ApiClient sends through the product's client and reads refusals whole", async () => {
    answers.push({ status: 404, body: notFound });
    const tests = new ApiClient(baseUrl, 'psms_key');
    expect(tests.client).toBeInstanceOf(ProactiveSmsClient);

    const res = await tests.get('/v1/campaigns/42');
    expect(res.status).toBe(404);
    expect(res.body).toEqual(notFound);
    expect(received[0].headers.authorization).toBe('Bearer psms_key');
    expect(tests.as(null).client.key).toBeNull();
  });

  it("the command line tells the client's errors as one line a person can act on", async () => {
    answers.push(
      { status: 404, body: notFound },
      { status: 401, body: { error: { code: 'unauthorized', message: 'no' } } },
    );
    const client = new ProactiveSmsClient(baseUrl, 'psms_key');
    const nobody = new ProactiveSmsClient('http://127.0.0.1:9', 'psms_key');
    const missing = cliErrorOf(await client.getCampaign('42').catch((e: unknown) => e));
    const refusedKey = cliErrorOf(await client.listCampaigns().catch((e: unknown) => e));
    const unreachable = cliErrorOf(await nobody.listCampaigns().catch((e: unknown) => e));

    expect(missing).toBeInstanceOf(CliError);
    expect((missing as Error).message).toBe('GET /campaigns/42 failed (404): campaign 42 not found');
    expect((refusedKey as Error).message).toContain('the API refused the key');
    expect((unreachable as Error).message).toMatch(
      /^cannot reach the API at http:\/\/127.0.0.1:9 \(.+\): is it running/,
    );
  });
});
