import type { Db } from '../db/schema';
import { CadenceEvent, planCadenceStep } from './cadence-step';

/** CadenceWorkflows starts the workflow that sends one cadence step (implemented by src/workflow-client/). */
export interface CadenceWorkflows {
  /** startStep starts the step's workflow; duplicate when this event already has one (it is not sent again). */
  startStep(event: CadenceEvent): Promise<{ workflowId: string; duplicate: boolean }>;
}

/** CadenceEventDeps are what answering a dialer's call outcome needs. */
export interface CadenceEventDeps {
  db: Db;
  workflows: CadenceWorkflows;
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
  const { workflowId, duplicate } = await deps.workflows.startStep(event);
  return { action: 'sms', to: plan.message.to_phone, senderId: plan.message.sender_id!, workflowId, duplicate };
}
