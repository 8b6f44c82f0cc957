import type { Db, SkillGroup } from './schema';

/** SkillGroupView is a skill group with the ids of its skills. */
export type SkillGroupView = SkillGroup & { skill_ids: string[] };

/** insertSkillGroup stores a reporting group of the business unit's skills, with its members, atomically. */
export async function insertSkillGroup(
  db: Db,
  group: { businessUnitId: string; name: string; skillIds: string[] },
): Promise<SkillGroupView> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('skill_groups')
      .values({ business_unit_id: group.businessUnitId, name: group.name })
      .returningAll()
      .executeTakeFirstOrThrow();
    const skillIds = [...new Set(group.skillIds)];
    if (skillIds.length > 0)
      await trx
        .insertInto('skill_group_skills')
        .values(skillIds.map((skillId) => ({ skill_group_id: row.id, skill_id: skillId })))
        .execute();
    return { ...row, skill_ids: skillIds };
  });
}

function groupsWithSkills(db: Db, businessUnitId: string) {
  return db
    .selectFrom('skill_groups as g')
    .selectAll('g')
    .select((eb) =>
      eb
        .selectFrom('skill_group_skills as s')
        .select((e) => e.fn.coalesce(e.fn.agg<string[]>('array_agg', ['s.skill_id']), e.val<string[]>([])).as('ids'))
        .whereRef('s.skill_group_id', '=', 'g.id')
        .as('skill_ids'),
    )
    .where('g.business_unit_id', '=', businessUnitId);
}

/** listSkillGroups returns a business unit's skill groups, oldest first. */
export async function listSkillGroups(db: Db, businessUnitId: string): Promise<SkillGroupView[]> {
  const rows = await groupsWithSkills(db, businessUnitId).orderBy('g.created_at').execute();
  return rows.map((r) => ({ ...r, skill_ids: r.skill_ids ?? [] }));
}

/** getSkillGroup loads a skill group only if it belongs to the business unit. */
export async function getSkillGroup(db: Db, businessUnitId: string, id: string): Promise<SkillGroupView | undefined> {
  const row = await groupsWithSkills(db, businessUnitId).where('g.id', '=', id).executeTakeFirst();
  return row && { ...row, skill_ids: row.skill_ids ?? [] };
}
