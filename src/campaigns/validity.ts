import type { Campaign } from '../db/schema';

// A campaign may say how long its messages stay worth sending (API.md: validFor seconds, or expiresAt): a reminder for
// 8 a.m. is no use at 3 p.m. This module is the one place that says when that is and what is left of it.

/** MAX_VALIDITY_SECONDS is Twilio's largest ValidityPeriod (10 hours), also the largest validFor a campaign takes. */
export const MAX_VALIDITY_SECONDS = 36_000;

/** CampaignValidity is what a campaign's row says about how long its messages stay worth sending. */
export type CampaignValidity = Pick<Campaign, 'valid_for_seconds' | 'expires_at' | 'started_at'>;

/**
 * sendDeadline is when a campaign's messages stop being worth sending (epoch ms), or null when they never do: its
 * expiresAt, or validFor counted from the moment it first went running (a campaign not started yet has no deadline,
 * as its validity has not begun).
 */
export function sendDeadline(campaign: CampaignValidity): number | null {
  if (campaign.expires_at) return new Date(campaign.expires_at).getTime();
  if (campaign.valid_for_seconds === null || !campaign.started_at) return null;
  return new Date(campaign.started_at).getTime() + campaign.valid_for_seconds * 1000;
}

/** isPastDeadline tells whether a message not sent yet must expire instead of being sent at `now` (epoch ms). */
export function isPastDeadline(deadline: number | null, now: number): boolean {
  return deadline !== null && now >= deadline;
}

/**
 * remainingValiditySeconds is what is left of the validity at `now`, as the carrier's ValidityPeriod takes it: whole
 * seconds (rounded down, so the carrier never keeps it past the deadline), at least 1 and at most 36,000; undefined
 * without a deadline (the carrier's default applies).
 */
export function remainingValiditySeconds(deadline: number | null, now: number): number | undefined {
  if (deadline === null) return undefined;
  return Math.min(MAX_VALIDITY_SECONDS, Math.max(1, Math.floor((deadline - now) / 1000)));
}

/** EXPIRED_REASON is the error of a message that expired unsent. */
export const EXPIRED_REASON = {
  code: 'expired',
  message: "the campaign's validity ran out before this message could be sent",
};
