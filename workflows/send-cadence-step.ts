import { proxyActivities } from '@temporalio/workflow';
import type { CadenceEvent, createCadenceActivities } from '../activities/cadence';

// ---- types ----

/** CadenceStepResult is what the step did: the message it sent and the carrier's answer, or why nothing was sent. */
export type CadenceStepResult =
  { action: 'sms'; messageId: string; state: string } | { action: 'none'; reason: string };

type CadenceActivities = ReturnType<typeof createCadenceActivities>;

const { prepareCadenceMessage } = proxyActivities<CadenceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
// A carrier outage is retried until it ends: the message keeps its Idempotency-Key, so it is accepted once.
const { sendCadenceMessage } = proxyActivities<CadenceActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// ---- workflow ----

/** sendCadenceStepWorkflow sends the SMS a call outcome triggers: the message is stored once, then sent once. */
export async function sendCadenceStepWorkflow(event: CadenceEvent): Promise<CadenceStepResult> {
  const prepared = await prepareCadenceMessage(event);
  if (prepared.action === 'none') return prepared;
  const state = await sendCadenceMessage({ messageId: prepared.messageId });
  return { action: 'sms', messageId: prepared.messageId, state };
}
