import { getBusinessUnit } from '../db/business-units';
import { getCampaign, transitionCampaign } from '../db/campaigns';
import type { Campaign, CampaignStatus, Db } from '../db/schema';
import { getSendersByIds } from '../db/senders';
import { NotAllowedNow, NotFound } from '../domain-errors';
import { log } from '../log';
import { CampaignAction, userTransition } from './campaign-status';

/** CampaignWorkflows starts and steers campaign workflows (implemented by src/workflow-client/). */
export interface CampaignWorkflows {
  /**
   * start starts the campaign's workflow; its row already says scheduled or running. The business unit's name goes
   * into what the Temporal Web UI shows about the workflow.
   */
  start(campaign: Campaign, businessUnitName: string): Promise<void>;
  /** steer tells the campaign's workflow about a user's change; a finished workflow is left alone. */
  steer(
    campaignId: string,
    control: { action: Exclude<CampaignAction, 'start'>; status: CampaignStatus },
  ): Promise<void>;
}

/** CampaignControlDeps are what starting and steering a campaign needs. */
export interface CampaignControlDeps {
  db: Db;
  workflows: CampaignWorkflows;
}

/**
 * applyCampaignAction performs start, pause, resume or cancel: the row moves first (only from an allowed status, so two
 * racing requests cannot both win), then the workflow is started or told. NotFound for another unit's campaign,
 * NotAllowedNow for an action its status does not allow.
 */
export async function applyCampaignAction(
  deps: CampaignControlDeps,
  businessUnitId: string,
  campaignId: string,
  action: CampaignAction,
): Promise<Campaign> {
  const campaign = await getCampaign(deps.db, businessUnitId, campaignId);
  if (!campaign) throw new NotFound('campaign', campaignId);
  if (action === 'start') await checkSendersActive(deps.db, campaign);
  const { from, to } = userTransition(action, campaign.start_at);
  const moved = await transitionCampaign(deps.db, campaign.id, from, to);
  if (!moved) throw new NotAllowedNow(`cannot ${action} campaign ${campaignId} while it is ${campaign.status}`);

  if (action === 'start') {
    try {
      const unit = await getBusinessUnit(deps.db, businessUnitId);
      await deps.workflows.start(moved, unit?.name ?? businessUnitId);
    } catch (error) {
      // Nothing was started: put the campaign back so the user can try again.
      await transitionCampaign(deps.db, campaign.id, [to], 'draft');
      throw error;
    }
  } else if (campaign.status !== 'draft') {
    await deps.workflows.steer(campaign.id, { action, status: moved.status });
  }
  const change = { previousStatus: campaign.status, status: moved.status };
  log.info({ campaignId: campaign.id, businessUnitId, action, ...change }, `campaign ${action}`);
  return moved;
}

async function checkSendersActive(db: Db, campaign: Campaign) {
  const senders = await getSendersByIds(db, campaign.business_unit_id, campaign.sender_ids);
  const inactive = senders.filter((s) => s.status !== 'active');
  if (inactive.length > 0 || senders.length !== campaign.sender_ids.length) {
    const names = inactive.map((s) => `${s.address} is ${s.status}`).join(', ') || 'a sender no longer exists';
    throw new NotAllowedNow(`cannot start campaign ${campaign.id}: ${names}`);
  }
}
