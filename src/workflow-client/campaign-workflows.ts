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
import type { AppConfig } from '../config';

/** campaignWorkflows starts and steers campaign workflows (API.md's ids and search attributes). */
export function campaignWorkflows(
  temporal: Client,
  taskQueue: string,
  tuning: AppConfig['campaign'],
): CampaignWorkflows {
  return {
    async start(campaign) {
      await temporal.workflow.start<typeof sendCampaignWorkflow>('sendCampaignWorkflow', {
        workflowId: campaignWorkflowId(campaign.id),
        taskQueue,
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
