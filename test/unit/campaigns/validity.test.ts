import { isPastDeadline, remainingValiditySeconds, sendDeadline } from '../../../src/campaigns/validity';
import { createCampaignSchema } from '../../../src/api/schemas';

const started = new Date('2026-12-03T08:00:00Z');

describe('how long a campaign’s messages stay worth sending', () => {
  it('counts validFor from the moment the campaign first went running', () => {
    const deadline = sendDeadline({ valid_for_seconds: 3600, expires_at: null, started_at: started });
    expect(deadline).toBe(Date.parse('2026-12-03T09:00:00Z'));
  });

  it('takes expiresAt as it is, and has no deadline without either or before the start', () => {
    const expires = new Date('2026-12-03T12:00:00Z');
    expect(sendDeadline({ valid_for_seconds: null, expires_at: expires, started_at: null })).toBe(expires.getTime());
    expect(sendDeadline({ valid_for_seconds: null, expires_at: null, started_at: started })).toBeNull();
    expect(sendDeadline({ valid_for_seconds: 60, expires_at: null, started_at: null })).toBeNull();
  });

  it('a message is past its deadline from the deadline on, never without one', () => {
    expect(isPastDeadline(1000, 999)).toBe(false);
    expect(isPastDeadline(1000, 1000)).toBe(true);
    expect(isPastDeadline(null, Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('gives the carrier the whole seconds left, between 1 and 36000', () => {
    expect(remainingValiditySeconds(null, 0)).toBeUndefined();
    expect(remainingValiditySeconds(10_900, 1000)).toBe(9);
    expect(remainingValiditySeconds(1500, 1000)).toBe(1);
    expect(remainingValiditySeconds(1000, 5000)).toBe(1);
    expect(remainingValiditySeconds(100_000_000, 0)).toBe(36_000);
  });

  it('POST /campaigns takes validFor 1..36000 or expiresAt, not both', () => {
    const base = {
      name: 'n',
      listId: '0b4f8b8e-4a4a-4c5e-9d7a-1d2f3a4b5c6d',
      message: 'Hi',
      senderIds: ['0b4f8b8e-4a4a-4c5e-9d7a-1d2f3a4b5c6d'],
    };
    expect(createCampaignSchema.safeParse({ ...base, validFor: 36_000 }).success).toBe(true);
    expect(createCampaignSchema.safeParse({ ...base, validFor: 0 }).success).toBe(false);
    expect(createCampaignSchema.safeParse({ ...base, validFor: 36_001 }).success).toBe(false);
    expect(createCampaignSchema.safeParse({ ...base, validFor: 1.5 }).success).toBe(false);
    expect(createCampaignSchema.safeParse({ ...base, expiresAt: '2026-12-03T12:00:00Z' }).success).toBe(true);
    const both = createCampaignSchema.safeParse({ ...base, validFor: 60, expiresAt: '2026-12-03T12:00:00Z' });
    expect(both.success).toBe(false);
  });
});
