import { z } from 'zod';
import { API_KEY_ROLES } from '../auth/api-keys';

// Request schemas of keys and the audit trail (issue 21).

/** createApiKeySchema is POST /api-keys. */
export const createApiKeySchema = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(API_KEY_ROLES).describe('admin: everything; readonly: reads only; agent: an agent’s own work'),
  expiresAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('after this moment the key is refused (401); absent: until revoked'),
});

/** businessUnitKeyParamsSchema is /business-units/:id/api-keys/:keyId (the admin token's). */
export const businessUnitKeyParamsSchema = z.object({ id: z.uuid(), keyId: z.uuid() });

/** auditQuerySchema is GET /audit. */
export const auditQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).optional().describe('from this moment on (default: 30 days before `to`)'),
  to: z.iso.datetime({ offset: true }).optional().describe('until before this moment (default: now)'),
  resource: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('only this resource, as the path names it: campaigns, senders, settings, dnc-entries, api-keys, ...'),
  limit: z.coerce.number().int().min(1).max(10_000).optional().describe('JSON only: at most this many (default 1000)'),
});
