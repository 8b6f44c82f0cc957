import { Router } from 'express';
import { campaignWorkflowId } from '../../workflow-client';
import { applyCampaignAction } from '../../campaigns/campaign-control';
import { campaignCounts, getCampaign, listCampaigns } from '../../db/campaigns';
import { createCampaign } from '../../campaigns/create-campaign';
import type { Campaign, Db } from '../../db/schema';
import type { Answer } from '../answer';
import { businessUnitOf } from '../auth';
import type { campaignActionResponse, campaignResponse } from '../openapi/sending-resources';
import type { ApiDeps } from '../deps';
import { notFound } from '../errors';
import { campaignActionParamsSchema, createCampaignSchema, idParamSchema } from '../schemas';
import { parseInput } from '../validation';

async function presentCampaign(db: Db, campaign: Campaign): Promise<Answer<typeof campaignResponse>> {
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
    validFor: campaign.valid_for_seconds,
    expiresAt: campaign.expires_at,
    startedAt: campaign.started_at,
    counts: await campaignCounts(db, campaign),
    createdAt: campaign.created_at,
  };
}

/** campaignRoutes is POST/GET /campaigns, GET /campaigns/:id and POST /campaigns/:id/start|pause|resume|cancel. */
export function campaignRoutes({ db, workflows }: ApiDeps): Router {
  const router = Router();
  router.post('/campaigns', async (req, res) => {
    const input = parseInput(createCampaignSchema, req.body);
    const campaign = await createCampaign(db, businessUnitOf(res).id, input);
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
    const control = { db, workflows: workflows.campaigns };
    const campaign = await applyCampaignAction(control, businessUnitOf(res).id, id, action);
    const answer: Answer<typeof campaignActionResponse> = { id: campaign.id, status: campaign.status };
    res.status(202).json(answer);
  });
  return router;
}
