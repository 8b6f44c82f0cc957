// Which final status callback a message gets: delivered, or a failure with a Twilio ErrorCode in its configured share.
import type { ReceiptFailure, SimulatorMode } from './mode';
import type { FinalReceipt } from './twilio-errors';

const DELIVERED: FinalReceipt = { status: 'delivered', errorCode: null };
// Shares such as 0.1 do not add up to exactly 1 in floating point.
const WHOLE = 1 - 1e-9;

/**
 * ReceiptOutcomes spreads failures evenly instead of drawing them at random: each failure accrues its share per
 * receipt and is reported once a whole one has accrued, so after n receipts each code has n × share of them (give or
 * take one). A test or a benchmark gets exactly the mix it asked for, however few messages it sends.
 */
export class ReceiptOutcomes {
  private accrued: number[] = [];
  private failures: readonly ReceiptFailure[] | undefined;

  /** next is the final receipt for a message to `to`: its number's override, else the next in the configured mix. */
  next(mode: SimulatorMode, to: string): FinalReceipt {
    const override = mode.receiptErrorsByTo.get(to);
    if (override) return override;
    if (mode.receiptFailures !== this.failures) {
      // A new mix starts from nothing owed.
      this.failures = mode.receiptFailures;
      this.accrued = mode.receiptFailures.map(() => 0);
    }
    let due = -1;
    mode.receiptFailures.forEach((failure, i) => {
      this.accrued[i] += failure.share;
      if (this.accrued[i] >= WHOLE && (due < 0 || this.accrued[i] > this.accrued[due])) due = i;
    });
    if (due < 0) return DELIVERED;
    this.accrued[due] -= 1;
    const { status, errorCode } = mode.receiptFailures[due];
    return { status, errorCode };
  }
}
