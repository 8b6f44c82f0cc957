import { Router } from 'express';
import { getTemplate, insertTemplate, listTemplates } from '../../db/templates';
import type { Template } from '../../db/schema';
import { checkedTemplate, previewTemplate } from '../../templates';
import type { Answer } from '../answer';
import { businessUnitOf } from '../auth';
import type { templatePreviewResponse, templateResponse } from '../openapi/sending-resources';
import type { ApiDeps } from '../deps';
import { notFound } from '../errors';
import { createTemplateSchema, idParamSchema, previewTemplateSchema } from '../schemas';
import { parseInput } from '../validation';

function presentTemplate(template: Template): Answer<typeof templateResponse> {
  return {
    id: template.id,
    name: template.name,
    body: template.body,
    direction: template.direction,
    smartEncoding: template.smart_encoding,
    variables: template.variables,
    encoding: template.encoding,
    segments: template.segments,
    createdAt: template.created_at,
  };
}

/** templateRoutes is POST/GET /templates, GET /templates/:id and POST /templates/preview. */
export function templateRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.post('/templates', async (req, res) => {
    const input = parseInput(createTemplateSchema, req.body);
    const { parsed, encoding, segments } = checkedTemplate(input.body, 'body', input);
    const template = await insertTemplate(db, {
      business_unit_id: businessUnitOf(res).id,
      name: input.name,
      body: input.body,
      direction: input.direction,
      variables: parsed.variables,
      encoding,
      segments,
      smart_encoding: input.smartEncoding,
    });
    res.status(201).json(presentTemplate(template));
  });

  router.get('/templates', async (_req, res) => {
    res.json((await listTemplates(db, businessUnitOf(res).id)).map(presentTemplate));
  });

  router.get('/templates/:id', async (req, res) => {
    const { id } = parseInput(idParamSchema, req.params);
    const template = await getTemplate(db, businessUnitOf(res).id, id);
    if (!template) throw notFound('template', id);
    res.json(presentTemplate(template));
  });

  router.post('/templates/preview', (req, res) => {
    const preview: Answer<typeof templatePreviewResponse> = previewTemplate(
      parseInput(previewTemplateSchema, req.body),
    );
    res.json(preview);
  });
  return router;
}
