import type { Insertable, Kysely } from 'kysely';
import type { Database, Template, TemplateTable } from './schema';

/** insertTemplate stores a saved template. */
export async function insertTemplate(db: Kysely<Database>, template: Insertable<TemplateTable>): Promise<Template> {
  return db.insertInto('templates').values(template).returningAll().executeTakeFirstOrThrow();
}

/** getTemplate loads a template only if it belongs to the business unit. */
export async function getTemplate(
  db: Kysely<Database>,
  businessUnitId: string,
  id: string,
): Promise<Template | undefined> {
  return db
    .selectFrom('templates')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** listTemplates returns a business unit's templates, oldest first. */
export async function listTemplates(db: Kysely<Database>, businessUnitId: string): Promise<Template[]> {
  return db
    .selectFrom('templates')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .orderBy('created_at')
    .execute();
}
