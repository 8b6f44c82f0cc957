import { Router } from 'express';
import { insertSkillGroup, getSkillGroup, listSkillGroups, SkillGroupView } from '../../db/skill-groups';
import { listSkills } from '../../db/skills';
import type { Answer } from '../answer';
import { businessUnitOf } from '../auth';
import type { ApiDeps } from '../deps';
import { notFound } from '../errors';
import type { skillGroupResponse } from '../openapi/report-resources';
import { createSkillGroupSchema, idParamSchema } from '../schemas';
import { parseInput } from '../validation';

function presentSkillGroup(group: SkillGroupView): Answer<typeof skillGroupResponse> {
  return { id: group.id, name: group.name, skillIds: group.skill_ids, createdAt: group.created_at };
}

/** skillGroupRoutes is POST/GET /skill-groups and GET /skill-groups/:id; a group names only the unit's own skills. */
export function skillGroupRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.post('/skill-groups', async (req, res) => {
    const input = parseInput(createSkillGroupSchema, req.body);
    const unitId = businessUnitOf(res).id;
    const own = new Set((await listSkills(db, unitId)).map((s) => s.id));
    const missing = input.skillIds.findIndex((id) => !own.has(id));
    if (missing >= 0) throw notFound('skill', input.skillIds[missing], `skillIds.${missing}`);
    const group = await insertSkillGroup(db, { businessUnitId: unitId, ...input });
    res.status(201).json(presentSkillGroup(group));
  });

  router.get('/skill-groups', async (_req, res) => {
    res.json((await listSkillGroups(db, businessUnitOf(res).id)).map(presentSkillGroup));
  });

  router.get('/skill-groups/:id', async (req, res) => {
    const { id } = parseInput(idParamSchema, req.params);
    const group = await getSkillGroup(db, businessUnitOf(res).id, id);
    if (!group) throw notFound('skill group', id);
    res.json(presentSkillGroup(group));
  });
  return router;
}
