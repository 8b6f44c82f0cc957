import type { RequestHandler, Response } from 'express';
import { authenticateApiKey, roleMayCall, secretsEqual } from '../auth/api-keys';
import type { ApiKey } from '../db/api-keys';
import type { BusinessUnit, Db } from '../db/schema';
import { ApiError } from './errors';

function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match ? match[1].trim() : null;
}

/** Caller is who made a request: one of a business unit's keys, or the operators' admin token. */
export type Caller = { kind: 'api_key'; key: ApiKey } | { kind: 'admin_token' };

/**
 * requireApiKey resolves the caller's key and business unit (unknown, revoked and expired keys get 401) and refuses
 * what the key's role may not do (403); every scoped route reads the tenant with businessUnitOf.
 */
export function requireApiKey(db: Db): RequestHandler {
  return async (req, res, next) => {
    const secret = bearer(req.headers.authorization);
    if (!secret) throw new ApiError(401, 'unauthorized', 'missing API key: send Authorization: Bearer <key>');
    const holder = await authenticateApiKey(db, secret);
    if (!holder) throw new ApiError(401, 'unauthorized', 'unknown, revoked or expired API key');
    res.locals.businessUnit = holder.businessUnit;
    res.locals.caller = { kind: 'api_key', key: holder.key } satisfies Caller;
    if (!roleMayCall(holder.key.role, req.method, req.path))
      throw new ApiError(403, 'forbidden', `a ${holder.key.role} key may not ${req.method} ${req.originalUrl}`, {
        role: holder.key.role,
      });
    next();
  };
}

/** agentIdOf is the agent whose own key made the request, or null (a supervisor's or an integration's key). */
export function agentIdOf(res: Response): string | null {
  const caller = callerOf(res);
  return caller?.kind === 'api_key' && caller.key.role === 'agent' ? caller.key.agent_id : null;
}

/** businessUnitOf is the tenant of an authenticated request. */
export function businessUnitOf(res: Response): BusinessUnit {
  return res.locals.businessUnit as BusinessUnit;
}

/** callerOf is who made an authenticated request (null before authentication). */
export function callerOf(res: Response): Caller | null {
  return (res.locals.caller as Caller | undefined) ?? null;
}

/** requireAdmin guards the operators' routes (tenants, their keys); with no ADMIN_TOKEN configured they always refuse. */
export function requireAdmin(adminToken: string | null): RequestHandler {
  return (req, res, next) => {
    const token = bearer(req.headers.authorization);
    if (!adminToken) throw new ApiError(403, 'admin_disabled', 'admin routes are disabled: set ADMIN_TOKEN on the API');
    if (!token || !secretsEqual(token, adminToken))
      throw new ApiError(401, 'unauthorized', 'missing or wrong admin token');
    res.locals.caller = { kind: 'admin_token' } satisfies Caller;
    next();
  };
}

/** requireBearerToken guards an operators' endpoint outside /v1 (METRICS_TOKEN on /metrics); null token: refused. */
export function requireBearerToken(token: string | null, variable: string): RequestHandler {
  return (req, _res, next) => {
    if (!token) throw new ApiError(403, 'disabled', `this endpoint is disabled: set ${variable} on the API`);
    const given = bearer(req.headers.authorization);
    if (!given || !secretsEqual(given, token))
      throw new ApiError(401, 'unauthorized', `missing or wrong token: send Authorization: Bearer <${variable}>`);
    next();
  };
}
