// /control: how tests and benchmarks drive the simulator and read back what it saw.
//   GET    /control/messages?since=&limit=  accepted messages as a JSON array (X-Total-Count, X-Next-Since)
//   GET    /control/messages/:sid           one accepted message
//   GET    /control/stats                   counters and maxPerSecondBySender
//   GET    /control/mode, PATCH /control/mode   faults, refusals, Idempotency-Key, status callbacks (see mode.ts)
//   POST   /control/reset                   forget messages, counters, mode and queued receipts
//   POST   /control/inbound {from,to,body,sid?}       signed inbound webhook → {status, sid}
//   POST   /control/status {sid,status,errorCode?}    the message's new status, and its signed callback → {status, sid}
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import type { RecordedMessage } from './message-log';
import { applyModePatch, describeMode, modePatchSchema } from './mode';
import type { SimulatorState } from './state';
import { WebhookError, type WebhookClient } from './webhook-client';

export interface ControlApiHooks {
  /** Called after POST /control/reset so pending work (queued receipts) is dropped too. */
  onReset?: () => void;
}

const inboundSchema = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  body: z.string(),
  sid: z.string().optional(),
});
const statusSchema = z.object({
  sid: z.string().min(1),
  status: z.enum(['queued', 'sent', 'delivered', 'undelivered', 'failed']),
  errorCode: z.union([z.string(), z.number()]).optional(),
});
const pageSchema = z.object({
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).optional(),
});

/** controlApi builds the /control router over the simulator's state and webhook client. */
export function controlApi(state: SimulatorState, webhooks: WebhookClient, hooks: ControlApiHooks = {}): Router {
  const router = Router();
  router.use(express.json({ limit: '10mb' }));

  router.get('/messages', async (req, res) => {
    const page = pageSchema.safeParse(req.query);
    if (!page.success) return invalid(res, page.error);
    const { since, limit = Number.POSITIVE_INFINITY } = page.data;
    const total = state.messages.size;
    res.set('x-total-count', String(total));
    res.set('x-next-since', String(Math.min(total, since + limit)));
    await streamJsonArray(res, state.messages.page(since, limit));
  });

  router.get('/messages/:sid', (req, res) => {
    const index = state.messages.indexOfSid(req.params.sid);
    if (index === undefined) return fail(res, 404, 'not_found', `no accepted message ${req.params.sid}`);
    res.json(state.messages.get(index));
  });

  router.get('/stats', (_req, res) => {
    res.json(state.stats());
  });

  router.post('/reset', (_req, res) => {
    state.reset();
    hooks.onReset?.();
    res.status(204).end();
  });

  router.get('/mode', (_req, res) => {
    res.json(describeMode(state.mode));
  });

  router.patch('/mode', (req, res) => {
    const patch = modePatchSchema.safeParse(req.body ?? {});
    if (!patch.success) return invalid(res, patch.error);
    applyModePatch(state.mode, patch.data);
    res.json(describeMode(state.mode));
  });

  router.post('/inbound', async (req, res) => {
    const inbound = inboundSchema.safeParse(req.body ?? {});
    if (!inbound.success) return invalid(res, inbound.error);
    await answerWebhook(res, () => webhooks.sendInbound(inbound.data));
  });

  router.post('/status', async (req, res) => {
    const receipt = statusSchema.safeParse(req.body ?? {});
    if (!receipt.success) return invalid(res, receipt.error);
    const { sid, status, errorCode } = receipt.data;
    await answerWebhook(res, async () => ({ status: await webhooks.sendStatus(sid, status, errorCode), sid }));
  });

  return router;
}

// Reports the webhook's own status code; failing to reach the webhook at all is the simulator's 502.
async function answerWebhook(res: Response, post: () => Promise<{ status: number; sid: string }>): Promise<void> {
  try {
    res.json(await post());
  } catch (err) {
    if (!(err instanceof WebhookError)) throw err;
    fail(res, 502, 'webhook_failed', err.message);
  }
}

// A million messages do not fit one JSON.stringify; write them in chunks and respect backpressure.
async function streamJsonArray(res: Response, items: Iterable<RecordedMessage>): Promise<void> {
  res.status(200).type('application/json');
  let chunk = '[';
  let first = true;
  for (const item of items) {
    chunk += (first ? '' : ',') + JSON.stringify(item);
    first = false;
    if (chunk.length >= 64 * 1024) {
      if (!res.write(chunk) && !(await drained(res))) return;
      chunk = '';
    }
  }
  res.end(`${chunk}]`);
}

// Resolves true once the response can take more, false if the client went away meanwhile.
function drained(res: Response): Promise<boolean> {
  return new Promise((resolve) => {
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    const settle = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

function invalid(res: Response, error: z.ZodError): void {
  fail(res, 400, 'invalid_request', z.prettifyError(error), error.issues);
}

function fail(res: Response, status: number, code: string, message: string, details?: unknown): void {
  res.status(status).json({ error: { code, message, details } });
}
