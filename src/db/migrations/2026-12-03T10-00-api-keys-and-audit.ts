import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

/**
 * up gives a business unit any number of keys (each with a name, a role, an optional expiry and, for issue 16's
 * agents, an optional agent id), moving every unit's one key over as its admin key "default" so existing clients keep
 * working; adds the audit log of changes made through the API; and the shared counters that make the per-key request
 * limit and the CSV upload concurrency hold across API replicas.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('admin', 'agent', 'readonly')`))
    // An agent's own key (issue 16); no reference yet because agents have no table yet.
    .addColumn('agent_id', 'uuid')
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('api_keys_business_unit')
    .on('api_keys')
    .columns(['business_unit_id', 'created_at'])
    .execute();
  await sql`
    INSERT INTO api_keys (business_unit_id, name, role, key_hash, created_at)
    SELECT id, 'default', 'admin', api_key_hash, created_at FROM business_units
  `.execute(db);
  await db.schema.alterTable('business_units').dropColumn('api_key_hash').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Who: an API key (id and its name then), or the admin token (no key id).
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('key_id', 'uuid')
    .addColumn('key_name', 'text')
    .addColumn('address', 'text')
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .execute();
  await db.schema
    .createIndex('audit_log_business_unit_at')
    .on('audit_log')
    .columns(['business_unit_id', 'at'])
    .execute();
  // The audit reads the replies' and carriers' DNC changes by time too.
  await db.schema.createIndex('dnc_audit_created_at').on('dnc_audit').column('created_at').execute();

  // One row per key: the current fixed window and its count (the database's clock decides the window for every API).
  await db.schema
    .createTable('api_request_counts')
    .addColumn('counter', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .execute();
  // A CSV upload in progress holds a lease, renewed while it streams; an API that dies leaves it to expire.
  await db.schema
    .createTable('upload_leases')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('upload_leases_business_unit').on('upload_leases').column('business_unit_id').execute();
}

/** down puts each unit's oldest live key back on the unit and drops the new tables. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('upload_leases').execute();
  await db.schema.dropTable('api_request_counts').execute();
  await db.schema.dropIndex('dnc_audit_created_at').execute();
  await db.schema.dropTable('audit_log').execute();
  await db.schema.alterTable('business_units').addColumn('api_key_hash', 'text').execute();
  await sql`
    UPDATE business_units b SET api_key_hash = (
      SELECT k.key_hash FROM api_keys k WHERE k.business_unit_id = b.id AND k.revoked_at IS NULL
      ORDER BY k.created_at LIMIT 1)
  `.execute(db);
  await db.schema.dropTable('api_keys').execute();
}
