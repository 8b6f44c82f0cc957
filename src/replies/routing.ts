import { agentsWithoutHeartbeat, setAgentState, skillsOfAgent } from '../db/agents';
import {
  acceptOffer,
  assignByName,
  freeSlotOf,
  lapseExpiredOffers,
  type Offer,
  requeueOffersOf,
  skillsWithQueue,
  transferToAgent,
  transferToSkill,
} from '../db/routing';
import type { AgentState, Conversation, Db } from '../db/schema';
import { findConversation } from '../db/conversations';
import { offerQueued } from '../db/offer-queued';
import { log } from '../log';
import { publishAgentEvent, publishAgentEvents } from './agent-events';
import { conversationAllowedFrom } from './conversation-status';
import { oneRoundAtATime } from './one-round-at-a-time';
import { PeriodicPass, startPeriodicPass } from '../periodic-pass';

// The ACD's one owner: every path that queues, offers, accepts, frees or moves a conversation, or changes an agent's
// state, comes through here, so the next queued conversation is offered at once wherever the slot was freed.

/** MAX_OFFERS_PER_PASS bounds one routing pass per skill; the sweeper picks up anything left. */
const MAX_OFFERS_PER_PASS = 500;
/** OFFER_BATCH is how many queued conversations one transaction offers at most. */
const OFFER_BATCH = 50;

async function announce(db: Db, offers: Offer[]): Promise<void> {
  for (const offer of offers) log.info(offer, 'conversation offered');
  await publishAgentEvents(
    db,
    offers.map((offer) => ({ agentId: offer.agentId, type: 'offer', conversationId: offer.conversationId })),
  );
}

/**
 * conversationMoved tells an agent's open inboxes (every tab) that one of its conversations changed hands or status:
 * accepted, closed, transferred or taken over.
 */
export async function conversationMoved(
  db: Db,
  agentId: string,
  conversation: Pick<Conversation, 'id' | 'status'>,
): Promise<void> {
  await publishAgentEvent(db, {
    agentId,
    type: 'conversation',
    conversationId: conversation.id,
    status: conversation.status,
  });
}

async function offerWhileFree(db: Db, skillId: string): Promise<Offer[]> {
  const offers: Offer[] = [];
  while (offers.length < MAX_OFFERS_PER_PASS) {
    const batch = await offerQueued(db, skillId, OFFER_BATCH);
    offers.push(...batch);
    await announce(db, batch);
    // A batch not filled found the queue or the free agents at an end: the pass stops there, so a caller waiting for
    // the next pass (a close, an arrival) waits for one short pass, not for a queue that keeps filling.
    if (batch.length < OFFER_BATCH) break;
  }
  return offers;
}

const passesByDb = new WeakMap<Db, (skillId: string) => Promise<Offer[]>>();

/**
 * routeSkills offers each skill's queued conversations to its free agents until one or the other runs out: by one
 * pass per skill at a time in this process (oneRoundAtATime), which every caller waits for.
 */
export async function routeSkills(db: Db, skillIds: Iterable<string>): Promise<Offer[]> {
  let passes = passesByDb.get(db);
  if (!passes) {
    passes = oneRoundAtATime((skillId) => offerWhileFree(db, skillId));
    passesByDb.set(db, passes);
  }
  const offers: Offer[] = [];
  for (const skillId of new Set(skillIds)) offers.push(...(await passes(skillId)));
  return offers;
}

/**
 * conversationReceived follows a contact's message into the ACD: a queued conversation is offered (when an agent is
 * free), and the agent holding it is told a message arrived.
 */
export async function conversationReceived(db: Db, businessUnitId: string, conversationId: string): Promise<void> {
  const conversation = await findConversation(db, businessUnitId, conversationId);
  if (!conversation) return;
  if (conversation.status === 'queued' && conversation.skill_id) await routeSkills(db, [conversation.skill_id]);
  else if (conversation.agent_id)
    await publishAgentEvent(db, { agentId: conversation.agent_id, type: 'message', conversationId });
}

/**
 * changeAgentState sets an agent's state; an agent no longer available gives its unanswered offers back to the queue
 * (they go to the next agent at once), and an agent who becomes available is offered what waits for its skills.
 */
export async function changeAgentState(
  db: Db,
  agentId: string,
  change: { state: AgentState; reason: string | null },
): Promise<void> {
  const agent = await setAgentState(db, agentId, change);
  if (!agent) return;
  const requeued = change.state === 'available' ? [] : await requeueOffersOf(db, agentId);
  // Told after its offers went back, so an inbox that reloads on the event no longer lists them.
  await publishAgentEvent(db, { agentId, type: 'state', state: agent.state, reason: agent.reason });
  await routeSkills(db, change.state === 'available' ? await skillsOfAgent(db, agentId) : requeued);
}

/** acceptConversation takes an offer; undefined when the conversation is not offered to this agent. */
export async function acceptConversation(
  db: Db,
  businessUnitId: string,
  conversationId: string,
  agentId: string,
): Promise<Conversation | undefined> {
  const accepted = await acceptOffer(db, businessUnitId, conversationId, agentId);
  if (!accepted) return undefined;
  log.info({ conversationId, agentId }, 'offer accepted');
  await conversationMoved(db, agentId, accepted);
  return accepted;
}

/**
 * assignConversation gives an open conversation (queued, offered or assigned) to the person a supervisor names. An
 * offer or agent it is taken from is told, and that agent's slot goes to the next queued conversation; the agent
 * cannot accept it any more, so it is never offered to one and held by another. Undefined when it is not open.
 */
export async function assignConversation(
  db: Db,
  businessUnitId: string,
  conversationId: string,
  name: string,
): Promise<Conversation | undefined> {
  const assigned = await assignByName(db, businessUnitId, conversationId, conversationAllowedFrom('assign'), name);
  if (!assigned) return undefined;
  const { conversation, previousAgentId } = assigned;
  if (previousAgentId) await conversationMoved(db, previousAgentId, conversation);
  if (previousAgentId && previousAgentId !== conversation.agent_id) {
    log.info({ conversationId, agentId: previousAgentId, to: name }, 'conversation taken over by name');
    await slotFreed(db, previousAgentId, null);
  }
  return conversation;
}

/** slotFreed is called once a conversation left an agent (closed, transferred): the agent's queues move on. */
export async function slotFreed(db: Db, agentId: string | null, skillId: string | null): Promise<void> {
  if (!agentId) {
    if (skillId) await routeSkills(db, [skillId]);
    return;
  }
  await freeSlotOf(db, agentId);
  await routeSkills(db, [...(await skillsOfAgent(db, agentId)), ...(skillId ? [skillId] : [])]);
}

/** TransferTarget is where a conversation is transferred: another skill's queue, or one agent. */
export type TransferTarget = { skillId: string } | { agentId: string };

/** TransferOutcome is what a transfer did; `agent_full` when the agent has no free slot (its cap holds). */
export type TransferOutcome =
  { outcome: 'transferred'; conversation: Conversation } | { outcome: 'not_open' | 'agent_full' };

/** transferConversation moves an open conversation to another skill's queue or offers it to one agent. */
export async function transferConversation(
  db: Db,
  conversation: Pick<Conversation, 'id' | 'business_unit_id' | 'agent_id' | 'skill_id'>,
  target: TransferTarget,
): Promise<TransferOutcome> {
  const unit = conversation.business_unit_id;
  if ('skillId' in target) {
    const moved = await transferToSkill(db, unit, conversation.id, target.skillId);
    if (!moved) return { outcome: 'not_open' };
    if (conversation.agent_id) await conversationMoved(db, conversation.agent_id, moved);
    await slotFreed(db, conversation.agent_id, target.skillId);
    return { outcome: 'transferred', conversation: moved };
  }
  const result = await transferToAgent(db, unit, conversation.id, target.agentId);
  if (result.outcome !== 'offered') return result;
  await announce(db, [
    {
      conversationId: conversation.id,
      businessUnitId: unit,
      agentId: target.agentId,
      skillId: result.conversation.skill_id ?? '',
    },
  ]);
  if (result.previousAgentId && result.previousAgentId !== target.agentId) {
    await conversationMoved(db, result.previousAgentId, result.conversation);
    await slotFreed(db, result.previousAgentId, null);
  }
  return { outcome: 'transferred', conversation: result.conversation };
}

/** SweepResult is what one pass of the routing sweeper did. */
export interface SweepResult {
  lapsed: number;
  wentOffline: number;
  offered: number;
}

/**
 * sweepRouting is the routing's clock, run every second by each API process (all at once is safe): offers past their
 * time go to the next agent, agents whose inbox stopped beating go offline, and any queue with a free agent moves
 * (the catch-up after a process died between queueing a conversation and offering it).
 */
export async function sweepRouting(db: Db): Promise<SweepResult> {
  const lapsed = await lapseExpiredOffers(db);
  for (const offer of lapsed) {
    log.warn(offer, 'offer lapsed: back to the queue, the agent is set not responding');
    await publishAgentEvent(db, {
      agentId: offer.agentId,
      type: 'state',
      state: 'unavailable',
      reason: 'not_responding',
    });
  }
  const silent = await agentsWithoutHeartbeat(db);
  for (const agent of silent) {
    log.info({ agentId: agent.id }, 'agent went offline: no heartbeat');
    await changeAgentState(db, agent.id, { state: 'offline', reason: 'no_heartbeat' });
  }
  const offers = await routeSkills(db, await skillsWithQueue(db));
  return { lapsed: lapsed.length, wentOffline: silent.length, offered: offers.length };
}

/** RoutingSweeper is a running sweeper. */
export type RoutingSweeper = PeriodicPass;

/** startRoutingSweeper runs sweepRouting every intervalMs until stopped; a failed pass is logged and the next runs. */
export function startRoutingSweeper(db: Db, intervalMs: number): RoutingSweeper {
  return startPeriodicPass('routing sweep', intervalMs, () => sweepRouting(db));
}
