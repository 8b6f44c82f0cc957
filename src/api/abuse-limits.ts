// Limits that keep one hostile or runaway client from hurting the others: security headers, a request rate per key
// and a size cap on the one body that is streamed rather than parsed (calling-list CSV), with how many such uploads a
// business unit may stream at once. The counts live in PostgreSQL: every API replica shares them.
import { Transform, TransformCallback, type Readable } from 'node:stream';
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import helmet from 'helmet';
import {
  countRequest,
  releaseUploadLease,
  renewUploadLease,
  resetRequestCount,
  takeUploadLease,
  uncountRequest,
} from '../db/abuse-counters';
import type { Db } from '../db/schema';
import { log } from '../log';
import { businessUnitOf, callerOf } from './auth';
import { ApiError } from './errors';

/**
 * securityHeaders sets helmet's headers (CSP, nosniff, frame denial, ...) on every answer, the console's included,
 * except under the `except` path prefix (machine-to-machine endpoints no browser renders).
 */
export function securityHeaders(options: { except?: string } = {}): RequestHandler {
  // The API is often served over plain HTTP on a private network: upgrading the console's requests would break it.
  const headers = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  const { except } = options;
  if (!except) return headers;
  return (req, res, next) => (req.path.startsWith(except) ? next() : headers(req, res, next));
}

const RATE_WINDOW_SECONDS = 60;

/** sharedRequestCounts is express-rate-limit's store over PostgreSQL, so N API replicas give a key one limit, not N. */
function sharedRequestCounts(db: Db): Store {
  return {
    localKeys: false,
    prefix: 'rate:',
    increment: async (key) => {
      const { hits, resetAt } = await countRequest(db, `rate:${key}`, RATE_WINDOW_SECONDS);
      return { totalHits: hits, resetTime: resetAt };
    },
    decrement: (key) => uncountRequest(db, `rate:${key}`),
    resetKey: (key) => resetRequestCount(db, `rate:${key}`),
  };
}

/**
 * apiKeyRateLimit allows each API key `perMinute` requests a minute (counted in PostgreSQL, the same for every
 * replica), then 429 with Retry-After; 0 = off.
 */
export function apiKeyRateLimit(db: Db, perMinute: number): RequestHandler {
  if (perMinute === 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: RATE_WINDOW_SECONDS * 1000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: sharedRequestCounts(db),
    // Runs after requireApiKey: the key is known, so the count follows it wherever it calls from.
    keyGenerator: (_req, res) => {
      const caller = callerOf(res);
      return caller?.kind === 'api_key' ? caller.key.id : businessUnitOf(res).id;
    },
    handler: (_req, res, next) =>
      next(
        new ApiError(429, 'rate_limited', `more than ${perMinute} requests a minute with this API key`, {
          retryAfterSeconds: Number(res.getHeader('retry-after') ?? 60),
        }),
      ),
  });
}

// An upload renews its lease this often; a lease not renewed for three times as long is an API that died.
const LEASE_RENEW_MS = 10_000;
const LEASE_SECONDS = 30;

/**
 * uploadConcurrency lets a business unit stream at most `limit` CSV uploads (requests to `upload`, e.g. "POST
 * /calling-lists") at once across every replica (429 past that, with Retry-After); each holds a lease in PostgreSQL,
 * renewed while it streams, given back when it is answered.
 */
export function uploadConcurrency(db: Db, limit: number, upload: string): RequestHandler {
  return async (req, res, next) => {
    if (`${req.method} ${req.path}` !== upload) return next();
    const businessUnitId = businessUnitOf(res).id;
    const lease = await takeUploadLease(db, businessUnitId, limit, LEASE_SECONDS);
    if (!lease) {
      res.set('retry-after', '10');
      throw new ApiError(429, 'too_many_uploads', `${limit} CSV uploads of this business unit are already streaming`, {
        retryAfterSeconds: 10,
        limit,
      });
    }
    const renewal = setInterval(() => {
      renewUploadLease(db, lease, LEASE_SECONDS).catch((error: unknown) =>
        log.warn({ err: error, businessUnitId }, 'could not renew an upload lease'),
      );
    }, LEASE_RENEW_MS);
    // 'close' comes after the answer and also when the client goes away mid-upload.
    res.once('close', () => {
      clearInterval(renewal);
      releaseUploadLease(db, lease).catch((error: unknown) =>
        log.warn({ err: error, businessUnitId }, 'could not release an upload lease (it expires on its own)'),
      );
    });
    next();
  };
}

function tooLarge(res: Response, limitBytes: number, limitName: string): ApiError {
  // The client may still be sending: closing the connection after the answer stops reading the rest for nothing.
  res.set('connection', 'close');
  return new ApiError(413, 'body_too_large', `the upload is larger than ${limitBytes} bytes (${limitName})`);
}

/**
 * limitedUpload is the request body as a stream that fails with 413 past `limitBytes` (at once if Content-Length says
 * so); `limitName` says in the message where the limit comes from.
 */
export function limitedUpload(
  req: Request,
  res: Response,
  limitBytes: number,
  limitName = 'CSV_UPLOAD_LIMIT_MB',
): Readable {
  if (Number(req.headers['content-length'] ?? 0) > limitBytes) throw tooLarge(res, limitBytes, limitName);
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > limitBytes) return callback(tooLarge(res, limitBytes, limitName));
      callback(null, chunk);
    },
  });
  req.on('error', (error) => counter.destroy(error));
  return req.pipe(counter);
}
