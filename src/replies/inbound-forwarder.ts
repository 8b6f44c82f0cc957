// Hands stored inbound messages to their contacts' conversation workflows, so the webhook never waits for Temporal.
import {
  claimInboundToForward,
  countInboundInHand,
  deferInboundForwarding,
  InboundToForward,
  markInboundForwarded,
} from '../db/inbound-messages';
import { log } from '../log';
import type { Db } from '../db/schema';
import type { ConversationWorkflows } from './conversation-workflows';
import { conversationKey, takeRound } from './forwarding-order';

/**
 * InboundForwarder runs in the background of an API process. Messages this process stored are forwarded at once, in
 * arrival order, except that in a backlog keywords (STOP, START, HELP) go first (see takeRound); a sweep forwards the
 * ones nobody holds any more (their process died, or their signal failed).
 */
export interface InboundForwarder {
  /** How long the receiving process holds a message it stored before the sweep may take it. */
  readonly leaseMs: number;
  /** forward takes a message this process just stored (and holds for leaseMs); false when it is left to the sweep. */
  forward(message: InboundToForward): boolean;
  /** stop forwards what is in hand and ends the loop. */
  stop(): Promise<void>;
}

/** ForwarderDeps are where the forwarder takes stored messages from and hands them to. */
export interface ForwarderDeps {
  db: Db;
  workflows: Pick<ConversationWorkflows, 'deliverInbound'>;
}

/** ForwarderOptions tune the loop; the defaults suit one API process. */
export interface ForwarderOptions {
  /** Messages signalled per round. */
  batchSize?: number;
  /** Conversations signalled at once; one contact's messages always go one after another, in arrival order. */
  concurrency?: number;
  /** How long a stored or swept message is held by its forwarder before any other may take it. */
  leaseMs?: number;
  /** How often the sweep looks for messages nobody holds. */
  pollMs?: number;
  /** How long a message whose signal failed waits before the sweep tries it again. */
  retryMs?: number;
  /**
   * Messages waiting in memory at most; past it the webhook still stores them and the sweep forwards them later.
   * Keywords may take it to twice this: the sweep only runs once the memory's backlog is gone, too late for a STOP.
   */
  maxPending?: number;
  /**
   * Forwarded messages not yet handled, at most: a burst waits in PostgreSQL rather than in Temporal's task queue,
   * whose dispatch slows down badly once its backlog outgrows the server's caches.
   */
  maxInHand?: number;
  /** How long a forwarded message counts as in hand; one still unhandled after it (a failing workflow) stops counting. */
  inHandWindowMs?: number;
  /** How often a forwarder with no room in hand looks again. */
  throttledPollMs?: number;
}

// Small rounds and a small hand: Temporal gets a steady trickle at the workers' pace rather than bursts. A burst of
// signals (hundreds at the start of a reply storm) woke every worker at once and took the CPU the webhook answers
// with; a hundred in hand still keeps two workers busy.
export const FORWARDER_DEFAULTS: Required<ForwarderOptions> = {
  batchSize: 50,
  concurrency: 8,
  leaseMs: 10_000,
  pollMs: 1000,
  retryMs: 2000,
  maxPending: 20_000,
  maxInHand: 100,
  inHandWindowMs: 5 * 60_000,
  throttledPollMs: 100,
};

// Each contact's messages in arrival order; contacts are independent of each other.
function byConversation(messages: InboundToForward[]): InboundToForward[][] {
  const groups = new Map<string, InboundToForward[]>();
  for (const message of messages) {
    const group = groups.get(conversationKey(message)) ?? [];
    group.push(message);
    groups.set(conversationKey(message), group);
  }
  return [...groups.values()];
}

/**
 * signalInOrder signals-with-start each contact's conversation workflow, `concurrency` contacts at once. A contact
 * whose signal fails keeps that message and its later ones back: their order matters (STOP, then START).
 */
async function signalInOrder(
  deps: ForwarderDeps,
  messages: InboundToForward[],
  concurrency: number,
): Promise<{ forwarded: string[]; failed: InboundToForward[] }> {
  const forwarded: string[] = [];
  const failed: InboundToForward[] = [];
  const groups = byConversation(messages);
  const signalGroups = async () => {
    for (let group = groups.shift(); group; group = groups.shift()) {
      for (const [i, message] of group.entries()) {
        try {
          await deps.workflows.deliverInbound(message, message.messageSid);
          forwarded.push(message.messageSid);
        } catch (error) {
          log.warn({ messageSid: message.messageSid, err: String(error) }, 'inbound message not forwarded yet');
          failed.push(...group.slice(i));
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, signalGroups));
  return { forwarded, failed };
}

/** startInboundForwarder forwards stored inbound messages until stopped. */
export function startInboundForwarder(deps: ForwarderDeps, options: ForwarderOptions = {}): InboundForwarder {
  const settings = { ...FORWARDER_DEFAULTS, ...options };
  const pending: InboundToForward[] = [];
  // Contacts with a message waiting for a retry (until when): their newer messages wait behind it for the sweep, which
  // takes them in arrival order.
  const held = new Map<string, number>();
  const isHeld = (m: InboundToForward) => (held.get(conversationKey(m)) ?? 0) > Date.now();
  let stopped = false;
  let endRest: (() => void) | null = null;
  let wakeable = false;

  // A new message cuts an idle rest short, not a throttled one (no room in hand); stop cuts either.
  const rest = (ms: number, byNewMessage: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        endRest = null;
        resolve();
      }
      endRest = done;
      wakeable = byNewMessage;
    });

  // How many more messages Temporal may be given now.
  async function room(): Promise<number> {
    const inHand = await countInboundInHand(deps.db, settings.inHandWindowMs);
    return Math.max(0, Math.min(settings.batchSize, settings.maxInHand - inHand));
  }

  async function settle(messages: InboundToForward[], swept: boolean): Promise<boolean> {
    const { forwarded, failed } = await signalInOrder(deps, messages, settings.concurrency);
    if (swept) for (const message of messages) held.delete(conversationKey(message));
    const until = Date.now() + settings.retryMs + settings.leaseMs;
    for (const message of failed) held.set(conversationKey(message), until);
    await markInboundForwarded(deps.db, forwarded);
    await deferInboundForwarding(
      deps.db,
      failed.map((m) => m.messageSid),
      settings.retryMs,
    );
    return failed.length === 0;
  }

  // What is in hand first, keywords ahead; when a signal fails, what is in hand is left to the sweep (it is stored
  // and held only for the lease), so an unreachable Temporal is not tried once per message.
  async function forwardPending(limit: number): Promise<boolean> {
    const batch = takeRound(pending, limit).filter((m) => !isHeld(m));
    if (await settle(batch, false)) return true;
    pending.length = 0;
    return false;
  }

  // True when the sweep took all it asked for and more may be waiting.
  async function sweep(limit: number): Promise<boolean> {
    const claimed = await claimInboundToForward(deps.db, limit, settings.leaseMs);
    if (claimed.length === 0) return false;
    return (await settle(claimed, true)) && claimed.length === limit;
  }

  const loop = (async () => {
    let nextSweepAt = 0;
    while (!stopped || pending.length > 0) {
      try {
        if (pending.length === 0 && Date.now() < nextSweepAt) {
          if (stopped) break;
          await rest(nextSweepAt - Date.now(), true);
          continue;
        }
        const limit = await room();
        if (limit === 0) {
          // Temporal has enough: the messages wait (stored, and in memory) until the workers have caught up.
          if (stopped) break;
          await rest(settings.throttledPollMs, false);
        } else if (pending.length > 0) {
          if (!(await forwardPending(limit))) nextSweepAt = Date.now() + settings.pollMs;
        } else {
          nextSweepAt = (await sweep(limit)) ? 0 : Date.now() + settings.pollMs;
        }
      } catch (error) {
        // The database is away: the messages are safe where they are, and the sweep finds them once it is back.
        log.warn({ err: String(error) }, 'inbound forwarding failed; retrying');
        pending.length = 0;
        nextSweepAt = Date.now() + settings.pollMs;
      }
    }
  })();

  return {
    leaseMs: settings.leaseMs,
    forward(message) {
      if (stopped || pending.length >= settings.maxPending * (message.keyword ? 2 : 1)) return false;
      pending.push(message);
      if (wakeable) endRest?.();
      return true;
    },
    async stop() {
      stopped = true;
      endRest?.();
      await loop;
    },
  };
}
