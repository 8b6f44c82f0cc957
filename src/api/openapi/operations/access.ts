// Operations on who may call the API (issue 21): a business unit's keys, the admin token's view of them, the audit.
import { auditQuerySchema, businessUnitKeyParamsSchema, createApiKeySchema } from '../../access-schemas';
import { idParamSchema } from '../../schemas';
import { apiKeyCreated, apiKeyResponse, auditTrailResponse } from '../access-resources';
import { ApiOperation, jsonBody, linksById } from '../operation';
import { listOf } from '../resources';

const v1 = { security: 'apiKey', tag: 'access' } as const;
const admin = { security: 'adminToken' as const, tag: 'access', params: idParamSchema, errors: [404] };
const CSV = { mediaType: 'text/csv', schema: { type: 'string' } };
const created = { description: 'Created; `apiKey` is shown this once.', schema: apiKeyCreated };

/** accessOperations are /api-keys, /business-units/:id/api-keys (admin token) and /audit. */
export const accessOperations: ApiOperation[] = [
  {
    ...v1,
    operationId: 'createApiKey',
    method: 'post',
    path: '/v1/api-keys',
    summary: 'A new key of the business unit (admin keys only), shown once and stored as a hash',
    body: jsonBody(createApiKeySchema),
    responses: { 201: { ...created, links: linksById('getApiKey', 'revokeApiKey') } },
  },
  {
    ...v1,
    operationId: 'listApiKeys',
    method: 'get',
    path: '/v1/api-keys',
    summary: "The business unit's keys (revoked ones too): names, roles, when created and last used, never the key",
    responses: { 200: { description: 'The keys.', schema: listOf(apiKeyResponse) } },
  },
  {
    ...v1,
    operationId: 'getApiKey',
    method: 'get',
    path: '/v1/api-keys/:id',
    summary: 'One key of the business unit, without the key',
    params: idParamSchema,
    errors: [404],
    responses: { 200: { description: 'The key.', schema: apiKeyResponse } },
  },
  {
    ...v1,
    operationId: 'revokeApiKey',
    method: 'delete',
    path: '/v1/api-keys/:id',
    summary: 'Revoke a key: every API replica refuses it from the next request (idempotent); not the calling key',
    params: idParamSchema,
    errors: [404, 409],
    responses: { 200: { description: 'Revoked; `revokedAt` says since when.', schema: apiKeyResponse } },
  },
  {
    ...admin,
    operationId: 'listBusinessUnitKeys',
    method: 'get',
    path: '/v1/business-units/:id/api-keys',
    summary: "A business unit's keys, for the operators",
    responses: { 200: { description: 'The keys.', schema: listOf(apiKeyResponse) } },
  },
  {
    ...admin,
    operationId: 'createBusinessUnitKey',
    method: 'post',
    path: '/v1/business-units/:id/api-keys',
    summary: 'A new key for a business unit, for the operators (e.g. one that revoked its last admin key)',
    body: jsonBody(createApiKeySchema),
    responses: { 201: created },
  },
  {
    ...admin,
    operationId: 'revokeBusinessUnitKey',
    method: 'delete',
    path: '/v1/business-units/:id/api-keys/:keyId',
    summary: "Revoke one of a business unit's keys, for the operators",
    params: businessUnitKeyParamsSchema,
    responses: { 200: { description: 'Revoked.', schema: apiKeyResponse } },
  },
  {
    ...v1,
    operationId: 'getAuditTrail',
    method: 'get',
    path: '/v1/audit',
    summary: 'Every change made through the API, and the DNC changes replies and carriers made, oldest first',
    description:
      'Who (the key id and name, or the admin token), what (resource, id, the state before and after, secrets ' +
      'left out), when and from which address. `Accept: text/csv` streams every entry of the range as CSV ' +
      '(RFC 4180; `before` and `after` as JSON text).',
    query: auditQuerySchema,
    responses: { 200: { description: 'The entries.', schema: auditTrailResponse, otherContent: CSV } },
  },
];
