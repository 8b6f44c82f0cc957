import { Router, type Request, type Response } from 'express';
import { createApiKey } from '../../auth/api-keys';
import { type ApiKey, getApiKey, listApiKeys, revokeApiKey } from '../../db/api-keys';
import { getBusinessUnit } from '../../db/business-units';
import type { Db } from '../../db/schema';
import type { Answer } from '../answer';
import { businessUnitKeyParamsSchema, createApiKeySchema } from '../access-schemas';
import type { apiKeyCreated, apiKeyResponse } from '../openapi/access-resources';
import { businessUnitOf, callerOf } from '../auth';
import type { ApiDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { idParamSchema } from '../schemas';
import { parseInput } from '../validation';

function presentKey(key: ApiKey): Answer<typeof apiKeyResponse> {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    agentId: key.agent_id,
    createdAt: key.created_at,
    expiresAt: key.expires_at,
    lastUsedAt: key.last_used_at,
    revokedAt: key.revoked_at,
  };
}

async function answerNewKey(db: Db, req: Request, res: Response, businessUnitId: string): Promise<void> {
  const input = parseInput(createApiKeySchema, req.body);
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  const { key, secret } = await createApiKey(db, { businessUnitId, name: input.name, role: input.role, expiresAt });
  const created: Answer<typeof apiKeyCreated> = { ...presentKey(key), apiKey: secret };
  res.status(201).json(created);
}

async function answerRevoked(db: Db, res: Response, businessUnitId: string, id: string): Promise<void> {
  const key = await revokeApiKey(db, businessUnitId, id);
  if (!key) throw notFound('API key', id);
  res.json(presentKey(key));
}

/**
 * apiKeyRoutes is POST/GET /api-keys and DELETE /api-keys/:id for the business unit's own (admin) keys, and the same
 * under /business-units/:id/api-keys for the admin token (list, revoke, and a new key for a unit that lost its own).
 */
export function apiKeyRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.post('/api-keys', (req, res) => answerNewKey(db, req, res, businessUnitOf(res).id));
  router.get('/api-keys', async (_req, res) => {
    res.json((await listApiKeys(db, businessUnitOf(res).id)).map(presentKey));
  });
  router.get('/api-keys/:id', async (req, res) => {
    const { id } = parseInput(idParamSchema, req.params);
    const key = await getApiKey(db, businessUnitOf(res).id, id);
    if (!key) throw notFound('API key', id);
    res.json(presentKey(key));
  });
  router.delete('/api-keys/:id', async (req, res) => {
    const { id } = parseInput(idParamSchema, req.params);
    // A business unit must not lock itself out by one request: the key that revokes is another one, so it stays.
    const caller = callerOf(res);
    if (caller?.kind === 'api_key' && caller.key.id === id)
      throw new ApiError(
        409,
        'conflict',
        'a key cannot revoke itself: revoke it with another admin key or the admin token',
      );
    await answerRevoked(db, res, businessUnitOf(res).id, id);
  });
  return router;
}

/** adminApiKeyRoutes is the admin token's /business-units/:id/api-keys (list, create, revoke). */
export function adminApiKeyRoutes({ db }: ApiDeps): Router {
  const router = Router();
  const unitOf = async (params: unknown) => {
    const { id } = parseInput(idParamSchema, params);
    if (!(await getBusinessUnit(db, id))) throw notFound('business unit', id);
    return id;
  };
  router.get('/business-units/:id/api-keys', async (req, res) => {
    res.json((await listApiKeys(db, await unitOf(req.params))).map(presentKey));
  });
  router.post('/business-units/:id/api-keys', async (req, res) => answerNewKey(db, req, res, await unitOf(req.params)));
  router.delete('/business-units/:id/api-keys/:keyId', async (req, res) => {
    const { id, keyId } = parseInput(businessUnitKeyParamsSchema, req.params);
    await answerRevoked(db, res, id, keyId);
  });
  return router;
}
