import type { CampaignStatus } from '../db/schema';

export type { CampaignStatus } from '../db/schema';

// The one owner of a campaign's status: which user action and which event of the engine moves it where. The API,
// the console's buttons and the campaign workflow's activity all ask this module; none restates a transition.

/** CAMPAIGN_STATUSES is every state a campaign can be in (API.md), in the order of a campaign's life. */
export const CAMPAIGN_STATUSES = [
  'draft',
  'scheduled',
  'running',
  'paused',
  'waiting_for_carrier',
  'completed',
  'cancelled',
] as const satisfies readonly CampaignStatus[];

/** CampaignAction is what a user can ask of a campaign. */
export type CampaignAction = 'start' | 'pause' | 'resume' | 'cancel';

/** CAMPAIGN_ACTIONS lists the user actions, for routes and the console. */
export const CAMPAIGN_ACTIONS = ['start', 'pause', 'resume', 'cancel'] as const satisfies readonly CampaignAction[];

/**
 * EngineEvent is what the campaign workflow reports about itself: its start time came, the carrier stopped or
 * started accepting messages, too many messages failed permanently, or every recipient has had its message.
 */
export type EngineEvent =
  | 'start_time_reached'
  | 'carrier_down'
  | 'carrier_back'
  | 'too_many_failures'
  | 'sender_refused'
  | 'deliverability_guard'
  | 'list_done';

/** ENGINE_EVENTS lists the engine's events (activity input validation, tests). */
export const ENGINE_EVENTS = [
  'start_time_reached',
  'carrier_down',
  'carrier_back',
  'too_many_failures',
  'sender_refused',
  'deliverability_guard',
  'list_done',
] as const satisfies readonly EngineEvent[];

/** StatusTransition moves a campaign to `to`, only from one of `from` (so two racing changes cannot both win). */
export interface StatusTransition {
  from: readonly CampaignStatus[];
  to: CampaignStatus;
}

const ACTIVE: CampaignStatus[] = ['scheduled', 'running', 'waiting_for_carrier'];

// A user's action: anything not listed here is a 409.
const USER_TRANSITIONS: Record<Exclude<CampaignAction, 'start'>, StatusTransition> = {
  pause: { from: ACTIVE, to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['draft', 'paused', ...ACTIVE], to: 'cancelled' },
};

// The engine's own moves. A user's pause or cancel wins over them: each only moves from where the engine left it.
const ENGINE_TRANSITIONS: Record<EngineEvent, StatusTransition> = {
  start_time_reached: { from: ['scheduled'], to: 'running' },
  carrier_down: { from: ['running'], to: 'waiting_for_carrier' },
  carrier_back: { from: ['waiting_for_carrier'], to: 'running' },
  too_many_failures: { from: ['running'], to: 'paused' },
  // The carrier refused a sender or the account: a person must fix it; resuming sends what was held back.
  sender_refused: { from: ['running', 'waiting_for_carrier'], to: 'paused' },
  // Too many of a sender's recent receipts say filtered or unregistered: a person fixes the content or registration.
  deliverability_guard: { from: ['running', 'waiting_for_carrier'], to: 'paused' },
  list_done: { from: ['running', 'waiting_for_carrier'], to: 'completed' },
};

/** userTransition is where a user's action moves a campaign; a start with a future start time schedules it. */
export function userTransition(action: CampaignAction, startAt: Date | null, now = new Date()): StatusTransition {
  if (action !== 'start') return USER_TRANSITIONS[action];
  const future = startAt !== null && new Date(startAt).getTime() > now.getTime();
  return { from: ['draft'], to: future ? 'scheduled' : 'running' };
}

/** engineTransition is where an event of the engine moves a campaign. */
export function engineTransition(event: EngineEvent): StatusTransition {
  return ENGINE_TRANSITIONS[event];
}

/** engineEventOf names the event of a transition asked for by its statuses (activity inputs from older workflows). */
export function engineEventOf(to: string, from: readonly string[]): EngineEvent | undefined {
  return ENGINE_EVENTS.find((event) => {
    const t = ENGINE_TRANSITIONS[event];
    return t.to === to && t.from.every((status) => from.includes(status));
  });
}

/** allowedFrom lists the statuses from which a user's action is allowed (the console greys out the rest). */
export function allowedFrom(action: CampaignAction): readonly CampaignStatus[] {
  return userTransition(action, null).from;
}

/** isFinished tells whether a campaign will never send again. */
export function isFinished(status: CampaignStatus): boolean {
  return status === 'completed' || status === 'cancelled';
}

/** isSending tells whether the engine should be sending for a campaign in this status. */
export function isSending(status: CampaignStatus): boolean {
  return status === 'running' || status === 'waiting_for_carrier';
}

/** isCampaignStatus narrows a string read from elsewhere (a workflow's signal, an old activity input). */
export function isCampaignStatus(value: string): value is CampaignStatus {
  return (CAMPAIGN_STATUSES as readonly string[]).includes(value);
}
