import { z } from 'zod';
import { API_KEY_ROLES } from '../../auth/api-keys';
import { named, timestamp } from './resources';

const keyFields = {
  id: z.uuid(),
  name: z.string(),
  role: z.enum(API_KEY_ROLES),
  agentId: z.uuid().nullable(),
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
};

/** apiKeyResponse is one key of a business unit: never the key itself. */
export const apiKeyResponse = named('ApiKey', z.looseObject(keyFields));

/** apiKeyCreated is POST /api-keys: the only answer that carries the new key. */
export const apiKeyCreated = named('ApiKeyCreated', z.looseObject({ ...keyFields, apiKey: z.string() }));

/** auditEntryResponse is one change in the audit trail. */
export const auditEntryResponse = named(
  'AuditEntry',
  z.looseObject({
    id: z.string(),
    at: timestamp,
    actor: z.looseObject({
      kind: z.string().describe('api_key, admin_token, or reply/carrier for DNC changes they made'),
      keyId: z.uuid().nullable(),
      keyName: z.string().nullable(),
    }),
    address: z.string().nullable(),
    resource: z.string(),
    resourceId: z.string().nullable(),
    action: z.string(),
    before: z.unknown(),
    after: z.unknown(),
  }),
);

/** auditTrailResponse is GET /audit as JSON. */
export const auditTrailResponse = named(
  'AuditTrail',
  z.looseObject({
    entries: z.array(auditEntryResponse),
    truncated: z.boolean().describe('more entries are in the range: narrow it, or ask for text/csv (all of them)'),
  }),
);
