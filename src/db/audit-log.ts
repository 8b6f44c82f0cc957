import { sql, type Kysely, type Transaction } from 'kysely';
import type { AuditLogTable, Database } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

/** AuditChange is one change made through the API, as the audit trail stores it. */
export interface AuditChange {
  businessUnitId: string;
  actorKind: AuditLogTable['actor_kind'];
  keyId: string | null;
  keyName: string | null;
  address: string | null;
  method: string;
  path: string;
  resource: string;
  resourceId: string | null;
  action: string;
  before: unknown;
  after: unknown;
}

/** insertAuditEntry stores one change. */
export async function insertAuditEntry(db: Db, change: AuditChange): Promise<void> {
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  await db
    .insertInto('audit_log')
    .values({
      business_unit_id: change.businessUnitId,
      actor_kind: change.actorKind,
      key_id: change.keyId,
      key_name: change.keyName,
      address: change.address,
      method: change.method,
      path: change.path,
      resource: change.resource,
      resource_id: change.resourceId,
      action: change.action,
      before: json(change.before),
      after: json(change.after),
    })
    .execute();
}

/** AuditedTable is a table whose rows the audit trail records before and after a change, each with its tenant. */
export type AuditedTable =
  | 'business_units'
  | 'senders'
  | 'dnc_groups'
  | 'calling_lists'
  | 'templates'
  | 'skills'
  | 'campaigns'
  | 'conversations'
  | 'api_keys';

/**
 * loadAuditedRow reads a row of one of the business unit's tables as it is now (every column: the caller drops the
 * secrets), or null.
 */
export async function loadAuditedRow(
  db: Db,
  table: AuditedTable,
  businessUnitId: string,
  id: string,
): Promise<Record<string, unknown> | null> {
  const tenantColumn = table === 'business_units' ? 'id' : 'business_unit_id';
  const { rows } = await sql<Record<string, unknown>>`
    SELECT * FROM ${sql.table(table)} WHERE id = ${id}::uuid AND ${sql.ref(tenantColumn)} = ${businessUnitId}::uuid
  `.execute(db);
  return rows[0] ?? null;
}

/** AuditEntryRow is one entry of the audit trail as read: a change through the API or a DNC change by a reply. */
export interface AuditEntryRow {
  id: string;
  at: Date;
  /** The position in the trail (microseconds since the epoch), for reading on after it. */
  at_us: string;
  actor_kind: string;
  key_id: string | null;
  key_name: string | null;
  address: string | null;
  method: string | null;
  path: string | null;
  resource: string;
  resource_id: string | null;
  action: string;
  before: unknown;
  after: unknown;
}

/** AuditQuery selects a business unit's trail between two moments, optionally of one resource. */
export interface AuditQuery {
  businessUnitId: string;
  from: Date;
  to: Date;
  resource: string | null;
  limit: number;
  /** Read on after this entry ({at_us, id} of the last one read). */
  after?: { atUs: string; id: string } | null;
}

/**
 * readAuditTrail returns one page of a business unit's trail, oldest first: the changes made through the API and the
 * DNC changes replies and carriers made (their own audit, dnc_audit; the API's DNC changes are in audit_log already).
 */
export async function readAuditTrail(db: Db, query: AuditQuery): Promise<AuditEntryRow[]> {
  const { businessUnitId, from, to, resource } = query;
  const after = query.after ?? null;
  const { rows } = await sql<AuditEntryRow>`
    SELECT * FROM (
      SELECT 'a' || a.id AS id, a.at, (extract(epoch FROM a.at) * 1000000)::bigint AS at_us, a.actor_kind, a.key_id,
             a.key_name, a.address, a.method, a.path, a.resource, a.resource_id, a.action, a.before, a.after
        FROM audit_log a
       WHERE a.business_unit_id = ${businessUnitId}::uuid AND a.at >= ${from} AND a.at < ${to}
         AND (${resource}::text IS NULL OR a.resource = ${resource}::text)
      UNION ALL
      SELECT 'd' || d.id, d.created_at, (extract(epoch FROM d.created_at) * 1000000)::bigint, d.source, NULL, NULL,
             NULL, NULL, NULL, 'dnc-entries', d.dnc_group_id || '/' || d.phone, d.action,
             CASE WHEN d.action = 'remove' THEN jsonb_build_object('phone', d.phone) END,
             CASE WHEN d.action = 'add'
                  THEN jsonb_build_object('phone', d.phone, 'source', d.source, 'rule', d.rule, 'messageSid', d.message_sid)
             END
        FROM dnc_audit d JOIN dnc_groups g ON g.id = d.dnc_group_id
       WHERE g.business_unit_id = ${businessUnitId}::uuid AND d.source <> 'api'
         AND d.created_at >= ${from} AND d.created_at < ${to}
         AND (${resource}::text IS NULL OR ${resource}::text = 'dnc-entries')
    ) trail
    WHERE ${after === null} OR (trail.at_us, trail.id) > (${after?.atUs ?? null}::bigint, ${after?.id ?? null}::text)
    ORDER BY trail.at_us, trail.id
    LIMIT ${query.limit}
  `.execute(db);
  return rows;
}

/** streamAuditTrail yields a business unit's whole trail in the range, oldest first, a page at a time (keyset). */
export async function* streamAuditTrail(
  db: Db,
  query: Omit<AuditQuery, 'limit' | 'after'>,
  pageSize = 1000,
): AsyncGenerator<AuditEntryRow> {
  let after: AuditQuery['after'] = null;
  for (;;) {
    const page = await readAuditTrail(db, { ...query, limit: pageSize, after });
    yield* page;
    if (page.length < pageSize) return;
    const last = page[page.length - 1];
    after = { atUs: last.at_us, id: last.id };
  }
}
