import type { Carrier } from '../carrier/carrier';
import { ConsentNotice, listenForConsentNotices } from '../db/consent-notices';
import type { Db } from '../db/schema';
import { log } from '../log';
import { DncScope, isBlocked } from './dnc-scope';

// A campaign reads the DNC lists once per chunk, up to about a second and a half before the chunk's last send; a
// cadence step or an agent's reply reads them before waiting for its sender's slot. A STOP stored in between would
// still be texted. The last look closes that gap. PostgreSQL announces each stored STOP and START when its transaction
// commits (src/db/consent-notices.ts); the worker keeps what it hears, and right before each send asks whether the
// contact stopped since the send's DNC read. Nothing but microtasks runs between that look and the carrier request,
// so a notice heard (a socket event) is either before the look, which then sees it, or after the request began.
//
// What is left is a race with the webhook's answer: the notice's way into the worker, and a request that began before
// the notice but has not reached the carrier yet. The webhook closes it with a fence (src/dnc/opt-out-fence.ts): after
// the opt-outs commit it announces a fence on the same channel, and answers the carrier once every listening worker
// has acked it. A worker hears notices and fences in commit order, so at the fence it has heard the opt-outs; it acks
// once every send to those contacts that was under way when it heard them has been answered by the carrier. From then
// on no send to them can begin. So when the webhook answers 200, a message to that contact is at the carrier or never
// goes.

// How long a heard STOP is kept: far longer than any chunk waits between its DNC read and its last send (a chunk read
// earlier than that is looked up in PostgreSQL instead).
const KEEP_MS = 5 * 60_000;

/** LastLook answers, right before a send, whether the contact stopped after the send's DNC read began. */
export interface LastLook {
  /** readAt: when the DNC read that let the message through began (epoch ms, this process's clock). */
  stoppedSince(scope: DncScope, phone: string, readAt: number): Promise<boolean>;
}

/** ConsentWatch is the worker's last look: what it heard since it began listening, else PostgreSQL. */
export class ConsentWatch implements LastLook {
  // Business unit and phone -> when this process heard its latest STOP, and its place in the hearing order; a START
  // removes it. Kept in hearing order.
  private readonly stopped = new Map<string, { heardAt: number; order: number }>();
  private heardCount = 0;
  // Since when every STOP committed has been heard (null while not listening).
  private listeningSince: number | null = null;
  // Carrier requests under way, by the contact's phone: a fence waits for those to contacts heard stopping.
  private readonly sending = new Map<string, Set<Promise<unknown>>>();
  // Requests that were under way when their contact's STOP was heard: the next fence waits for them.
  private overtaken: Promise<unknown>[] = [];
  // Fences are acked in the order heard: each one's wait includes the earlier ones'.
  private fenced: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** heard records a STOP or START the channel announced. */
  heard(notice: ConsentNotice): void {
    const key = keyOf(notice.businessUnitId, notice.phone);
    this.stopped.delete(key);
    this.heardCount += 1;
    if (notice.kind === 'opt_out') {
      this.stopped.set(key, { heardAt: this.now(), order: this.heardCount });
      this.overtaken.push(...(this.sending.get(notice.phone) ?? []));
    }
    this.forgetOld();
  }

  /**
   * fenceHeard resolves once every carrier request that was under way when a STOP heard before this fence was heard
   * has been answered (or failed), and every earlier fence has: the fence can then be acked.
   */
  fenceHeard(): Promise<void> {
    const waits = this.overtaken;
    this.overtaken = [];
    const earlier = this.fenced;
    this.fenced = Promise.allSettled([earlier, ...waits]).then(() => undefined);
    return this.fenced;
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
    // A STOP committed before the send's read began was seen by that read; one committed after it was heard, if the
    // watch was listening when the read began and has been ever since (a drop resets listeningSince).
    const key = keyOf(scope.businessUnitId, phone);
    if (this.listeningSince !== null && this.listeningSince <= readAt && readAt > this.now() - KEEP_MS)
      return this.stopped.has(key);
    // PostgreSQL's answer is as of the query: a STOP heard while it ran counts too.
    const asked = this.heardCount;
    return (await isBlocked(this.db, scope, phone)) || (this.stopped.get(key)?.order ?? 0) > asked;
  }

  /**
   * watchingSends wraps a carrier so that every request is known while under way. The request must begin in the same
   * turn of the event loop as its send's last look (no await in between but on microtasks).
   */
  watchingSends(carrier: Carrier): Carrier {
    return {
      warmUp: carrier.warmUp && (() => carrier.warmUp!()),
      findSent: (query) => carrier.findSent(query),
      send: (sms) => {
        let request: Promise<Awaited<ReturnType<Carrier['send']>>>;
        try {
          request = carrier.send(sms);
        } catch (error) {
          return Promise.reject(error);
        }
        this.underWay(sms.to, request);
        return request;
      },
    };
  }

  private underWay(phone: string, request: Promise<unknown>): void {
    let requests = this.sending.get(phone);
    if (!requests) this.sending.set(phone, (requests = new Set()));
    requests.add(request);
    const done = () => {
      requests.delete(request);
      if (requests.size === 0 && this.sending.get(phone) === requests) this.sending.delete(phone);
    };
    request.then(done, done);
  }

  private forgetOld(): void {
    const horizon = this.now() - KEEP_MS;
    for (const [key, { heardAt }] of this.stopped) {
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

/**
 * watchConsent starts the process's last look: a connection listening for stored STOPs and STARTs, which acks each
 * fence once the watch has made it true. Acks that come due while one is being sent go together in the next.
 */
export function watchConsent(db: Db): RunningWatch {
  const watch = new ConsentWatch(db);
  let due: string[] = [];
  let acking = false;
  async function ackDue(): Promise<void> {
    acking = true;
    while (due.length > 0) {
      const fenceIds = due;
      due = [];
      // A lost ack holds its webhook until the fence's bound, no longer: nothing to retry.
      await listener.ack(fenceIds).catch((error: unknown) => log.warn({ err: error, fenceIds }, 'fence ack lost'));
    }
    acking = false;
  }
  const listener = listenForConsentNotices(db, {
    notice: (notice) => watch.heard(notice),
    fence: (id) =>
      void watch.fenceHeard().then(() => {
        due.push(id);
        if (!acking) void ackDue();
      }),
    listening: () => watch.onListening(),
    lost: () => watch.onLost(),
  });
  return { watch, close: () => listener.close() };
}
