import { ConsentNotice, listenForConsentNotices } from '../db/consent-notices';
import type { Db } from '../db/schema';
import { DncScope, isBlocked } from './dnc-scope';

// A campaign reads the DNC lists once per chunk, up to about a second and a half before the chunk's last send: a STOP
// stored in between would still be texted. The last look closes that gap. PostgreSQL announces each stored STOP and
// START when its transaction commits, before the webhook answers 200 (src/db/consent-notices.ts); the worker keeps
// what it hears, and right before each send asks whether the contact stopped since the chunk's DNC read. What remains
// is the time a notice takes from the commit to the worker's socket (well under a millisecond on one network), racing
// the webhook's answer to the carrier.

// How long a heard STOP is kept: far longer than any chunk waits between its DNC read and its last send (a chunk read
// earlier than that is looked up in PostgreSQL instead).
const KEEP_MS = 5 * 60_000;

/** LastLook answers, right before a send, whether the contact stopped after the chunk's DNC read began. */
export interface LastLook {
  /** readAt: when the DNC read that let the message through began (epoch ms, this process's clock). */
  stoppedSince(scope: DncScope, phone: string, readAt: number): Promise<boolean>;
}

/** ConsentWatch is the worker's last look: what it heard since it began listening, else PostgreSQL. */
export class ConsentWatch implements LastLook {
  // Business unit and phone -> when this process heard its latest STOP; a START removes it. Kept in hearing order.
  private readonly stopped = new Map<string, number>();
  // Since when every STOP committed has been heard (null while not listening).
  private listeningSince: number | null = null;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** heard records a STOP or START the channel announced. */
  heard(notice: ConsentNotice): void {
    const key = keyOf(notice.businessUnitId, notice.phone);
    this.stopped.delete(key);
    if (notice.kind === 'opt_out') this.stopped.set(key, this.now());
    this.forgetOld();
  }

  /** onListening: from now on every committed STOP is heard. */
  onListening(): void {
    this.listeningSince = this.now();
  }

  /** onLost: notices may be missed; reads before the next onListening() are checked in PostgreSQL. */
  onLost(): void {
    this.listeningSince = null;
  }

  /** isListening says whether every committed STOP is being heard. */
  isListening(): boolean {
    return this.listeningSince !== null;
  }

  async stoppedSince(scope: DncScope, phone: string, readAt: number): Promise<boolean> {
    // A STOP committed before the chunk's read began was seen by that read; one committed after it was heard, if the
    // watch was listening when the read began and has been ever since (a drop resets listeningSince).
    if (this.listeningSince !== null && this.listeningSince <= readAt && readAt > this.now() - KEEP_MS)
      return this.stopped.has(keyOf(scope.businessUnitId, phone));
    return isBlocked(this.db, scope, phone);
  }

  private forgetOld(): void {
    const horizon = this.now() - KEEP_MS;
    for (const [key, heardAt] of this.stopped) {
      if (heardAt >= horizon) break;
      this.stopped.delete(key);
    }
  }
}

function keyOf(businessUnitId: string, phone: string): string {
  return `${businessUnitId}|${phone}`;
}

/** RunningWatch is a listening ConsentWatch and how to stop it. */
export interface RunningWatch {
  watch: ConsentWatch;
  close(): Promise<void>;
}

/** watchConsent starts the process's last look: a connection listening for stored STOPs and STARTs. */
export function watchConsent(db: Db): RunningWatch {
  const watch = new ConsentWatch(db);
  const listener = listenForConsentNotices(db, {
    notice: (notice) => watch.heard(notice),
    listening: () => watch.onListening(),
    lost: () => watch.onLost(),
  });
  return { watch, close: () => listener.close() };
}
