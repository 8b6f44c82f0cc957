import { randomUUID } from 'node:crypto';
import { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, SignalDefinition } from '@temporalio/common';
import type { InboundReplyResult } from '../../src/replies/apply-inbound-reply';
import type { ConversationWorkflowInput, handleConversationWorkflow } from '../../workflows';
import {
  agentReplySignal,
  conversationClosedSignal,
  ConversationState,
  conversationStateQuery,
  inboundReplySignal,
} from '../../workflows/definitions';
import { ActivityScript, continuedAsNew, deferred, inOrder, untilQueried } from '../../scripts/lib/scripted-worker';
import { useScriptedWorker } from '../support/workflow-worker';

// The conversation workflow on the real Temporal server with scripted activities: one contact's replies, agents'
// answers and closings, handled one at a time in arrival order.

const worker = useScriptedWorker();

/** applied is what applying a reply answers: by default it joined no conversation and needs no confirmation. */
function applied(result: Partial<InboundReplyResult> = {}): InboundReplyResult {
  return { outcome: 'unowned', conversationId: null, confirmationMessageId: null, ...result };
}

function conversationInput(overrides: Partial<ConversationWorkflowInput> = {}): ConversationWorkflowInput {
  return { businessUnitId: 'bu-1', contact: `+1212555${randomUUID().slice(0, 4)}`, idleMs: 60_000, ...overrides };
}

/** converse signals-with-start a contact's workflow with its first event, as the API's forwarder does. */
async function converse<Payload>(
  activities: ActivityScript,
  first: { signal: SignalDefinition<[Payload]>; payload: Payload },
  overrides: Partial<ConversationWorkflowInput> = {},
) {
  const input = conversationInput(overrides);
  const workflowId = `conversation-${input.businessUnitId}-${input.contact}-${randomUUID()}`;
  worker.script(workflowId, activities);
  const handle = await worker.client.workflow.signalWithStart<typeof handleConversationWorkflow, [Payload]>(
    'handleConversationWorkflow',
    { workflowId, taskQueue: worker.taskQueue, args: [input], signal: first.signal, signalArgs: [first.payload] },
  );
  return { handle, input };
}

function inbound(messageSid: string) {
  return { signal: inboundReplySignal, payload: { messageSid } };
}

function stateOf(handle: WorkflowHandle, check: (state: ConversationState) => boolean) {
  return untilQueried(handle, conversationStateQuery, check);
}

describe('an inbound reply', () => {
  test('is applied, and the workflow ends once nothing is left to do', async () => {
    const applyInboundReply = jest.fn(inOrder(applied()));
    const { handle } = await converse({ applyInboundReply }, inbound('SM-1'));

    await expect(handle.result()).resolves.toBeUndefined();
    expect(applyInboundReply.mock.calls).toEqual([[{ messageSid: 'SM-1' }]]);
  });

  test("a keyword's confirmation is sent after the reply is applied", async () => {
    const applyInboundReply = jest.fn(inOrder(applied({ outcome: 'opted_out', confirmationMessageId: 'm-confirm' })));
    const sendConfirmation = jest.fn(async () => 'sent');
    const { handle } = await converse({ applyInboundReply, sendConfirmation }, inbound('SM-stop'));

    await expect(handle.result()).resolves.toBeUndefined();
    expect(sendConfirmation.mock.calls).toEqual([[{ messageId: 'm-confirm' }]]);
    expect(applyInboundReply.mock.invocationCallOrder[0]).toBeLessThan(sendConfirmation.mock.invocationCallOrder[0]);
  });
});

describe("an agent's reply", () => {
  test('is sent, and the conversation it opened closes itself after idleMs without a message', async () => {
    const sendAgentReply = jest.fn(async () => 'sent');
    let closedAt = 0;
    const closeIdleConversation = jest.fn(async () => {
      closedAt = Date.now();
      return true;
    });
    const { handle, input } = await converse(
      { sendAgentReply, closeIdleConversation },
      { signal: agentReplySignal, payload: { conversationId: 'c-1', messageId: 'm-agent' } },
      { idleMs: 300 },
    );

    const open = await stateOf(handle, (s) => s.openConversationId === 'c-1' && s.sending === 0);
    await expect(handle.result()).resolves.toBeUndefined();

    expect(sendAgentReply.mock.calls).toEqual([[{ messageId: 'm-agent' }]]);
    expect(closeIdleConversation.mock.calls).toEqual([
      [{ businessUnitId: input.businessUnitId, conversationId: 'c-1' }],
    ]);
    expect(closedAt - open.lastMessageAt!).toBeGreaterThanOrEqual(300);
  });
});

describe('an agent closing the conversation', () => {
  test('ends the workflow without an idle close; a closing of another conversation changes nothing', async () => {
    const closeIdleConversation = jest.fn(async () => true);
    const { handle } = await converse(
      { sendAgentReply: async () => 'sent', closeIdleConversation },
      { signal: agentReplySignal, payload: { conversationId: 'c-1', messageId: 'm-agent' } },
    );
    await stateOf(handle, (s) => s.openConversationId === 'c-1' && s.sending === 0);

    await handle.signal(conversationClosedSignal, { conversationId: 'c-older' });
    await expect(stateOf(handle, (s) => s.handled === 2)).resolves.toMatchObject({ openConversationId: 'c-1' });
    await handle.signal(conversationClosedSignal, { conversationId: 'c-1' });

    await expect(handle.result()).resolves.toBeUndefined();
    expect(closeIdleConversation).not.toHaveBeenCalled();
  });
});

describe('a send that fails', () => {
  test('does not hold up the next STOP, and the sends after it still go out', async () => {
    const applyInboundReply = jest.fn(
      inOrder(
        applied({ outcome: 'help', confirmationMessageId: 'm-help' }),
        applied({ outcome: 'opted_out', confirmationMessageId: 'm-stop' }),
      ),
    );
    const helpSending = deferred();
    const carrierRefuses = deferred();
    const sendConfirmation = jest.fn(
      inOrder<{ messageId: string }, string>(async () => {
        helpSending.resolve();
        await carrierRefuses.promise;
        throw ApplicationFailure.nonRetryable('the carrier refused the message', 'CarrierRefused');
      }, 'sent'),
    );
    const { handle } = await converse({ applyInboundReply, sendConfirmation }, inbound('SM-help'));

    await helpSending.promise;
    await handle.signal(inboundReplySignal, { messageSid: 'SM-stop' });
    // The STOP is applied while the HELP's confirmation is still being sent.
    await expect(stateOf(handle, (s) => s.handled === 2)).resolves.toMatchObject({ sending: 2 });
    expect(applyInboundReply.mock.calls).toEqual([[{ messageSid: 'SM-help' }], [{ messageSid: 'SM-stop' }]]);
    carrierRefuses.resolve();

    await expect(handle.result()).resolves.toBeUndefined();
    expect(sendConfirmation.mock.calls).toEqual([[{ messageId: 'm-help' }], [{ messageId: 'm-stop' }]]);
  });
});

describe('continue-as-new', () => {
  test('after eventsPerRun events the next run gets the events not yet handled and the open conversation', async () => {
    const firstApplying = deferred();
    const moreArrived = deferred();
    const applyInboundReply = jest.fn(async ({ messageSid }: { messageSid: string }) => {
      if (messageSid === 'SM-1') {
        firstApplying.resolve();
        await moreArrived.promise;
      }
      return applied({ outcome: 'routed', conversationId: 'c-1' });
    });
    const sendAgentReply = jest.fn(async () => 'sent');
    const closeIdleConversation = jest.fn(async () => true);
    const { handle, input } = await converse(
      { applyInboundReply, sendAgentReply, closeIdleConversation },
      inbound('SM-1'),
      { eventsPerRun: 2, idleMs: 300 },
    );

    // Three more events arrive while the first is being applied; the run ends after the second.
    await firstApplying.promise;
    await handle.signal(inboundReplySignal, { messageSid: 'SM-2' });
    await handle.signal(inboundReplySignal, { messageSid: 'SM-3' });
    await handle.signal(agentReplySignal, { conversationId: 'c-1', messageId: 'm-agent' });
    moreArrived.resolve();

    const { input: carried } = await continuedAsNew<ConversationWorkflowInput>(
      worker.client,
      handle.workflowId,
      handle.signaledRunId,
    );
    expect(carried).toEqual({
      ...input,
      openConversationId: 'c-1',
      lastMessageAt: expect.any(Number),
      pending: [
        { type: 'inbound', messageSid: 'SM-3' },
        { type: 'agentReply', conversationId: 'c-1', messageId: 'm-agent' },
      ],
    });
    await expect(handle.result()).resolves.toBeUndefined();

    // A local activity runs again when its workflow task is retried (the server refuses to end a run while signals
    // wait, as here); applying a reply is idempotent, so only the order of the distinct replies matters.
    const appliedSids = applyInboundReply.mock.calls.map(([reply]) => reply.messageSid);
    expect([...new Set(appliedSids)]).toEqual(['SM-1', 'SM-2', 'SM-3']);
    expect(sendAgentReply.mock.calls).toEqual([[{ messageId: 'm-agent' }]]);
    expect(closeIdleConversation).toHaveBeenCalledTimes(1);
  });
});
