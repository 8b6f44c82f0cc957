import { Kysely, sql } from 'kysely';
import { DatabaseError } from 'pg';
import { NotAllowedNow } from '../domain-errors';
import { rethrowUniqueViolation } from './connection';
import type { CarrierRow, Database } from './schema';

/** NewCarrierRow is a carrier to store: its settings in the clear, its secrets already sealed. */
export interface NewCarrierRow {
  id: string;
  businessUnitId: string;
  name: string;
  kind: string;
  settings: Record<string, unknown>;
  secrets: string;
}

/** insertCarrier stores a business unit's carrier; a name it already uses is AlreadyExists naming name. */
export async function insertCarrier(db: Kysely<Database>, carrier: NewCarrierRow): Promise<CarrierRow> {
  return db
    .insertInto('carriers')
    .values({
      id: carrier.id,
      business_unit_id: carrier.businessUnitId,
      name: carrier.name,
      kind: carrier.kind,
      settings: JSON.stringify(carrier.settings),
      secrets: carrier.secrets,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => rethrowUniqueViolation(error, 'name', `a carrier named ${carrier.name} already exists`));
}

/** listCarriers returns a business unit's carriers, oldest first. */
export async function listCarriers(db: Kysely<Database>, businessUnitId: string): Promise<CarrierRow[]> {
  return db
    .selectFrom('carriers')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** getCarrier loads one carrier of a business unit; undefined when it is not theirs. */
export async function getCarrier(
  db: Kysely<Database>,
  businessUnitId: string,
  id: string,
): Promise<CarrierRow | undefined> {
  return db
    .selectFrom('carriers')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** updateCarrier replaces a carrier's name, settings and sealed secrets; undefined when it is not theirs. */
export async function updateCarrier(
  db: Kysely<Database>,
  businessUnitId: string,
  id: string,
  change: { name: string; settings: Record<string, unknown>; secrets: string },
): Promise<CarrierRow | undefined> {
  return db
    .updateTable('carriers')
    .set({
      name: change.name,
      settings: JSON.stringify(change.settings),
      secrets: change.secrets,
      updated_at: sql`clock_timestamp()`,
    })
    .where('business_unit_id', '=', businessUnitId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
    .catch((error: unknown) => rethrowUniqueViolation(error, 'name', `a carrier named ${change.name} already exists`));
}

/**
 * deleteCarrier removes a carrier no sender uses: 'deleted', 'missing' (not the business unit's), or NotAllowedNow
 * naming the senders that still use it (the foreign key refuses too when a sender took it meanwhile).
 */
export async function deleteCarrier(
  db: Kysely<Database>,
  businessUnitId: string,
  id: string,
): Promise<'deleted' | 'missing'> {
  const users = await db
    .selectFrom('senders')
    .select('address')
    .where('carrier_id', '=', id)
    .where('business_unit_id', '=', businessUnitId)
    .limit(5)
    .execute();
  if (users.length > 0) throw carrierInUse(id, users.map((u) => u.address).join(', '));
  try {
    const deleted = await db
      .deleteFrom('carriers')
      .where('business_unit_id', '=', businessUnitId)
      .where('id', '=', id)
      .executeTakeFirst();
    return deleted.numDeletedRows > 0n ? 'deleted' : 'missing';
  } catch (error) {
    if (error instanceof DatabaseError && error.code === '23503') throw carrierInUse(id, 'a sender');
    throw error;
  }
}

function carrierInUse(id: string, senders: string): NotAllowedNow {
  return new NotAllowedNow(`carrier ${id} is used by ${senders}: give those senders another carrier first`);
}

/** carrierOfSender says which carrier a sender sends through and its version (when it last changed); null: none. */
export async function carrierOfSender(
  db: Kysely<Database>,
  senderId: string,
): Promise<{ carrierId: string; version: string } | null> {
  const row = await db
    .selectFrom('senders')
    .innerJoin('carriers', 'carriers.id', 'senders.carrier_id')
    .select(['carriers.id as carrierId', 'carriers.updated_at as updatedAt'])
    .where('senders.id', '=', senderId)
    .executeTakeFirst();
  return row ? { carrierId: row.carrierId, version: new Date(row.updatedAt).toISOString() } : null;
}

/** getCarrierById loads a carrier by id alone (the worker: the sender already tied it to its business unit). */
export async function getCarrierById(db: Kysely<Database>, id: string): Promise<CarrierRow | undefined> {
  return db.selectFrom('carriers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** carrierVersions lists every carrier with its kind and version (the worker keeps a bind open to each SMPP one). */
export async function carrierVersions(
  db: Kysely<Database>,
): Promise<{ carrierId: string; kind: string; version: string }[]> {
  const rows = await db.selectFrom('carriers').select(['id', 'kind', 'updated_at']).execute();
  return rows.map((r) => ({ carrierId: r.id, kind: r.kind, version: new Date(r.updated_at).toISOString() }));
}

/** twilioCarriersOfAccount lists the Twilio carriers (any business unit's) of one Twilio account SID. */
export async function twilioCarriersOfAccount(db: Kysely<Database>, accountSid: string): Promise<CarrierRow[]> {
  return db
    .selectFrom('carriers')
    .selectAll()
    .where('kind', '=', 'twilio')
    .where(sql<string>`settings->>'accountSid'`, '=', accountSid)
    .execute();
}
