// The simulator's side of Twilio webhooks: signed, form-encoded POSTs of inbound messages and delivery receipts.
import { randomBytes } from 'node:crypto';
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

/** postSignedForm POSTs params form-encoded with X-Twilio-Signature computed over exactly url; returns the status. */
export async function postSignedForm(
  url: string,
  params: Record<string, string>,
  authToken: string,
  timeoutMs = 15_000,
): Promise<number> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(authToken, url, params),
      },
      body: new URLSearchParams(params),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Drain the body so the keep-alive connection goes back to the pool.
    await response.arrayBuffer();
  } catch (err) {
    // Duck-typed like the carrier adapter: fetch's errors may come from another realm.
    const error = (err ?? {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown } };
    const detail =
      error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error.cause?.code ?? error.message);
    throw new WebhookError(`webhook ${url} failed: ${String(detail)}`, { cause: err });
  }
  return response.status;
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
