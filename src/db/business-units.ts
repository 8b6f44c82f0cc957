import type { Kysely } from 'kysely';
import { insertApiKey } from './api-keys';
import { definedOnly } from './patch';
import type { BusinessUnit, Database } from './schema';

/** insertBusinessUnit creates a tenant together with its default DNC group and its first (admin) key, atomically. */
export async function insertBusinessUnit(
  db: Kysely<Database>,
  input: { name: string; apiKeyHash: string },
): Promise<BusinessUnit> {
  return db.transaction().execute(async (trx) => {
    const unit = await trx
      .insertInto('business_units')
      .values({
        name: input.name,
        default_dnc_group_id: null,
        opt_out_text: null,
        opt_in_text: null,
        help_text: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const group = await trx
      .insertInto('dnc_groups')
      .values({ business_unit_id: unit.id, name: 'Default' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertApiKey(trx, { businessUnitId: unit.id, name: 'default', role: 'admin', keyHash: input.apiKeyHash });
    return trx
      .updateTable('business_units')
      .set({ default_dnc_group_id: group.id })
      .where('id', '=', unit.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** getBusinessUnit loads a tenant by id. */
export async function getBusinessUnit(db: Kysely<Database>, id: string): Promise<BusinessUnit | undefined> {
  return db.selectFrom('business_units').selectAll().where('id', '=', id).executeTakeFirst();
}

/** BusinessUnitSettingsPatch is what PATCH /settings may change. */
export interface BusinessUnitSettingsPatch {
  sms_channel?: boolean;
  opt_out_text?: string | null;
  opt_in_text?: string | null;
  help_text?: string | null;
  deliverability_share?: number;
  deliverability_window?: number;
  time_zone?: string;
  /** JSON of the price per segment per sender kind. */
  segment_prices?: string;
  service_level_seconds?: number;
  offer_timeout_seconds?: number;
  agent_offline_seconds?: number;
}

/** updateBusinessUnitSettings changes a tenant's own settings. */
export async function updateBusinessUnitSettings(
  db: Kysely<Database>,
  id: string,
  patch: BusinessUnitSettingsPatch,
): Promise<BusinessUnit> {
  const changes = definedOnly(patch);
  if (Object.keys(changes).length === 0) return (await getBusinessUnit(db, id))!;
  return db.updateTable('business_units').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}
