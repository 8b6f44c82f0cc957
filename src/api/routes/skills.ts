import { Router } from 'express';
import { getSkill, insertSkill, listSkills } from '../../db/skills';
import type { Skill } from '../../db/schema';
import { getSendersByIds } from '../../db/senders';
import { getTemplate } from '../../db/templates';
import type { Answer } from '../answer';
import { businessUnitOf } from '../auth';
import type { skillResponse } from '../openapi/sending-resources';
import type { ApiDeps } from '../deps';
import { notFound } from '../errors';
import { createSkillSchema, idParamSchema } from '../schemas';
import { parseInput } from '../validation';

function presentSkill(skill: Skill): Answer<typeof skillResponse> {
  return {
    id: skill.id,
    name: skill.name,
    kind: skill.kind,
    replyHandling: skill.reply_handling,
    cadence: skill.cadence,
    createdAt: skill.created_at,
  };
}

/** skillRoutes is POST/GET /skills and GET /skills/:id; cadence steps must name the unit's own templates and senders. */
export function skillRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.post('/skills', async (req, res) => {
    const input = parseInput(createSkillSchema, req.body);
    const unitId = businessUnitOf(res).id;
    for (const [i, step] of input.cadence.entries()) {
      if (!(await getTemplate(db, unitId, step.templateId)))
        throw notFound('template', step.templateId, `cadence.${i}.templateId`);
      const senders = await getSendersByIds(db, unitId, step.senderIds);
      const missing = step.senderIds.find((id) => !senders.some((s) => s.id === id));
      if (missing) throw notFound('sender', missing, `cadence.${i}.senderIds`);
    }
    const skill = await insertSkill(db, { businessUnitId: unitId, ...input });
    res.status(201).json(presentSkill(skill));
  });

  router.get('/skills', async (_req, res) => {
    res.json((await listSkills(db, businessUnitOf(res).id)).map(presentSkill));
  });

  router.get('/skills/:id', async (req, res) => {
    const { id } = parseInput(idParamSchema, req.params);
    const skill = await getSkill(db, businessUnitOf(res).id, id);
    if (!skill) throw notFound('skill', id);
    res.json(presentSkill(skill));
  });
  return router;
}
