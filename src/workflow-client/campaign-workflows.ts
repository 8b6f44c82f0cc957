import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { sendCampaignWorkflow } from '../../workflows';
import {
  businessUnitIdKey,
  campaignControlSignal,
  campaignIdKey,
  campaignStatusKey,
  campaignWorkflowId,
} from '../../workflows/definitions';
import type { CampaignWorkflows } from '../campaigns/campaign-control';
import type { Campaign } from '../db/schema';
import type { AppConfig } from '../config';

/**
 * campaignWorkflowSummary is what the Temporal Web UI shows for a campaign's workflow: its name and business unit as
 * the one-line summary, and what it sends as the details (its live counts are the workflow's current details).
 */
export function campaignWorkflowSummary(
  campaign: Campaign,
  businessUnitName: string,
): { staticSummary: string; staticDetails: string } {
  const content = campaign.template_id ? `template ${campaign.template_id}` : 'a one-off message';
  const details = [
    `**Campaign** ${campaign.name} (${campaign.id})`,
    `**Business unit** ${businessUnitName} (${campaign.business_unit_id})`,
    `**Sends** ${content} to calling list ${campaign.list_id} from ${campaign.sender_ids.length} sender(s)`,
    campaign.start_at ? `**Starts at** ${new Date(campaign.start_at).toISOString()}` : null,
    campaign.quiet_hours
      ? `**Sends between** ${campaign.quiet_hours.start} and ${campaign.quiet_hours.end}, the recipient's local time`
      : null,
    campaign.skill_id ? `**Replies** to skill ${campaign.skill_id}` : null,
  ];
  return {
    staticSummary: `${campaign.name} · ${businessUnitName}`,
    staticDetails: details.filter((line) => line !== null).join('\n\n'),
  };
}

/** campaignWorkflows starts and steers campaign workflows (API.md's ids and search attributes). */
export function campaignWorkflows(
  temporal: Client,
  taskQueue: string,
  tuning: AppConfig['campaign'],
): CampaignWorkflows {
  return {
    async start(campaign, businessUnitName) {
      await temporal.workflow.start<typeof sendCampaignWorkflow>('sendCampaignWorkflow', {
        workflowId: campaignWorkflowId(campaign.id),
        taskQueue,
        ...campaignWorkflowSummary(campaign, businessUnitName),
        args: [
          {
            campaignId: campaign.id,
            startAt: campaign.start_at ? new Date(campaign.start_at).toISOString() : null,
            phase: 'walk',
            afterId: '0',
            attempted: 0,
            failed: 0,
            status: campaign.status,
            batchSize: tuning.batchSize,
            batchSeconds: tuning.batchSeconds,
            batchesPerRun: tuning.batchesPerRun,
            failureThreshold: tuning.failureThreshold,
          },
        ],
        typedSearchAttributes: [
          { key: campaignIdKey, value: campaign.id },
          { key: businessUnitIdKey, value: campaign.business_unit_id },
          { key: campaignStatusKey, value: campaign.status },
        ],
      });
    },

    async steer(campaignId, control) {
      try {
        await temporal.workflow.getHandle(campaignWorkflowId(campaignId)).signal(campaignControlSignal, control);
      } catch (error) {
        // A finished workflow has nothing left to steer; the row already says what the user asked.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    },
  };
}
