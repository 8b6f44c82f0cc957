import express, { RequestHandler, Response, Router } from 'express';
import { webhookTokensOf } from '../../carrier/carrier-registry';
import { isValidTwilioSignature } from '../../carrier/webhook-signature';
import { log } from '../../log';
import { createReceiptIntake } from '../../outbound/receipt-intake';
import { createInboundIntake } from '../../replies/inbound-intake';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors';
import { inboundWebhookSchema, statusCallbackQuerySchema, statusWebhookSchema } from '../schemas';
import { parseInput } from '../validation';

/** WEBHOOK_BODY_LIMIT is the largest carrier webhook body taken. */
export const WEBHOOK_BODY_LIMIT = '24kb';

// A business unit's own Twilio carrier signs with its auth token: looked up by the webhook's AccountSid, kept briefly.
const ACCOUNT_TOKENS_TTL_MS = 30_000;

/**
 * verifyTwilioSignature refuses (403) a webhook whose X-Twilio-Signature does not match PUBLIC_URL + path + params
 * under the environment's auth token or that of a business unit's Twilio carrier of the webhook's AccountSid.
 */
function verifyTwilioSignature({ db, config }: Pick<ApiDeps, 'db' | 'config'>): RequestHandler {
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
  return async (req, _res, next) => {
    const params = Object.fromEntries(Object.entries(req.body ?? {}).map(([k, v]) => [k, String(v)]));
    const url = config.publicUrl + req.originalUrl;
    const signature = req.header('x-twilio-signature');
    const signedBy = (token: string) => isValidTwilioSignature(token, url, params, signature);
    if (signedBy(config.twilioAuthToken)) return next();
    if (signature && params.AccountSid && (await tokensOf(params.AccountSid)).some(signedBy)) return next();
    throw new ApiError(403, 'bad_signature', 'X-Twilio-Signature is missing or does not match this request');
  };
}

const EMPTY_TWIML = '<Response/>';

// The carrier reads the status code only: a plain answer skips res.send's ETag hashing and freshness checks, a share
// of the CPU each of the two receipts per message costs.
function answerEmptyTwiml(res: Response): void {
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': EMPTY_TWIML.length });
  res.end(EMPTY_TWIML);
}

/** webhookRoutes receives the carrier's inbound messages and delivery receipts (form-encoded, signed). */
export function webhookRoutes({ db, inboundForwarder, config }: ApiDeps): Router {
  const router = Router();
  const intake = createInboundIntake({ db, forwarder: inboundForwarder });
  const receipts = createReceiptIntake({ db });
  router.use(
    // The longest genuine webhook, an inbound 1,600-character text of three-byte characters percent-encoded (14.4 KB)
    // with Twilio's other fields and media URLs, fits; anything larger is not a carrier's and is refused 413 unread.
    express.urlencoded({ extended: false, limit: WEBHOOK_BODY_LIMIT }),
    verifyTwilioSignature({ db, config }),
  );

  router.post('/twilio/status', async (req, res) => {
    const { MessageSid: sid, MessageStatus: status, ErrorCode } = parseInput(statusWebhookSchema, req.body);
    const errorCode = ErrorCode ?? null;
    // A malformed id in the query is not the carrier's fault: the receipt still lands by its sid.
    const messageId = statusCallbackQuerySchema.safeParse(req.query).data?.messageId ?? null;
    const outcome = await receipts.receive({ carrierSid: sid, status, errorCode, messageId });
    log.debug({ messageSid: sid, status, errorCode, outcome }, 'delivery receipt');
    answerEmptyTwiml(res);
  });

  router.post('/twilio/inbound', async (req, res) => {
    const { MessageSid: messageSid, From: from, To: to, Body: body } = parseInput(inboundWebhookSchema, req.body);
    // Stored, and answered: the forwarder hands it to the contact's conversation workflow, which does the work.
    const received = await intake.receive({ messageSid, from, to, body });
    log.info({ messageSid, from, sender: to, characters: body.length, received }, 'inbound message received');
    answerEmptyTwiml(res);
  });
  return router;
}
