// The simulator's side of Twilio webhooks: signed, form-encoded POSTs of inbound messages and delivery receipts.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { finished } from 'node:stream';
import { twilioSignature } from '../carrier/webhook-signature';
import type { MessageStatus } from './message-log';
import type { SimulatorState } from './state';

export type { MessageStatus } from './message-log';

export interface WebhookClientOptions {
  accountSid: string;
  authToken: string;
  /** Base PUBLIC_URL of the API; without it only messages with a StatusCallback get receipts. */
  webhookUrl?: string;
  /** Twilio waits up to 15 s for a webhook; so do we. */
  timeoutMs?: number;
}

/** WebhookError is a webhook that could not be delivered at all (no URL, network error, timeout). */
export class WebhookError extends Error {
  override readonly name = 'WebhookError';
}

// Status callbacks are the simulator's busiest output (two per accepted message). node:http over kept-alive connections
// costs about a seventh of fetch's (undici's) CPU per POST (0.06 against 0.40 ms measured on the bench machine), and on
// a shared machine every CPU-ms the carrier spends is taken from the engine it is measuring. An idle connection is
// closed after a few seconds (sooner if the server's Keep-Alive header says so), before a server could close it first.
const IDLE_CONNECTION_MS = 4000;
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
};

/**
 * postSignedForm POSTs params form-encoded with X-Twilio-Signature computed over exactly url; returns the status once
 * the answer's body is read. Redirects are not followed (as Twilio does not for a POST).
 */
export function postSignedForm(
  url: string,
  params: Record<string, string>,
  authToken: string,
  timeoutMs = 15_000,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const fail = (err: unknown, detail: string) =>
      reject(new WebhookError(`webhook ${url} failed: ${detail}`, { cause: err }));
    let target: URL;
    try {
      target = new URL(url);
    } catch (err) {
      return fail(err, String((err as Error).message));
    }
    const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
    if (!client) return fail(undefined, `unsupported protocol ${target.protocol}`);
    const body = new URLSearchParams(params).toString();
    const request = client.request(target, {
      method: 'POST',
      agent: agents[target.protocol as keyof typeof agents],
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(body),
        'x-twilio-signature': twilioSignature(authToken, url, params),
      },
    });
    // Twilio gives up on the whole exchange after timeoutMs, whether the answer never started or never finished.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      request.destroy();
    }, timeoutMs);
    const settle = (err: (Error & { code?: unknown }) | null | undefined, status?: number) => {
      clearTimeout(timer);
      if (timedOut) fail(err, `no answer within ${timeoutMs} ms`);
      else if (err) fail(err, String(err.code ?? err.message));
      else resolve(status as number);
    };
    request.once('error', settle);
    request.once('response', (response) => {
      // Drain the body so the keep-alive connection goes back to the pool.
      finished(response.resume(), (err) => settle(err, response.statusCode));
    });
    request.end(body);
  });
}

/** WebhookClient addresses and signs the webhooks of the simulated account. */
export class WebhookClient {
  private readonly baseUrl: string | undefined;

  constructor(
    private readonly state: SimulatorState,
    private readonly options: WebhookClientOptions,
  ) {
    this.baseUrl = options.webhookUrl?.replace(/\/+$/, '');
  }

  /** statusUrlFor is where receipts for the message at index go: its StatusCallback, else the API's status hook. */
  statusUrlFor(index: number | undefined): string | undefined {
    const callback = index === undefined ? undefined : this.state.messages.get(index).statusCallback;
    return callback ?? (this.baseUrl && `${this.baseUrl}/webhooks/twilio/status`);
  }

  /**
   * sendStatus moves the message sid to status (as the Messages list shows it) and posts that status callback, with
   * Twilio's parameters; To and From are included when the sid is one of ours.
   */
  async sendStatus(sid: string, status: MessageStatus, errorCode?: string | number): Promise<number> {
    const { messages } = this.state;
    const index = messages.indexOfSid(sid);
    const url = this.statusUrlFor(index);
    if (index !== undefined) {
      const code = errorCode === undefined ? null : Number(errorCode);
      messages.setProgress(index, status, Number.isInteger(code) ? code : null, Date.now());
    }
    if (!url) throw new WebhookError('no webhookUrl configured and the message has no StatusCallback');
    const params: Record<string, string> = {
      ApiVersion: '2010-04-01',
      MessageSid: sid,
      SmsSid: sid,
      MessageStatus: status,
      SmsStatus: status,
      AccountSid: this.options.accountSid,
    };
    if (index !== undefined) {
      const message = messages.get(index);
      params.To = message.to;
      params.From = message.from;
    }
    if (errorCode !== undefined) params.ErrorCode = String(errorCode);
    return postSignedForm(url, params, this.options.authToken, this.options.timeoutMs);
  }

  /** sendInbound posts a message from a handset to the API; a given sid replays an earlier inbound message. */
  async sendInbound(message: {
    from: string;
    to: string;
    body: string;
    sid?: string;
  }): Promise<{ status: number; sid: string }> {
    if (!this.baseUrl) throw new WebhookError('no webhookUrl configured');
    const sid = message.sid ?? newMessageSid();
    const params = {
      MessageSid: sid,
      AccountSid: this.options.accountSid,
      From: message.from,
      To: message.to,
      Body: message.body,
    };
    const status = await postSignedForm(
      `${this.baseUrl}/webhooks/twilio/inbound`,
      params,
      this.options.authToken,
      this.options.timeoutMs,
    );
    return { status, sid };
  }
}

/** newMessageSid makes a random Twilio-shaped message sid ('SM' + 32 hex). */
export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}
