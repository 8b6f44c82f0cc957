import {
  condition,
  continueAsNew,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createReplyActivities } from '../activities/replies';
import {
  agentReplySignal,
  ConversationEvent,
  conversationClosedSignal,
  conversationStateQuery,
  inboundReplySignal,
} from './definitions';

// ---- types ----

/** ConversationWorkflowInput is everything that must survive continueAsNew. */
export interface ConversationWorkflowInput {
  businessUnitId: string;
  contact: string;
  /** How long an open conversation may go without a message either way before it closes itself. */
  idleMs: number;
  openConversationId?: string | null;
  /** Workflow time (epoch ms) of the last message, so the idle timer keeps its deadline across runs. */
  lastMessageAt?: number | null;
  /** Events received but not handled yet when the previous run continued as new. */
  pending?: ConversationEvent[];
  /** Events handled per run before continuing as new, which keeps every run's history short. */
  eventsPerRun?: number;
}

type Activities = ReturnType<typeof createReplyActivities>;

// Applying a reply is quick, idempotent database work: a local activity runs it inside the workflow task, which saves
// the server a round of task dispatch per reply (the inbound load is many short workflows). Retry soon: a STOP must
// take effect at once.
const { applyInboundReply, closeIdleConversation } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});
// Sends wait for the sender's slot and ride out carrier outages; a day later the answer is no longer worth sending.
const { sendConfirmation, sendAgentReply } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// ---- workflow ----

/**
 * handleConversationWorkflow handles one contact's replies to one business unit, one event at a time in arrival
 * order: keywords change DNC, messages reach agents, agents' replies go out, and an idle conversation closes itself.
 */
export async function handleConversationWorkflow(input: ConversationWorkflowInput): Promise<void> {
  const queue: ConversationEvent[] = [...(input.pending ?? [])];
  let openConversationId = input.openConversationId ?? null;
  let lastMessageAt = input.lastMessageAt ?? null;
  let handled = 0;
  let sending = 0;
  let outbound: Promise<void> = Promise.resolve();
  const eventsPerRun = input.eventsPerRun ?? 200;

  setHandler(inboundReplySignal, ({ messageSid }) => void queue.push({ type: 'inbound', messageSid }));
  setHandler(agentReplySignal, (reply) => void queue.push({ type: 'agentReply', ...reply }));
  setHandler(conversationClosedSignal, (closed) => void queue.push({ type: 'closed', ...closed }));
  setHandler(conversationStateQuery, () => ({
    openConversationId,
    lastMessageAt,
    pending: queue.length,
    handled,
    sending,
  }));

  // Sends go out one after another in the order they were asked for, beside reply handling: a carrier outage delays
  // the answers but never the next STOP.
  function send(what: string, work: () => Promise<string>) {
    sending += 1;
    outbound = outbound
      .then(work)
      .then(
        () => undefined,
        (error: unknown) => log.warn(`${what} could not be sent`, { error: String(error) }),
      )
      .finally(() => void (sending -= 1));
  }

  function touch(conversationId: string) {
    openConversationId = conversationId;
    lastMessageAt = Date.now();
  }

  async function handle(event: ConversationEvent) {
    switch (event.type) {
      case 'inbound': {
        const result = await applyInboundReply({ messageSid: event.messageSid });
        if (result.conversationId) touch(result.conversationId);
        const confirmationId = result.confirmationMessageId;
        if (confirmationId)
          send(`confirmation ${confirmationId}`, () => sendConfirmation({ messageId: confirmationId }));
        break;
      }
      case 'agentReply':
        touch(event.conversationId);
        send(`agent reply ${event.messageId}`, () => sendAgentReply({ messageId: event.messageId }));
        break;
      case 'closed':
        if (openConversationId === event.conversationId) openConversationId = null;
        break;
    }
  }

  // The next event, 'idle' when the open conversation's timer ran out first, 'done' when nothing is left to do.
  async function nextEvent(): Promise<ConversationEvent | 'idle' | 'done'> {
    for (;;) {
      if (queue.length > 0) return queue.shift()!;
      if (openConversationId !== null) {
        const idleLeft = (lastMessageAt ?? Date.now()) + input.idleMs - Date.now();
        if (idleLeft <= 0 || !(await condition(() => queue.length > 0, idleLeft))) return 'idle';
      } else {
        await condition(() => queue.length > 0 || sending === 0);
        if (queue.length === 0) return 'done';
      }
    }
  }

  for (;;) {
    const event = await nextEvent();
    if (event === 'done') return;
    if (event === 'idle') {
      await closeIdleConversation({ businessUnitId: input.businessUnitId, conversationId: openConversationId! });
      openConversationId = null;
      continue;
    }
    await handle(event);
    handled += 1;
    // Only between sends: a send in flight belongs to this run and would be lost by continuing as new.
    if ((handled >= eventsPerRun || workflowInfo().continueAsNewSuggested) && sending === 0) {
      await continueAsNew<typeof handleConversationWorkflow>({
        ...input,
        openConversationId,
        lastMessageAt,
        pending: queue,
      });
    }
  }
}
