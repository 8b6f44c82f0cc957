// A Twilio-compatible fake carrier: the send endpoint, the /control API and automatic delivery receipts.
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
  /** Post a 'delivered' receipt for every accepted message (default false; `npm run sim` turns it on). */
  autoDeliver?: boolean;
  deliveryDelayMs?: number;
  /** Most delivery receipts in flight at once (default 64). */
  receiptConcurrency?: number;
}

export interface Simulator {
  app: Express;
  state: SimulatorState;
  /** stop drops queued delivery receipts and their timer; close the HTTP server separately. */
  stop(): void;
}

/** createSimulator wires a simulator's state, endpoints and receipt dispatcher into one Express app. */
export function createSimulator(options: SimulatorOptions): Simulator {
  const state = new SimulatorState({
    autoDeliver: options.autoDeliver ?? false,
    deliveryDelayMs: options.deliveryDelayMs ?? 0,
  });
  const webhooks = new WebhookClient(state, options);
  const receipts = new ReceiptDispatcher(state, webhooks, options.receiptConcurrency);

  const app = express();
  app.disable('x-powered-by');
  // ETags would hash every send's JSON answer for nothing: no client revalidates a POST.
  app.set('etag', false);
  app.use(
    messagesEndpoint(state, {
      accountSid: options.accountSid,
      authToken: options.authToken,
      onAccepted(index) {
        // Without any receipt URL there is nobody to tell; skip rather than count failures.
        if (state.mode.autoDeliver && webhooks.statusUrlFor(index))
          receipts.schedule(index, Date.now() + state.mode.deliveryDelayMs);
      },
    }),
  );
  app.use('/control', controlApi(state, webhooks, { onReset: () => receipts.clear() }));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, now: clock() });
  });
  return { app, state, stop: () => receipts.clear() };
}
