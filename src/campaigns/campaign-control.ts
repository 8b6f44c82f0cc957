import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../config';
import type { CampaignWorkflowInput } from '../../workflows';
import {
  businessUnitIdKey,
  campaignControlSignal,
  campaignIdKey,
  campaignStatusKey,
  campaignWorkflowId,
} from '../../workflows/definitions';
import { getCampaign, transitionCampaign } from '../db/campaigns';
import type { Campaign, Database } from '../db/schema';
import { getSendersByIds } from '../db/senders';
import { log } from '../log';
import { allowedFrom, CampaignAction } from './campaign-status';

/** CampaignControlError is a refused action: 404 unknown campaign, 409 not allowed now. */
export class CampaignControlError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** CampaignControlDeps are what starting and steering a campaign needs. */
export interface CampaignControlDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  tuning: AppConfig['campaign'];
}

/**
 * applyCampaignAction performs start, pause, resume or cancel: the row moves first (only from an allowed status, so two
 * racing requests cannot both win), then the workflow is started or told.
 */
export async function applyCampaignAction(
  deps: CampaignControlDeps,
  businessUnitId: string,
  campaignId: string,
  action: CampaignAction,
): Promise<Campaign> {
  const campaign = await getCampaign(deps.db, businessUnitId, campaignId);
  if (!campaign) throw new CampaignControlError(404, `campaign ${campaignId} does not exist`);
  if (action === 'start') await checkSendersActive(deps.db, campaign);
  const to =
    action === 'start'
      ? isFuture(campaign.start_at)
        ? 'scheduled'
        : 'running'
      : action === 'pause'
        ? 'paused'
        : action === 'resume'
          ? 'running'
          : 'cancelled';
  const moved = await transitionCampaign(deps.db, campaign.id, allowedFrom(action), to);
  if (!moved)
    throw new CampaignControlError(409, `cannot ${action} campaign ${campaignId} while it is ${campaign.status}`);

  if (action === 'start') {
    try {
      await startCampaignWorkflow(deps, moved);
    } catch (error) {
      // Nothing was started: put the campaign back so the user can try again.
      await transitionCampaign(deps.db, campaign.id, [to], 'draft');
      throw error;
    }
  } else if (campaign.status !== 'draft') {
    await signalCampaign(deps.temporal, campaign.id, action as Exclude<CampaignAction, 'start'>);
  }
  const change = { previousStatus: campaign.status, status: moved.status };
  log.info({ campaignId: campaign.id, businessUnitId, action, ...change }, `campaign ${action}`);
  return moved;
}

async function checkSendersActive(db: Kysely<Database>, campaign: Campaign) {
  const senders = await getSendersByIds(db, campaign.business_unit_id, campaign.sender_ids);
  const inactive = senders.filter((s) => s.status !== 'active');
  if (inactive.length > 0 || senders.length !== campaign.sender_ids.length) {
    const names = inactive.map((s) => `${s.address} is ${s.status}`).join(', ') || 'a sender no longer exists';
    throw new CampaignControlError(409, `cannot start campaign ${campaign.id}: ${names}`);
  }
}

function isFuture(at: Date | null): boolean {
  return at !== null && new Date(at).getTime() > Date.now();
}

async function startCampaignWorkflow(deps: CampaignControlDeps, campaign: Campaign) {
  const input: CampaignWorkflowInput = {
    campaignId: campaign.id,
    startAt: campaign.start_at ? new Date(campaign.start_at).toISOString() : null,
    phase: 'walk',
    afterId: '0',
    attempted: 0,
    failed: 0,
    status: campaign.status,
    batchSize: deps.tuning.batchSize,
    batchSeconds: deps.tuning.batchSeconds,
    batchesPerRun: deps.tuning.batchesPerRun,
    failureThreshold: deps.tuning.failureThreshold,
  };
  await deps.temporal.workflow.start('sendCampaignWorkflow', {
    workflowId: campaignWorkflowId(campaign.id),
    taskQueue: deps.taskQueue,
    args: [input],
    typedSearchAttributes: [
      { key: campaignIdKey, value: campaign.id },
      { key: businessUnitIdKey, value: campaign.business_unit_id },
      { key: campaignStatusKey, value: campaign.status },
    ],
  });
}

async function signalCampaign(temporal: Client, campaignId: string, action: 'pause' | 'resume' | 'cancel') {
  try {
    await temporal.workflow.getHandle(campaignWorkflowId(campaignId)).signal(campaignControlSignal, { action });
  } catch (error) {
    // A finished workflow has nothing left to steer; the row already says what the user asked.
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
