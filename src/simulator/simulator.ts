// A Twilio-compatible fake carrier: the Messages resource, the /control API and status callbacks like Twilio's.
import express, { type Express } from 'express';
import { controlApi } from './control-api';
import { clock, messagesEndpoint } from './messages-endpoint';
import { ReceiptDispatcher } from './receipt-dispatcher';
import { SimulatorState } from './state';
import { WebhookClient } from './webhook-client';

export interface SimulatorOptions {
  accountSid: string;
  authToken: string;
  /** Base PUBLIC_URL of the API, e.g. http://127.0.0.1:3000; webhooks go to {webhookUrl}/webhooks/twilio/…. */
  webhookUrl?: string;
  /** Post a `sent` and then a final status callback for every accepted message, as Twilio does (default true). */
  autoDeliver?: boolean;
  /** From acceptance to the `sent` callback (default 0). */
  sentDelayMs?: number;
  /** From the `sent` callback to the final one (default 0). */
  deliveryDelayMs?: number;
  /** Answer a repeated Idempotency-Key with the original message (default false: Twilio ignores the header). */
  honourIdempotencyKey?: boolean;
  /** Most status callbacks in flight at once (default 64). */
  receiptConcurrency?: number;
}

export interface Simulator {
  app: Express;
  state: SimulatorState;
  /** stop drops queued status callbacks and their timer and gives up late answers; close the HTTP server separately. */
  stop(): void;
}

/** createSimulator wires a simulator's state, endpoints and receipt dispatcher into one Express app. */
export function createSimulator(options: SimulatorOptions): Simulator {
  const state = new SimulatorState({
    autoDeliver: options.autoDeliver ?? true,
    sentDelayMs: options.sentDelayMs ?? 0,
    deliveryDelayMs: options.deliveryDelayMs ?? 0,
    honourIdempotencyKey: options.honourIdempotencyKey ?? false,
  });
  const webhooks = new WebhookClient(state, options);
  const receipts = new ReceiptDispatcher(state, webhooks, options.receiptConcurrency);
  const stopping = new AbortController();

  const app = express();
  app.disable('x-powered-by');
  // ETags would hash every send's JSON answer for nothing: no client revalidates a POST.
  app.set('etag', false);
  app.use(
    messagesEndpoint(state, {
      accountSid: options.accountSid,
      authToken: options.authToken,
      stopped: stopping.signal,
      onAccepted(index) {
        // Without any receipt URL there is nobody to tell; skip rather than count failures.
        if (state.mode.autoDeliver && webhooks.statusUrlFor(index)) receipts.schedule(index, Date.now());
      },
    }),
  );
  app.use('/control', controlApi(state, webhooks, { onReset: () => receipts.clear() }));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, now: clock() });
  });
  return {
    app,
    state,
    stop: () => {
      receipts.clear();
      stopping.abort();
    },
  };
}
