// Which message an SMPP receipt is about. The SMSC writes the id in the receipt its own way (hex in submit_sm_resp and
// decimal in the receipt, leading zeros, case), a long message has one id per part, and a receipt may come before the
// submit_sm_resp it belongs to has been read. The matcher tries every form of the id against the parts this process
// submitted, then against the store; a receipt that matches nothing yet waits a while for its submit_sm_resp, and is
// then handed to the receipt intake under each form, which keeps a final one until a send records that sid.

import { log } from '../../log';

/** ReceiptFacts are what a receipt says of its message. */
export interface ReceiptFacts {
  status: string;
  errorCode: string | null;
}

/** ReceiptMatcherDeps write ids as sids, ask the store which sids it knows and apply a receipt to a sid. */
export interface ReceiptMatcherDeps {
  sidOf(id: string): string;
  known(sids: string[]): Promise<Set<string>>;
  apply(sid: string, receipt: ReceiptFacts): Promise<void>;
  /** How long an unmatched receipt waits for its submit_sm_resp; default 30 s. */
  earlyWaitMs?: number;
}

// Parts remembered per process: enough for the receipts of the last hour at a few dozen messages a second.
const MAX_REMEMBERED_PARTS = 200_000;

/** ReceiptMatcher ties receipts to the messages whose parts were submitted. */
export class ReceiptMatcher {
  private readonly messageOfPart = new Map<string, string>();
  private readonly early = new Map<string, { receipt: ReceiptFacts; resolve: () => void }[]>();

  constructor(private readonly deps: ReceiptMatcherDeps) {}

  /** submitted records a message's sid and its parts' sids, and applies receipts that came before. */
  async submitted(messageSid: string, partSids: string[]): Promise<void> {
    if (this.messageOfPart.size > MAX_REMEMBERED_PARTS) this.messageOfPart.clear();
    const waiting: { receipt: ReceiptFacts; part: string; resolve: () => void }[] = [];
    for (const part of partSids) {
      this.messageOfPart.set(part, messageSid);
      for (const held of this.early.get(part) ?? []) waiting.push({ ...held, part });
      this.early.delete(part);
    }
    for (const held of waiting) {
      await this.applyToMessage(messageSid, held.part, held.receipt);
      held.resolve();
    }
  }

  /** receipt applies a receipt whose id may be written in any of `forms` (see messageIdForms). */
  async receipt(forms: string[], receipt: ReceiptFacts): Promise<void> {
    const sids = forms.map((form) => this.deps.sidOf(form));
    const inMemory = sids.find((sid) => this.messageOfPart.has(sid));
    if (inMemory) return this.applyToMessage(this.messageOfPart.get(inMemory)!, inMemory, receipt);
    const known = await this.deps.known(sids);
    const stored = sids.find((sid) => known.has(sid));
    if (stored) return this.deps.apply(stored, receipt);
    // Not submitted yet as far as anyone knows: wait for the submit_sm_resp, then leave it to the store.
    await new Promise<void>((resolve) => {
      const entry = { receipt, resolve };
      for (const sid of sids) this.early.set(sid, [...(this.early.get(sid) ?? []), entry]);
      setTimeout(() => {
        const stillWaiting = sids.some((sid) => this.early.get(sid)?.includes(entry));
        for (const sid of sids) {
          const rest = (this.early.get(sid) ?? []).filter((e) => e !== entry);
          if (rest.length) this.early.set(sid, rest);
          else this.early.delete(sid);
        }
        if (!stillWaiting) return;
        // Nobody awaits this any more (the deliver_sm was answered long ago): a failure is logged, never thrown into
        // the process (a worker shutting down has closed its pool under it).
        Promise.all(sids.map((sid) => this.deps.apply(sid, receipt)))
          .catch((error: unknown) =>
            log.warn(
              { sids, err: error instanceof Error ? error.message : String(error) },
              'early SMPP receipt not applied',
            ),
          )
          .finally(resolve);
      }, this.deps.earlyWaitMs ?? 30_000).unref();
    });
  }

  // A later part's receipt only matters when it fails: the message is delivered once its first part is.
  private async applyToMessage(messageSid: string, partSid: string, receipt: ReceiptFacts): Promise<void> {
    if (partSid !== messageSid && receipt.status !== 'undelivered' && receipt.status !== 'failed') return;
    await this.deps.apply(messageSid, receipt);
  }
}
