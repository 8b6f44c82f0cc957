/** CampaignStatus is every state a campaign can be in (API.md). */
export const CAMPAIGN_STATUSES = [
  'draft',
  'scheduled',
  'running',
  'paused',
  'waiting_for_carrier',
  'completed',
  'cancelled',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** CampaignAction is what a user can ask of a campaign. */
export type CampaignAction = 'start' | 'pause' | 'resume' | 'cancel';

const ACTIVE: CampaignStatus[] = ['scheduled', 'running', 'waiting_for_carrier'];

// The one place that says which user action is allowed from which status; anything else is a 409.
const ALLOWED_FROM: Record<CampaignAction, CampaignStatus[]> = {
  start: ['draft'],
  pause: ACTIVE,
  resume: ['paused'],
  cancel: ['draft', 'paused', ...ACTIVE],
};

/** allowedFrom lists the statuses from which an action is allowed. */
export function allowedFrom(action: CampaignAction): CampaignStatus[] {
  return ALLOWED_FROM[action];
}

/** isFinished tells whether a campaign will never send again. */
export function isFinished(status: string): boolean {
  return status === 'completed' || status === 'cancelled';
}

/** isSending tells whether the engine should be sending for a campaign in this status. */
export function isSending(status: string): boolean {
  return status === 'running' || status === 'waiting_for_carrier';
}
