// Operations that send: templates, skills and their cadences, campaigns and the dialer's cadence events.
import type { z } from 'zod';
import {
  cadenceEventSchema,
  campaignActionParamsSchema,
  createCampaignSchema,
  createSkillSchema,
  createTemplateSchema,
  idParamSchema,
  previewTemplateSchema,
} from '../../schemas';
import { ApiOperation, jsonBody, linksById } from '../operation';
import {
  cadenceAnswerResponse,
  campaignActionResponse,
  campaignResponse,
  skillResponse,
  templatePreviewResponse,
  templateResponse,
} from '../sending-resources';
import { listOf } from '../resources';

const v1 = { security: 'apiKey' } as const;

// Each resource with POST (create), GET (list) and GET /:id reads the same way; only names and schemas differ.
function resourceOperations(
  resource: { path: string; tag: string; noun: string; operationNoun: string },
  schemas: { create: z.ZodType; answer: z.ZodType; createErrors: number[]; laterOperations?: string[] },
): ApiOperation[] {
  const getOne = `get${resource.operationNoun}`;
  return [
    {
      ...v1,
      operationId: `create${resource.operationNoun}`,
      method: 'post',
      path: resource.path,
      summary: `Create a ${resource.noun}`,
      tag: resource.tag,
      body: jsonBody(schemas.create),
      errors: schemas.createErrors,
      responses: {
        201: {
          description: 'Created.',
          schema: schemas.answer,
          links: linksById(getOne, ...(schemas.laterOperations ?? [])),
        },
      },
    },
    {
      ...v1,
      operationId: `list${resource.operationNoun}s`,
      method: 'get',
      path: resource.path,
      summary: `The business unit's ${resource.noun}s`,
      tag: resource.tag,
      responses: { 200: { description: 'The list.', schema: listOf(schemas.answer) } },
    },
    {
      ...v1,
      operationId: getOne,
      method: 'get',
      path: `${resource.path}/:id`,
      summary: `One ${resource.noun}`,
      tag: resource.tag,
      params: idParamSchema,
      errors: [404],
      responses: { 200: { description: `The ${resource.noun}.`, schema: schemas.answer } },
    },
  ];
}

/** campaignOperations are templates, skills, campaigns and cadence events. */
export const campaignOperations: ApiOperation[] = [
  ...resourceOperations(
    { path: '/v1/templates', tag: 'templates', noun: 'template', operationNoun: 'Template' },
    { create: createTemplateSchema, answer: templateResponse, createErrors: [] },
  ),
  {
    ...v1,
    operationId: 'previewTemplate',
    method: 'post',
    path: '/v1/templates/preview',
    summary: "Merge a body with sample fields and measure it (encoding, segments), naming the template's variables",
    description:
      '`absentAsName` merges a variable that `fields` does not mention as its own name (an editor before it has ' +
      'sample values); `literal` measures the body as text sent as written (an agent reply), braces and all.',
    tag: 'templates',
    body: jsonBody(previewTemplateSchema),
    errors: [422],
    responses: { 200: { description: 'The merged text.', schema: templatePreviewResponse } },
  },
  ...resourceOperations(
    { path: '/v1/skills', tag: 'skills', noun: 'skill', operationNoun: 'Skill' },
    { create: createSkillSchema, answer: skillResponse, createErrors: [404] },
  ),
  ...resourceOperations(
    { path: '/v1/campaigns', tag: 'campaigns', noun: 'campaign', operationNoun: 'Campaign' },
    {
      create: createCampaignSchema,
      answer: campaignResponse,
      createErrors: [404, 422],
      laterOperations: ['changeCampaign'],
    },
  ),
  {
    ...v1,
    operationId: 'changeCampaign',
    method: 'post',
    path: '/v1/campaigns/:id/:action',
    summary: 'Start, pause, resume or cancel a campaign',
    tag: 'campaigns',
    params: campaignActionParamsSchema,
    errors: [404, 409],
    responses: { 202: { description: 'Accepted; the workflow carries it out.', schema: campaignActionResponse } },
  },
  {
    ...v1,
    operationId: 'reportCadenceEvent',
    method: 'post',
    path: '/v1/cadence-events',
    summary: "The voice dialer reports a call outcome for a list's record; the skill's cadence may send an SMS",
    tag: 'cadences',
    body: jsonBody(cadenceEventSchema),
    errors: [404],
    responses: { 202: { description: 'An SMS on its way, or none and why.', schema: cadenceAnswerResponse } },
  },
];
