import type { DbOrTransaction, Disposition, QuickResponse } from './schema';
import { rethrowUniqueViolation } from './connection';

/** insertDisposition stores a disposition code of a business unit (names are unique within it). */
export async function insertDisposition(
  db: DbOrTransaction,
  businessUnitId: string,
  name: string,
): Promise<Disposition> {
  try {
    return await db
      .insertInto('dispositions')
      .values({ business_unit_id: businessUnitId, name })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    rethrowUniqueViolation(error, 'name', `a disposition named "${name}" exists already`);
  }
}

/** listDispositions returns a business unit's dispositions by name. */
export async function listDispositions(db: DbOrTransaction, businessUnitId: string): Promise<Disposition[]> {
  return db
    .selectFrom('dispositions')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .orderBy('name')
    .execute();
}

/** getDisposition loads a disposition only if it belongs to the business unit. */
export async function getDisposition(
  db: DbOrTransaction,
  businessUnitId: string,
  id: string,
): Promise<Disposition | undefined> {
  return db
    .selectFrom('dispositions')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** insertQuickResponse stores a quick response template of a business unit. */
export async function insertQuickResponse(
  db: DbOrTransaction,
  businessUnitId: string,
  input: { name: string; body: string },
): Promise<QuickResponse> {
  return db
    .insertInto('quick_responses')
    .values({ business_unit_id: businessUnitId, ...input })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** listQuickResponses returns a business unit's quick responses by name. */
export async function listQuickResponses(db: DbOrTransaction, businessUnitId: string): Promise<QuickResponse[]> {
  return db
    .selectFrom('quick_responses')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .orderBy('name')
    .orderBy('id')
    .execute();
}
