import { Router } from 'express';
import type { Kysely } from 'kysely';
import { campaignWorkflowId } from '../../../workflows/definitions';
import { applyCampaignAction, CampaignControlError } from '../../campaigns/campaign-control';
import { getCallingList } from '../../db/calling-lists';
import { campaignCounts, getCampaign, insertCampaign, listCampaigns } from '../../db/campaigns';
import { getDncGroup } from '../../db/dnc';
import type { Campaign, Database } from '../../db/schema';
import { getSendersByIds } from '../../db/senders';
import { getSkill } from '../../db/skills';
import { getTemplate } from '../../db/templates';
import { DirectionSetting, missingFields } from '../../templates';
import { businessUnitOf } from '../auth';
import type { ApiDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { campaignActionParamsSchema, createCampaignSchema, idParamSchema } from '../schemas';
import { parseInput } from '../validation';
import { checkedTemplate } from './templates';

async function presentCampaign(db: Kysely<Database>, campaign: Campaign) {
  return {
    id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    statusReason: campaign.status_reason,
    workflowId: campaignWorkflowId(campaign.id),
    listId: campaign.list_id,
    templateId: campaign.template_id,
    message: campaign.message_body,
    smartEncoding: campaign.smart_encoding,
    senderIds: campaign.sender_ids,
    skillId: campaign.skill_id,
    dncGroupId: campaign.dnc_group_id,
    startAt: campaign.start_at,
    quietHours: campaign.quiet_hours,
    counts: await campaignCounts(db, campaign),
    createdAt: campaign.created_at,
  };
}

/** campaignRoutes is POST/GET /campaigns, GET /campaigns/:id and POST /campaigns/:id/start|pause|resume|cancel. */
export function campaignRoutes({ db, temporal, config }: ApiDeps): Router {
  const router = Router();
  router.post('/campaigns', async (req, res) => {
    const input = parseInput(createCampaignSchema, req.body);
    const unitId = businessUnitOf(res).id;
    const list = await getCallingList(db, unitId, input.listId);
    if (!list) throw notFound('calling list', input.listId, 'listId');
    const template = input.templateId ? await getTemplate(db, unitId, input.templateId) : undefined;
    if (input.templateId && !template) throw notFound('template', input.templateId, 'templateId');
    const body = template?.body ?? input.message!;
    const direction = (input.direction ?? template?.direction ?? 'auto') as DirectionSetting;
    const smartEncoding = input.smartEncoding ?? template?.smart_encoding ?? false;
    const { parsed } = checkedTemplate(body, template ? 'templateId' : 'message', { smartEncoding, direction });
    const missing = missingFields(parsed, list.fields);
    if (missing.length > 0) {
      throw new ApiError(
        422,
        'unknown_variable',
        `${template ? 'templateId' : 'message'}: the list has no field for ${missing.map((m) => `{${m}}`).join(', ')} (fields: ${list.fields.join(', ')})`,
        { missing },
      );
    }
    const senders = await getSendersByIds(db, unitId, input.senderIds);
    const unknownSender = input.senderIds.find((id) => !senders.some((s) => s.id === id));
    if (unknownSender) throw notFound('sender', unknownSender, 'senderIds');
    if (input.skillId && !(await getSkill(db, unitId, input.skillId)))
      throw notFound('skill', input.skillId, 'skillId');
    if (input.dncGroupId && !(await getDncGroup(db, unitId, input.dncGroupId)))
      throw notFound('DNC group', input.dncGroupId, 'dncGroupId');

    const campaign = await insertCampaign(db, {
      business_unit_id: unitId,
      name: input.name,
      list_id: list.id,
      template_id: template?.id ?? null,
      message_body: template ? null : input.message!,
      direction,
      smart_encoding: smartEncoding,
      sender_ids: [...new Set(input.senderIds)],
      skill_id: input.skillId ?? null,
      dnc_group_id: input.dncGroupId ?? null,
      start_at: input.startAt ?? null,
      quiet_hours: input.quietHours ? JSON.stringify(input.quietHours) : null,
      status_reason: null,
    });
    res.status(201).json(await presentCampaign(db, campaign));
  });

  router.get('/campaigns', async (_req, res) => {
    const campaigns = await listCampaigns(db, businessUnitOf(res).id);
    res.json(await Promise.all(campaigns.map((c) => presentCampaign(db, c))));
  });

  router.get('/campaigns/:id', async (req, res) => {
    const { id } = parseInput(idParamSchema, req.params);
    const campaign = await getCampaign(db, businessUnitOf(res).id, id);
    if (!campaign) throw notFound('campaign', id);
    res.json(await presentCampaign(db, campaign));
  });

  router.post('/campaigns/:id/:action', async (req, res) => {
    const { id, action } = parseInput(campaignActionParamsSchema, req.params);
    try {
      const campaign = await applyCampaignAction(
        { db, temporal, taskQueue: config.taskQueue, tuning: config.campaign },
        businessUnitOf(res).id,
        id,
        action,
      );
      res.status(202).json({ id: campaign.id, status: campaign.status });
    } catch (error) {
      if (error instanceof CampaignControlError)
        throw new ApiError(error.status, error.status === 404 ? 'not_found' : 'conflict', error.message);
      throw error;
    }
  });
  return router;
}
