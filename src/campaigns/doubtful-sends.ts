import type { CampaignMessage } from '../db/messages';
import type { DncScope } from '../dnc/dnc-scope';
import { InDoubtDeps, reconcileInDoubt } from '../outbound/in-doubt';

// Lookups at the carrier at once, per sender: a dropped connection can leave a whole chunk in doubt.
const LOOKUP_CONCURRENCY = 8;
// The longest one wait lasts before the caller heartbeats and asks again (the activity's heartbeat timeout is 20 s).
const MAX_WAIT_MS = 5000;

/** DoubtfulSends holds one sender's in-doubt messages of a batch until the carrier's records settle each of them. */
export class DoubtfulSends {
  private waiting: CampaignMessage[] = [];

  constructor(
    private readonly deps: InDoubtDeps,
    private readonly scope: DncScope,
    private readonly from: string,
  ) {}

  /** size is how many messages wait to be settled. */
  get size(): number {
    return this.waiting.length;
  }

  /** add puts messages whose send got no answer (or that a cut-off run left sending) in the waiting set. */
  add(messages: CampaignMessage[]): void {
    this.waiting.push(...messages);
  }

  /**
   * resolve looks every waiting message up at the carrier: those it has are recorded as sent (counted in `sent`),
   * those it has not, once it has had time to show them, are returned to be sent again; the others keep waiting
   * (when nothing could be settled, it first waits a little for the earliest). Throws CarrierUnavailableError when
   * the carrier cannot answer the look-ups.
   */
  async resolve(): Promise<{ sent: number; resend: CampaignMessage[] }> {
    const unsettled: { message: CampaignMessage; settlesAt: number }[] = [];
    const resend: CampaignMessage[] = [];
    let sent = 0;
    for (let i = 0; i < this.waiting.length; i += LOOKUP_CONCURRENCY) {
      const slice = this.waiting.slice(i, i + LOOKUP_CONCURRENCY);
      const verdicts = await Promise.all(slice.map((m) => reconcileInDoubt(this.deps, this.scope, m, this.from)));
      verdicts.forEach((verdict, j) => {
        if (verdict.verdict === 'sent') sent += 1;
        else if (verdict.verdict === 'not_sent') resend.push(slice[j]);
        // Held for an operator: it stays in doubt (counted so) and leaves the waiting set.
        else if (verdict.verdict === 'held') return;
        else unsettled.push({ message: slice[j], settlesAt: verdict.settlesAt });
      });
    }
    this.waiting = unsettled.map((u) => u.message);
    if (sent === 0 && resend.length === 0 && unsettled.length > 0) {
      const earliest = Math.min(...unsettled.map((u) => u.settlesAt));
      const now = this.deps.now?.() ?? Date.now();
      await new Promise((r) => setTimeout(r, Math.min(MAX_WAIT_MS, Math.max(0, earliest - now))));
    }
    return { sent, resend };
  }
}
