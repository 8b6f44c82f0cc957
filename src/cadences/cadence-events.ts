import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { sendCadenceStepWorkflow } from '../../workflows/send-cadence-step';
import { cadenceWorkflowId } from '../../workflows/definitions';
import type { Database } from '../db/schema';
import { CadenceEvent, planCadenceStep } from './cadence-step';

/** CadenceEventDeps are what answering a dialer's call outcome needs. */
export interface CadenceEventDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
}

/** CadenceAnswer is the 202 body of POST /cadence-events: an SMS on its way, or nothing and why. */
export type CadenceAnswer =
  | { action: 'none'; reason: string }
  | { action: 'sms'; to: string; senderId: string; workflowId: string; duplicate: boolean };

/**
 * handleCadenceEvent plans the cadence step for a call outcome and, when it sends, starts the workflow that sends it.
 * The workflow id is derived from the event, so a repeated event joins the first one instead of sending again.
 */
export async function handleCadenceEvent(deps: CadenceEventDeps, event: CadenceEvent): Promise<CadenceAnswer> {
  const plan = await planCadenceStep(deps.db, event);
  if (plan.action === 'none') return plan;
  const workflowId = cadenceWorkflowId(event);
  let duplicate = false;
  try {
    await deps.temporal.workflow.start<typeof sendCadenceStepWorkflow>('sendCadenceStepWorkflow', {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [event],
      // Only a run that failed may run again; a running or completed one means this event was already handled.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    duplicate = true;
  }
  return { action: 'sms', to: plan.message.to_phone, senderId: plan.message.sender_id!, workflowId, duplicate };
}
