import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ApiKeyRole, ApiKeyTable, BusinessUnit, Database } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

/** ApiKey is a stored key (its hash never leaves the data layer). */
export type ApiKey = Omit<Selectable<ApiKeyTable>, 'key_hash'>;

const KEY_COLUMNS = [
  'id',
  'business_unit_id',
  'name',
  'role',
  'agent_id',
  'created_at',
  'expires_at',
  'last_used_at',
  'revoked_at',
] as const;

/** insertApiKey stores a new key of a business unit by its hash. */
export async function insertApiKey(
  db: Db,
  input: {
    businessUnitId: string;
    name: string;
    role: ApiKeyRole;
    keyHash: string;
    expiresAt?: Date | null;
    agentId?: string | null;
  },
): Promise<ApiKey> {
  return db
    .insertInto('api_keys')
    .values({
      business_unit_id: input.businessUnitId,
      name: input.name,
      role: input.role,
      key_hash: input.keyHash,
      expires_at: input.expiresAt ?? null,
      agent_id: input.agentId ?? null,
    })
    .returning(KEY_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** KeyHolder is a live key with its business unit, as one request authenticates. */
export interface KeyHolder {
  key: ApiKey;
  businessUnit: BusinessUnit;
}

/**
 * findLiveApiKey resolves a key's hash to the key and its business unit, unless it is revoked or expired (by the
 * database's clock, the same for every API replica).
 */
export async function findLiveApiKey(db: Db, keyHash: string): Promise<KeyHolder | undefined> {
  const row = await db
    .selectFrom('api_keys as k')
    .innerJoin('business_units as b', 'b.id', 'k.business_unit_id')
    .selectAll('b')
    .select([
      'k.id as key_id',
      'k.name as key_name',
      'k.role as key_role',
      'k.agent_id as key_agent_id',
      'k.created_at as key_created_at',
      'k.expires_at as key_expires_at',
      'k.last_used_at as key_last_used_at',
    ])
    .where('k.key_hash', '=', keyHash)
    .where('k.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('k.expires_at', 'is', null), eb('k.expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  if (!row) return undefined;
  const { key_id, key_name, key_role, key_agent_id, key_created_at, key_expires_at, key_last_used_at, ...unit } = row;
  const key: ApiKey = {
    id: key_id,
    business_unit_id: unit.id,
    name: key_name,
    role: key_role,
    agent_id: key_agent_id,
    created_at: key_created_at,
    expires_at: key_expires_at,
    last_used_at: key_last_used_at,
    revoked_at: null,
  };
  return { key, businessUnit: unit };
}

/** markApiKeyUsed records that a key was used now, at most once a minute per key (a write per request would be waste). */
export async function markApiKeyUsed(db: Db, keyId: string): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: sql<Date>`now()` })
    .where('id', '=', keyId)
    .where((eb) =>
      eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]),
    )
    .execute();
}

/** listApiKeys returns a business unit's keys, revoked ones included, oldest first. */
export async function listApiKeys(db: Db, businessUnitId: string): Promise<ApiKey[]> {
  return db
    .selectFrom('api_keys')
    .select(KEY_COLUMNS)
    .where('business_unit_id', '=', businessUnitId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** getApiKey loads one of a business unit's keys. */
export async function getApiKey(db: Db, businessUnitId: string, id: string): Promise<ApiKey | undefined> {
  return db
    .selectFrom('api_keys')
    .select(KEY_COLUMNS)
    .where('business_unit_id', '=', businessUnitId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** revokeApiKey revokes a key (idempotent: a key revoked already keeps its first revocation time). */
export async function revokeApiKey(db: Db, businessUnitId: string, id: string): Promise<ApiKey | undefined> {
  await db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`now()` })
    .where('business_unit_id', '=', businessUnitId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  return getApiKey(db, businessUnitId, id);
}
