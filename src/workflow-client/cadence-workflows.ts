import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { sendCadenceStepWorkflow } from '../../workflows';
import { cadenceWorkflowId } from '../../workflows/definitions';
import type { CadenceWorkflows } from '../cadences/cadence-events';

/** cadenceWorkflows starts the workflow that sends a cadence step, once per event. */
export function cadenceWorkflows(temporal: Client, taskQueue: string): CadenceWorkflows {
  return {
    async startStep(event) {
      const workflowId = cadenceWorkflowId(event);
      try {
        await temporal.workflow.start<typeof sendCadenceStepWorkflow>('sendCadenceStepWorkflow', {
          workflowId,
          taskQueue,
          args: [event],
          // Only a run that failed may run again; a running or completed one means this event was already handled.
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        });
        return { workflowId, duplicate: false };
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        return { workflowId, duplicate: true };
      }
    },
  };
}
