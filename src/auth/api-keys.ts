import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type ApiKey, findLiveApiKey, insertApiKey, type KeyHolder, markApiKeyUsed } from '../db/api-keys';
import type { ApiKeyRole, Db, DbOrTransaction } from '../db/schema';

/** generateApiKey makes a business unit's secret key; it is shown once and only its hash is stored. */
export function generateApiKey(): string {
  return `psms_${randomBytes(32).toString('base64url')}`;
}

/** hashApiKey is the stored form of a key: SHA-256 suffices because keys are long random secrets, not passwords. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/** secretsEqual compares two secrets in constant time, whatever their lengths. */
export function secretsEqual(given: string, expected: string): boolean {
  // Hashing first gives equal-length buffers, so the comparison leaks neither content nor length.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** API_KEY_ROLES are the roles a key can have. */
export const API_KEY_ROLES = ['admin', 'agent', 'readonly'] as const satisfies readonly ApiKeyRole[];

const READING_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const UUID = '[0-9a-fA-F-]{36}';
// What an agent's own key may call (paths within /v1): its state, its offers and conversations (each route checks the
// conversation is the agent's), the queue summary, and the lists it answers with. Everything else is the supervisor's.
const AGENT_ROUTES: readonly [string, RegExp][] = [
  ['GET', /^\/agents\/me(\/offers)?$/],
  ['PUT', /^\/agents\/me\/state$/],
  ['POST', /^\/agents\/me\/heartbeat$/],
  ['GET', /^\/(conversations|dispositions|quick-responses|skills|queue|events)$/],
  ['GET', new RegExp(`^/conversations/${UUID}$`)],
  ['GET', new RegExp(`^/conversations/${UUID}/quick-responses$`)],
  ['POST', new RegExp(`^/conversations/${UUID}/(accept|messages|transfer|close)$`)],
];

/**
 * roleMayCall is the one rule of what a key's role allows (path within /v1): an admin key everything of its business
 * unit, a readonly key only reads, and an agent's key only what working its own conversations needs.
 */
export function roleMayCall(role: ApiKeyRole, method: string, path: string): boolean {
  const verb = method.toUpperCase();
  if (role === 'admin') return true;
  if (role === 'readonly') return READING_METHODS.has(verb);
  if (verb === 'OPTIONS') return true;
  const asGet = verb === 'HEAD' ? 'GET' : verb;
  return AGENT_ROUTES.some(([m, pattern]) => m === asGet && pattern.test(path));
}

/** createApiKey makes a new key for a business unit and returns it with its secret, the only time the secret exists. */
export async function createApiKey(
  db: DbOrTransaction,
  input: { businessUnitId: string; name: string; role: ApiKeyRole; expiresAt?: Date | null; agentId?: string | null },
): Promise<{ key: ApiKey; secret: string }> {
  const secret = generateApiKey();
  const key = await insertApiKey(db, { ...input, keyHash: hashApiKey(secret) });
  return { key, secret };
}

/**
 * authenticateApiKey resolves a presented key to its live key and business unit, or undefined (unknown, revoked or
 * expired). Read from PostgreSQL on every request, with no cache: a revocation holds on every replica at once.
 */
export async function authenticateApiKey(db: Db, secret: string): Promise<KeyHolder | undefined> {
  const holder = await findLiveApiKey(db, hashApiKey(secret));
  const minuteAgo = Date.now() - 60_000;
  if (holder && (!holder.key.last_used_at || holder.key.last_used_at.getTime() < minuteAgo))
    await markApiKeyUsed(db, holder.key.id);
  return holder;
}
