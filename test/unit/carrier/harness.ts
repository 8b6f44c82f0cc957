// Test plumbing: an in-process simulator, a webhook receiver standing in for the API, and a listener helper.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../../src/simulator/simulator';

export const ACCOUNT_SID = 'ACtest0000000000000000000000000000';
export const AUTH_TOKEN = 'test-auth-token';

export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** listen serves app on an ephemeral 127.0.0.1 port. */
export async function listen(app: Express): Promise<Listening> {
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A webhook as the receiver saw it: the exact URL it was posted to, its signature and form params. */
export interface ReceivedWebhook {
  url: string;
  path: string;
  signature: string | undefined;
  params: Record<string, string>;
}

export interface Receiver extends Listening {
  received: ReceivedWebhook[];
  /** Status code answered to every webhook (default 200). */
  answerWith: number;
  /** waitFor resolves once count webhooks arrived, failing after timeoutMs. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
}

/** startReceiver records every form POST, standing in for the API's /webhooks/twilio/* routes. */
export async function startReceiver(): Promise<Receiver> {
  const app = express();
  const receiver = { received: [] as ReceivedWebhook[], answerWith: 200 } as Receiver;
  app.post('/{*path}', express.urlencoded({ extended: false }), (req, res) => {
    receiver.received.push({
      url: `${receiver.url}${req.originalUrl}`,
      path: req.path,
      signature: req.get('x-twilio-signature'),
      params: { ...(req.body as Record<string, string>) },
    });
    res.status(receiver.answerWith).end();
  });
  Object.assign(receiver, await listen(app));
  receiver.waitFor = async (count, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (receiver.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} webhooks, got ${receiver.received.length}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return receiver.received;
  };
  return receiver;
}

// Assertions dig into arbitrary response JSON; typing each shape would only restate the expectations.
type Json = any;

/** A response with its body already parsed. */
export interface JsonReply {
  status: number;
  headers: Headers;
  json: Json;
}

/** readJson consumes a response and parses its body (undefined when empty). */
export async function readJson(response: Response): Promise<JsonReply> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

export interface RunningSimulator extends Listening {
  sim: Simulator;
  /** control calls the simulator's /control API with an optional JSON body. */
  control(method: string, path: string, body?: unknown): Promise<JsonReply>;
  /** send posts a raw Twilio send request, bypassing the adapter. */
  send(form: Record<string, string>, headers?: Record<string, string>): Promise<JsonReply>;
}

/** startSimulator runs a simulator in-process with the test credentials. */
export async function startSimulator(options: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  const sim = createSimulator({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, ...options });
  const listening = await listen(sim.app);
  const basic = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
  return {
    ...listening,
    sim,
    close: async () => {
      sim.stop();
      await listening.close();
    },
    async control(method, path, body) {
      const response = await fetch(`${listening.url}/control${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return readJson(response);
    },
    async send(form, headers = {}) {
      const response = await fetch(`${listening.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form),
      });
      return readJson(response);
    },
  };
}
