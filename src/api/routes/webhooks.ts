import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import querystring from 'node:querystring';
import express, { RequestHandler, Router } from 'express';
import { webhookTokensOf } from '../../carrier/carrier-registry';
import { isValidTwilioSignature } from '../../carrier/webhook-signature';
import { log } from '../../log';
import { createReceiptIntake, DeliveryReceipt, ReceiptIntake } from '../../outbound/receipt-intake';
import { createInboundIntake } from '../../replies/inbound-intake';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors';
import { inboundWebhookSchema, statusCallbackQuerySchema, statusWebhookSchema } from '../schemas';
import { parseInput } from '../validation';
import { startWebhookTimer } from './metrics';

/** WEBHOOK_BODY_LIMIT is the largest carrier webhook body taken, in bytes (24 KB). */
export const WEBHOOK_BODY_LIMIT = 24 * 1024;

const STATUS_PATH = '/webhooks/twilio/status';

// A business unit's own Twilio carrier signs with its auth token: looked up by the webhook's AccountSid, kept briefly.
const ACCOUNT_TOKENS_TTL_MS = 30_000;

type SignatureCheck = (url: string, body: unknown, signature: string | undefined) => Promise<boolean>;

/**
 * signatureCheck says whether a webhook's X-Twilio-Signature matches PUBLIC_URL + path + params under the
 * environment's auth token or that of a business unit's Twilio carrier of the webhook's AccountSid.
 */
function signatureCheck({ db, config }: Pick<ApiDeps, 'db' | 'config'>): SignatureCheck {
  const accountTokens = new Map<string, { at: number; tokens: Promise<string[]> }>();
  const tokensOf = (accountSid: string) => {
    const known = accountTokens.get(accountSid);
    if (known && Date.now() - known.at < ACCOUNT_TOKENS_TTL_MS) return known.tokens;
    if (accountTokens.size > 1000) accountTokens.clear();
    const tokens = webhookTokensOf(db, config.carrierSecretsKey, accountSid);
    accountTokens.set(accountSid, { at: Date.now(), tokens });
    tokens.catch(() => accountTokens.delete(accountSid));
    return tokens;
  };
  return async (originalUrl, body, signature) => {
    const params = Object.fromEntries(Object.entries(body ?? {}).map(([k, v]) => [k, String(v)]));
    const url = config.publicUrl + originalUrl;
    const signedBy = (token: string) => isValidTwilioSignature(token, url, params, signature);
    if (signedBy(config.twilioAuthToken)) return true;
    return Boolean(signature && params.AccountSid && (await tokensOf(params.AccountSid)).some(signedBy));
  };
}

/** statusReceiptOf is the delivery receipt a status callback's form and query carry (ApiError/ZodError if invalid). */
function statusReceiptOf(body: unknown, query: unknown): DeliveryReceipt {
  const { MessageSid: carrierSid, MessageStatus: status, ErrorCode } = parseInput(statusWebhookSchema, body);
  // A malformed id in the query is not the carrier's fault: the receipt still lands by its sid.
  const messageId = statusCallbackQuerySchema.safeParse(query).data?.messageId ?? null;
  return { carrierSid, status, errorCode: ErrorCode ?? null, messageId };
}

async function receiveStatus(receipts: ReceiptIntake, receipt: DeliveryReceipt): Promise<void> {
  const outcome = await receipts.receive(receipt);
  const { carrierSid: messageSid, status, errorCode } = receipt;
  log.debug({ messageSid, status, errorCode, outcome }, 'delivery receipt');
}

const EMPTY_TWIML = '<Response/>';

// The carrier reads the status code only: a plain answer skips res.send's ETag hashing and freshness checks, a share
// of the CPU each of the two receipts per message costs.
function answerEmptyTwiml(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': EMPTY_TWIML.length });
  res.end(EMPTY_TWIML);
}

/** CarrierWebhooks are the carrier's webhook routes and the lean path of its busiest one; they share their state. */
export interface CarrierWebhooks {
  /** The routes under /webhooks: inbound messages and delivery receipts (form-encoded, signed). */
  routes: Router;
  /**
   * withLeanStatusPath answers a status callback as the carrier sends it (a signed, valid form of known length) without
   * Express, whose own work per request (about 0.08 CPU-ms measured, router and body parser) was most of what a
   * receipt cost the API, and hands every other request, and any status callback it cannot answer 200, to app.
   */
  withLeanStatusPath(app: RequestListener): RequestListener;
}

/** carrierWebhooks builds the carrier's webhooks over one receipt intake and one signature check. */
export function carrierWebhooks({ db, inboundForwarder, optOutFence, config }: ApiDeps): CarrierWebhooks {
  const isSigned = signatureCheck({ db, config });
  const receipts = createReceiptIntake({ db });
  return {
    routes: webhookRoutes({ db, inboundForwarder, optOutFence, isSigned, receipts }),
    withLeanStatusPath: (app) => (req, res) => {
      if (!isPlainStatusCallback(req)) return app(req, res);
      const done = startWebhookTimer(STATUS_PATH);
      const length = Number(req.headers['content-length']);
      const onReadable = () => {
        // Exactly the declared length (the HTTP parser allows no more), so the stream has not ended yet and the body
        // can still be put back for the routes, which then read and parse it as they would have.
        const raw = req.read(length) as Buffer | null;
        if (raw === null) return;
        req.off('readable', onReadable);
        answerStatusCallback(req, res, raw, { isSigned, receipts, done }).then(
          () => req.resume(),
          () => {
            req.unshift(raw);
            app(req, res);
          },
        );
      };
      req.on('readable', onReadable);
    },
  };
}

/** webhookRoutes receives the carrier's inbound messages and delivery receipts (form-encoded, signed). */
function webhookRoutes(deps: {
  db: ApiDeps['db'];
  inboundForwarder: ApiDeps['inboundForwarder'];
  optOutFence: ApiDeps['optOutFence'];
  isSigned: SignatureCheck;
  receipts: ReceiptIntake;
}): Router {
  const router = Router();
  const intake = createInboundIntake({ db: deps.db, forwarder: deps.inboundForwarder, optOutFence: deps.optOutFence });
  const verifySignature: RequestHandler = async (req, _res, next) => {
    if (await deps.isSigned(req.originalUrl, req.body, req.header('x-twilio-signature'))) return next();
    throw new ApiError(403, 'bad_signature', 'X-Twilio-Signature is missing or does not match this request');
  };
  router.use(
    // The longest genuine webhook, an inbound 1,600-character text of three-byte characters percent-encoded (14.4 KB)
    // with Twilio's other fields and media URLs, fits; anything larger is not a carrier's and is refused 413 unread.
    express.urlencoded({ extended: false, limit: WEBHOOK_BODY_LIMIT }),
    verifySignature,
  );

  router.post('/twilio/status', async (req, res) => {
    await receiveStatus(deps.receipts, statusReceiptOf(req.body, req.query));
    answerEmptyTwiml(res);
  });

  router.post('/twilio/inbound', async (req, res) => {
    const { MessageSid: messageSid, From: from, To: to, Body: body } = parseInput(inboundWebhookSchema, req.body);
    // Stored (an opt-out also in force at every sending worker), and answered: the forwarder hands it to the contact's
    // conversation workflow, which does the work.
    const received = await intake.receive({ messageSid, from, to, body });
    log.info({ messageSid, from, sender: to, characters: body.length, received }, 'inbound message received');
    answerEmptyTwiml(res);
  });
  return router;
}

const FORM = 'application/x-www-form-urlencoded';
// Twilio's status callback has about a dozen fields; the body parser's own limit (1,000, then 413) is the routes' to say.
const MAX_LEAN_FIELDS = 100;

// What a carrier sends: a POST of a UTF-8 form of declared length within the limit, to exactly the status path.
// Anything else (chunked, compressed, too large, another path spelling) takes the routes' way and their answers.
function isPlainStatusCallback(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  const queryAt = url.indexOf('?');
  if ((queryAt === -1 ? url : url.slice(0, queryAt)) !== STATUS_PATH) return false;
  const { headers } = req;
  const type = headers['content-type'];
  if (type !== FORM && type?.toLowerCase().replace(/\s/g, '') !== `${FORM};charset=utf-8`) return false;
  if (headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined) return false;
  const length = Number(headers['content-length']);
  return Number.isInteger(length) && length > 0 && length <= WEBHOOK_BODY_LIMIT;
}

// Rejects (so the routes take over and give their own answer) unless the callback is a flat form that the routes'
// body parser would read the same, signed, valid, and stored.
async function answerStatusCallback(
  req: IncomingMessage,
  res: ServerResponse,
  raw: Buffer,
  deps: { isSigned: SignatureCheck; receipts: ReceiptIntake; done: (status: number) => void },
): Promise<void> {
  const text = raw.toString('utf8');
  // Malformed percent-encoding, nested keys, repeated fields and a prototype key are parsed differently by node's
  // querystring and the body parser (qs): no carrier sends them, and the routes answer them as they always have.
  decodeURIComponent(text.replaceAll('+', ' '));
  if (text.split('&').length > MAX_LEAN_FIELDS) throw new Error('too many fields');
  const body = querystring.parse(text);
  for (const [key, value] of Object.entries(body))
    if (typeof value !== 'string' || key === '' || key === '__proto__' || key.includes('[') || key.includes(']'))
      throw new Error('not a flat form');
  const url = req.url ?? STATUS_PATH;
  const signature = req.headers['x-twilio-signature'];
  if (!(await deps.isSigned(url, body, typeof signature === 'string' ? signature : undefined)))
    throw new Error('not signed');
  const queryAt = url.indexOf('?');
  const receipt = statusReceiptOf(body, queryAt === -1 ? {} : querystring.parse(url.slice(queryAt + 1)));
  await receiveStatus(deps.receipts, receipt);
  res.once('finish', () => deps.done(res.statusCode));
  answerEmptyTwiml(res);
}
