import {
  DEFAULT_DELIVERABILITY,
  guardReason,
  isGuardTripped,
  minimumReceipts,
} from '../../../src/campaigns/deliverability-guard';
import { engineTransition } from '../../../src/campaigns/campaign-status';

describe('the deliverability guard judges a sender by its recent receipts', () => {
  it('trips once filtered or unregistered receipts pass the share (default 5% of the last 500)', () => {
    expect(isGuardTripped({ receipts: 500, flagged: 26 }, DEFAULT_DELIVERABILITY)).toBe(true);
    expect(isGuardTripped({ receipts: 500, flagged: 25 }, DEFAULT_DELIVERABILITY)).toBe(false);
    expect(isGuardTripped({ receipts: 200, flagged: 20 }, DEFAULT_DELIVERABILITY)).toBe(true);
  });

  it('does not judge on a handful of receipts: a window’s worth, or 100 when the window is larger', () => {
    expect(minimumReceipts(DEFAULT_DELIVERABILITY)).toBe(100);
    expect(minimumReceipts({ share: 0.05, window: 50 })).toBe(50);
    expect(isGuardTripped({ receipts: 99, flagged: 50 }, DEFAULT_DELIVERABILITY)).toBe(false);
    expect(isGuardTripped({ receipts: 50, flagged: 3 }, { share: 0.05, window: 50 })).toBe(true);
  });

  it('says which sender, how many and what share', () => {
    const reason = guardReason('+14155550100', { receipts: 50, flagged: 5 }, { share: 0.05, window: 50 });
    expect(reason).toBe(
      'paused itself: 5 of the last 50 receipts of sender +14155550100 were filtered or unregistered ' +
        '(error 30007/30034), 10% (more than 5% allowed)',
    );
  });

  it('pauses a running campaign (or one waiting for the carrier), nothing else', () => {
    expect(engineTransition('deliverability_guard')).toEqual({
      from: ['running', 'waiting_for_carrier'],
      to: 'paused',
    });
  });
});
