import type { RequestHandler, Response } from 'express';
import { hashApiKey, secretsEqual } from '../auth/api-keys';
import { findBusinessUnitByKeyHash } from '../db/business-units';
import type { BusinessUnit, Db } from '../db/schema';
import { ApiError } from './errors';

function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match ? match[1].trim() : null;
}

/** requireApiKey resolves the caller's business unit from its key; every scoped route reads it with businessUnitOf. */
export function requireApiKey(db: Db): RequestHandler {
  return async (req, res, next) => {
    const key = bearer(req.headers.authorization);
    if (!key) throw new ApiError(401, 'unauthorized', 'missing API key: send Authorization: Bearer <key>');
    const unit = await findBusinessUnitByKeyHash(db, hashApiKey(key));
    if (!unit) throw new ApiError(401, 'unauthorized', 'unknown API key');
    res.locals.businessUnit = unit;
    next();
  };
}

/** businessUnitOf is the tenant of an authenticated request. */
export function businessUnitOf(res: Response): BusinessUnit {
  return res.locals.businessUnit as BusinessUnit;
}

/** requireAdmin guards the routes that create tenants; with no ADMIN_TOKEN configured they always refuse. */
export function requireAdmin(adminToken: string | null): RequestHandler {
  return (req, _res, next) => {
    const token = bearer(req.headers.authorization);
    if (!adminToken) throw new ApiError(403, 'admin_disabled', 'admin routes are disabled: set ADMIN_TOKEN on the API');
    if (!token || !secretsEqual(token, adminToken))
      throw new ApiError(401, 'unauthorized', 'missing or wrong admin token');
    next();
  };
}
