import { randomUUID } from 'node:crypto';
import type { CadenceEvent } from '../../activities/cadence';
import type { sendCadenceStepWorkflow } from '../../workflows';
import { useScriptedWorker } from '../support/workflow-worker';

// The cadence-step workflow on the real Temporal server, its activities scripted: what it does with each answer.

const worker = useScriptedWorker();

function cadenceEvent(): CadenceEvent {
  return { businessUnitId: 'bu-1', skillId: 'skill-1', listId: randomUUID(), row: 7, outcome: 'no_answer' };
}

async function runStep(event: CadenceEvent) {
  const workflowId = `cadence-${event.listId}`;
  return worker.client.workflow.execute<typeof sendCadenceStepWorkflow>('sendCadenceStepWorkflow', {
    workflowId,
    taskQueue: worker.taskQueue,
    args: [event],
  });
}

describe('a call outcome with a message in its cadence', () => {
  test('stores the message, sends it, and answers with the carrier state', async () => {
    const event = cadenceEvent();
    const prepareCadenceMessage = jest.fn(async () => ({ action: 'sms' as const, messageId: 'message-1' }));
    const sendCadenceMessage = jest.fn(async () => 'sent');
    worker.script(`cadence-${event.listId}`, { prepareCadenceMessage, sendCadenceMessage });

    await expect(runStep(event)).resolves.toEqual({ action: 'sms', messageId: 'message-1', state: 'sent' });
    expect(prepareCadenceMessage).toHaveBeenCalledWith(event);
    expect(sendCadenceMessage).toHaveBeenCalledWith({ messageId: 'message-1' });
  });
});

describe('a call outcome with nothing to send', () => {
  test('ends with the reason and sends nothing', async () => {
    const event = cadenceEvent();
    const sendCadenceMessage = jest.fn(async () => 'sent');
    worker.script(`cadence-${event.listId}`, {
      prepareCadenceMessage: async () => ({ action: 'none', reason: 'the record has no mobile number' }),
      sendCadenceMessage,
    });

    await expect(runStep(event)).resolves.toEqual({ action: 'none', reason: 'the record has no mobile number' });
    expect(sendCadenceMessage).not.toHaveBeenCalled();
  });
});
