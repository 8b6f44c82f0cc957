import { rethrowUniqueViolation } from './connection';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, DncGroup } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

/** insertDncGroup creates a named DNC group in a business unit. */
export async function insertDncGroup(db: Db, businessUnitId: string, name: string): Promise<DncGroup> {
  return db
    .insertInto('dnc_groups')
    .values({ business_unit_id: businessUnitId, name })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => rethrowUniqueViolation(error, 'name', `a DNC group "${name}" already exists`));
}

/** listDncGroups returns a business unit's groups, oldest (the default) first. */
export async function listDncGroups(db: Db, businessUnitId: string): Promise<DncGroup[]> {
  return db
    .selectFrom('dnc_groups')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .orderBy('created_at')
    .execute();
}

/** getDncGroup loads a group only if it belongs to the business unit. */
export async function getDncGroup(db: Db, businessUnitId: string, id: string): Promise<DncGroup | undefined> {
  return db
    .selectFrom('dnc_groups')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** DncChange says who or what changed a DNC entry, for the audit trail. */
export interface DncChange {
  source: 'api' | 'reply' | 'carrier';
  rule?: string | null;
  messageSid?: string | null;
}

/** addDncEntry puts a phone on a group (idempotent) and audits the change when it is new. */
export async function addDncEntry(
  db: Kysely<Database>,
  groupId: string,
  phone: string,
  change: DncChange,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('dnc_entries')
      .values({ dnc_group_id: groupId, phone, source: change.source })
      .onConflict((oc) => oc.columns(['dnc_group_id', 'phone']).doNothing())
      .returning('phone')
      .executeTakeFirst();
    if (inserted) await audit(trx, groupId, phone, 'add', change);
    return !!inserted;
  });
}

/** removeDncEntry takes a phone off a group (idempotent) and audits the change when there was one. */
export async function removeDncEntry(
  db: Kysely<Database>,
  groupId: string,
  phone: string,
  change: DncChange,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const removed = await trx
      .deleteFrom('dnc_entries')
      .where('dnc_group_id', '=', groupId)
      .where('phone', '=', phone)
      .returning('phone')
      .executeTakeFirst();
    if (removed) await audit(trx, groupId, phone, 'remove', change);
    return !!removed;
  });
}

async function audit(
  trx: Transaction<Database>,
  groupId: string,
  phone: string,
  action: 'add' | 'remove',
  change: DncChange,
) {
  await trx
    .insertInto('dnc_audit')
    .values({
      dnc_group_id: groupId,
      phone,
      action,
      source: change.source,
      rule: change.rule ?? null,
      message_sid: change.messageSid ?? null,
    })
    .execute();
}

/** getDncEntry returns a phone's entry in a group, if any. */
export async function getDncEntry(db: Db, groupId: string, phone: string) {
  return db
    .selectFrom('dnc_entries')
    .selectAll()
    .where('dnc_group_id', '=', groupId)
    .where('phone', '=', phone)
    .executeTakeFirst();
}

/** getDncAudit lists every change of a phone in a group, oldest first. */
export async function getDncAudit(db: Db, groupId: string, phone: string) {
  return db
    .selectFrom('dnc_audit')
    .selectAll()
    .where('dnc_group_id', '=', groupId)
    .where('phone', '=', phone)
    .orderBy('id')
    .execute();
}

/**
 * phonesBlocked returns which of the phones are on any of the groups, or have an opt-out stored in the business unit
 * that its conversation workflow has not applied yet (one round trip for a whole batch). A contact's latest unapplied
 * consent change decides: STOP then START (both waiting) blocks nothing more than the groups do, and a waiting START
 * never lifts an entry already on a group (the workflow does that when it applies the START, as before).
 */
export async function phonesBlocked(
  db: Db,
  businessUnitId: string,
  groupIds: string[],
  phones: string[],
): Promise<Set<string>> {
  if (phones.length === 0) return new Set();
  // Each list is one array parameter, however long the batch (a page of recipients can hold thousands).
  // The predicate repeats the partial index's (inbound_messages_pending_consent) so the planner can use it.
  const { rows } = await sql<{ phone: string }>`
    SELECT phone FROM dnc_entries WHERE dnc_group_id = ANY(${groupIds}::uuid[]) AND phone = ANY(${phones}::text[])
    UNION
    SELECT from_phone FROM (
      SELECT DISTINCT ON (from_phone) from_phone, keyword_kind FROM inbound_messages
       WHERE business_unit_id = ${businessUnitId} AND from_phone = ANY(${phones}::text[])
         AND processed_at IS NULL AND keyword_kind IN ('opt_out', 'opt_in')
       ORDER BY from_phone, received_at DESC) latest
     WHERE keyword_kind = 'opt_out'`.execute(db);
  return new Set(rows.map((r) => r.phone));
}
