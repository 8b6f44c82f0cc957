import type { Kysely } from 'kysely';
import type { CadenceStepJson, Database, Skill } from './schema';

/** insertSkill stores an agent or agentless skill with its cadence. */
export async function insertSkill(
  db: Kysely<Database>,
  skill: { businessUnitId: string; name: string; kind: string; replyHandling: boolean; cadence: CadenceStepJson[] },
): Promise<Skill> {
  return db
    .insertInto('skills')
    .values({
      business_unit_id: skill.businessUnitId,
      name: skill.name,
      kind: skill.kind,
      reply_handling: skill.replyHandling,
      cadence: JSON.stringify(skill.cadence),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** getSkill loads a skill only if it belongs to the business unit. */
export async function getSkill(db: Kysely<Database>, businessUnitId: string, id: string): Promise<Skill | undefined> {
  return db
    .selectFrom('skills')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** listSkills returns a business unit's skills, oldest first. */
export async function listSkills(db: Kysely<Database>, businessUnitId: string): Promise<Skill[]> {
  return db
    .selectFrom('skills')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .orderBy('created_at')
    .execute();
}
