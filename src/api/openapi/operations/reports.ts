// Operations that report: skill groups, the message and agent reports and a campaign's per-recipient export.
import { agentReportQuerySchema, createSkillGroupSchema, idParamSchema, messageReportQuerySchema } from '../../schemas';
import { ApiOperation, jsonBody, linksById } from '../operation';
import { agentReportResponse, messageReportResponse, skillGroupResponse } from '../report-resources';
import { listOf } from '../resources';

const v1 = { security: 'apiKey' } as const;
const CSV = { mediaType: 'text/csv', schema: { type: 'string' } };

/** reportOperations are skill groups, reports and exports. */
export const reportOperations: ApiOperation[] = [
  {
    ...v1,
    operationId: 'createSkillGroup',
    method: 'post',
    path: '/v1/skill-groups',
    summary: 'Group skills for reporting (a skill may be in several groups)',
    tag: 'reports',
    body: jsonBody(createSkillGroupSchema),
    errors: [404],
    responses: { 201: { description: 'Created.', schema: skillGroupResponse, links: linksById('getSkillGroup') } },
  },
  {
    ...v1,
    operationId: 'listSkillGroups',
    method: 'get',
    path: '/v1/skill-groups',
    summary: "The business unit's skill groups",
    tag: 'reports',
    responses: { 200: { description: 'The list.', schema: listOf(skillGroupResponse) } },
  },
  {
    ...v1,
    operationId: 'getSkillGroup',
    method: 'get',
    path: '/v1/skill-groups/:id',
    summary: 'One skill group',
    tag: 'reports',
    params: idParamSchema,
    errors: [404],
    responses: { 200: { description: 'The skill group.', schema: skillGroupResponse } },
  },
  {
    ...v1,
    operationId: 'reportMessages',
    method: 'get',
    path: '/v1/reports/messages',
    summary:
      'Messages sent, delivered, failed, skipped, opt-outs, replies and cost, per skill, group, campaign, sender, day or hour',
    description:
      "Days and hours are the business unit's (PATCH /v1/settings timeZone). A message counts in the quarter hour its " +
      'send was first answered by the carrier, so a receipt that arrives late or after midnight moves the figures ' +
      'of the day it was sent. A period covers at most 400 days, 31 per hour. `Accept: text/csv` answers the rows as ' +
      'CSV (RFC 4180).',
    tag: 'reports',
    query: messageReportQuerySchema,
    responses: { 200: { description: 'The figures.', schema: messageReportResponse, otherContent: CSV } },
  },
  {
    ...v1,
    operationId: 'reportAgents',
    method: 'get',
    path: '/v1/reports/agents',
    summary: 'Conversations offered, accepted and closed, times to accept and answer, handle time and service level',
    description:
      'Conversations count on the day they were opened. `Accept: text/csv` answers the rows as CSV (RFC 4180).',
    tag: 'reports',
    query: agentReportQuerySchema,
    responses: { 200: { description: 'The figures.', schema: agentReportResponse, otherContent: CSV } },
  },
  {
    ...v1,
    operationId: 'exportCampaignRecipients',
    method: 'get',
    path: '/v1/campaigns/:id/recipients',
    summary:
      "A campaign's recipients as streamed CSV: row, phone, the list's fields, state, error code, times, replies",
    tag: 'reports',
    params: idParamSchema,
    errors: [404],
    responses: { 200: { description: 'One CSV record (RFC 4180) per recipient.', otherContent: CSV } },
  },
];
