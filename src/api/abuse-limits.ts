// Limits that keep one hostile or runaway client from hurting the others: security headers, a request rate per key
// and a size cap on the one body that is streamed rather than parsed (calling-list CSV).
import { Transform, TransformCallback, type Readable } from 'node:stream';
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { businessUnitOf } from './auth';
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

/** apiKeyRateLimit allows each business unit's key `perMinute` requests a minute, then 429 with Retry-After; 0 = off. */
export function apiKeyRateLimit(perMinute: number): RequestHandler {
  if (perMinute === 0) return (_req, _res, next) => next();
  // Counted per API process (memory store): with N replicas behind a balancer a key gets up to N times the limit.
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Runs after requireApiKey: the tenant is known, so the count follows the key wherever it calls from.
    keyGenerator: (_req, res) => businessUnitOf(res).id,
    handler: (_req, res, next) =>
      next(
        new ApiError(429, 'rate_limited', `more than ${perMinute} requests a minute with this API key`, {
          retryAfterSeconds: Number(res.getHeader('retry-after') ?? 60),
        }),
      ),
  });
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
