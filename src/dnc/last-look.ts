import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Carrier, SendOutcome } from '../carrier/carrier';
import { connectionStringOf, type ConsentNotice } from '../db/consent-notices';
import type { Db } from '../db/schema';
import { log } from '../log';
import { BoardReader, createBoardBuffers } from './consent-board';
import type { ListenerThreadData } from './consent-listener-thread';
import { DncScope, isBlocked } from './dnc-scope';

// A campaign reads the DNC lists once per chunk, up to about a second and a half before the chunk's last send; a
// cadence step or an agent's reply reads them before waiting for its sender's slot. A STOP stored in between would
// still be texted. The last look closes that gap. PostgreSQL announces each stored STOP and START when its transaction
// commits (src/db/consent-notices.ts); the worker's listener thread writes what it hears to memory shared with the
// sending thread (src/dnc/consent-board.ts), which right before each send asks whether the contact stopped since the
// send's DNC read. Nothing but microtasks runs between that look and the carrier request.
//
// What is left is a race with the webhook's answer: the notice's way into the worker, and a request that began before
// the notice but has not reached the carrier yet. The webhook closes it with a fence (src/dnc/opt-out-fence.ts): after
// the opt-outs commit it announces a fence on the same channel, and answers the carrier once every listening worker
// has acked it. The listener hears notices and fences in commit order, so at the fence it has published the opt-outs;
// it acks once every send to those contacts that held a pass when their STOP was heard has been answered by the
// carrier (src/dnc/consent-listener-thread.ts). A send takes its pass before its look, so either the look sees the STOP
// or the listener sees the pass. So when the webhook answers 200, a message to that contact is at the carrier or never
// goes.

// How long a heard STOP is kept: far longer than any chunk waits between its DNC read and its last send (a chunk read
// earlier than that is looked up in PostgreSQL instead).
const KEEP_MS = 5 * 60_000;
// A listener thread that stopped is started again after this long (meanwhile every look asks PostgreSQL).
const RESTART_MS = 1000;

/** LastLook answers, right before a send, whether the contact stopped after the send's DNC read began. */
export interface LastLook {
  /** readAt: when the DNC read that let the message through began (epoch ms, this process's clock). */
  stoppedSince(scope: DncScope, phone: string, readAt: number): Promise<boolean>;
}

/** ConsentWatch is the sending thread's last look: what the listener heard since it began listening, else PostgreSQL. */
export class ConsentWatch implements LastLook {
  // Business unit and phone -> when this process heard its latest STOP, and its place in the hearing order; a START
  // removes it. Kept in hearing order.
  private readonly stopped = new Map<string, { heardAt: number; order: number }>();
  private heardCount = 0;
  // Notices were lost (the board overflowed, the listener stopped): what was heard is trusted only for reads after it.
  private trustedFrom = 0;
  private listenerRunning = false;
  // Passes taken at a look that let a send through, by phone: the send's carrier request holds one until answered.
  private readonly unclaimed = new Map<string, number[]>();

  constructor(
    private readonly db: Db,
    private readonly board: BoardReader,
    private readonly now: () => number = Date.now,
  ) {}

  /** heard records a STOP or START the channel announced. */
  heard(notice: ConsentNotice): void {
    const key = keyOf(notice.businessUnitId, notice.phone);
    this.stopped.delete(key);
    this.heardCount += 1;
    if (notice.kind === 'opt_out') this.stopped.set(key, { heardAt: this.now(), order: this.heardCount });
    this.forgetOld();
  }

  /** onListenerRunning: whether the listener thread runs (while it does not, nothing heard is trusted). */
  onListenerRunning(running: boolean): void {
    this.catchUp();
    this.listenerRunning = running;
    if (!running) {
      this.trustedFrom = this.now();
      this.board.forgetListening();
    }
  }

  /** isListening says whether every committed STOP is being heard. */
  isListening(): boolean {
    return this.listeningSince() !== null;
  }

  async stoppedSince(scope: DncScope, phone: string, readAt: number): Promise<boolean> {
    // A STOP committed before the send's read began was seen by that read; one committed after it was heard, if the
    // listener was listening when the read began and has been ever since (a drop resets listeningSince).
    const key = keyOf(scope.businessUnitId, phone);
    this.catchUp();
    const since = this.listeningSince();
    const trusted = since !== null && since <= readAt && readAt > this.now() - KEEP_MS;
    // PostgreSQL's answer is as of the query: a STOP heard while it ran counts too.
    const asked = this.heardCount;
    const blocked = !trusted && (await isBlocked(this.db, scope, phone));
    const pass = this.board.takePass(phone);
    this.catchUp();
    const entry = this.stopped.get(key);
    if (blocked || (entry !== undefined && (trusted || entry.order > asked))) {
      this.board.releasePass(pass);
      return true;
    }
    this.holdForSend(phone, pass);
    return false;
  }

  /**
   * watchingSends wraps a carrier so that every request holds its contact's pass until answered. The request must
   * begin in the same turn of the event loop as its send's last look (no await in between but on microtasks).
   */
  watchingSends(carrier: Carrier): Carrier {
    return {
      warmUp: carrier.warmUp && (() => carrier.warmUp!()),
      findSent: (query) => carrier.findSent(query),
      send: (sms) => {
        const pass = this.claim(sms.to) ?? this.board.takePass(sms.to);
        let request: Promise<SendOutcome>;
        try {
          request = carrier.send(sms);
        } catch (error) {
          this.board.releasePass(pass);
          return Promise.reject(error);
        }
        const release = () => this.board.releasePass(pass);
        request.then(release, release);
        return request;
      },
    };
  }

  // A pass not claimed by a request within this turn of the event loop (the send went no further) is given back.
  private holdForSend(phone: string, pass: number): void {
    const passes = this.unclaimed.get(phone) ?? [];
    passes.push(pass);
    this.unclaimed.set(phone, passes);
    setImmediate(() => {
      const left = this.unclaimed.get(phone);
      const at = left?.indexOf(pass) ?? -1;
      if (at === -1) return;
      left!.splice(at, 1);
      if (left!.length === 0) this.unclaimed.delete(phone);
      this.board.releasePass(pass);
    });
  }

  private claim(phone: string): number | undefined {
    const passes = this.unclaimed.get(phone);
    const pass = passes?.shift();
    if (passes?.length === 0) this.unclaimed.delete(phone);
    return pass;
  }

  private listeningSince(): number | null {
    const since = this.listenerRunning ? this.board.listeningSince() : null;
    return since === null ? null : Math.max(since, this.trustedFrom);
  }

  // Takes in what the listener published since the last look.
  private catchUp(): void {
    const notices = this.board.newNotices();
    if (notices === 'lost') this.trustedFrom = this.now();
    else for (const notice of notices) this.heard(notice);
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

/** ConsentWatchOptions tune the listener thread. */
export interface ConsentWatchOptions {
  /**
   * The nice the listener thread runs at (null or absent: the process's). Where the worker runs below the API's
   * priority on a shared machine (npm start), a STOP's webhook waits for this thread's ack: at the worker's nice it
   * waited behind every background process for the CPU (bench:inbound --stops: acks mean 17.5 ms, 98.7 % within
   * 100 ms; at the API's nice 2.7 ms, 99.8 %).
   */
  listenerNice?: number | null;
}

/** RunningWatch is a listening ConsentWatch and how to stop it. */
export interface RunningWatch {
  watch: ConsentWatch;
  close(): Promise<void>;
}

// The listener thread's module, loaded through tsx as the rest of the process is (the thread has no loader of its own).
function listenerThreadSource(): string {
  const entry = path.join(__dirname, `consent-listener-thread${path.extname(__filename)}`);
  const loader = path.extname(__filename) === '.ts' ? `require(${JSON.stringify(require.resolve('tsx/cjs'))});` : '';
  return `${loader} require(${JSON.stringify(entry)});`;
}

/**
 * watchConsent starts the process's last look: a listener thread with its own connection, hearing stored STOPs and
 * STARTs and acking fences, and the watch the sending thread asks. A listener thread that stops is started again.
 */
export function watchConsent(db: Db, options: ConsentWatchOptions = {}): RunningWatch {
  const buffers = createBoardBuffers();
  const watch = new ConsentWatch(db, new BoardReader(buffers));
  const workerData: ListenerThreadData = {
    connectionString: connectionStringOf(db),
    buffers,
    nice: options.listenerNice ?? null,
  };
  let closed = false;
  let thread: Worker | null = null;
  let restart: NodeJS.Timeout | null = null;
  const start = () => {
    restart = null;
    const started = new Worker(listenerThreadSource(), { eval: true, workerData });
    thread = started;
    watch.onListenerRunning(true);
    started.on('error', (error) => log.error({ err: error }, 'consent listener thread failed'));
    started.on('message', (message: { priorityRefused?: string }) => {
      if (message.priorityRefused)
        log.warn(
          { nice: options.listenerNice, err: message.priorityRefused },
          "consent listener stays at the worker's priority (raising a thread's needs CAP_SYS_NICE or RLIMIT_NICE)",
        );
    });
    started.on('exit', () => {
      watch.onListenerRunning(false);
      if (thread === started) thread = null;
      if (!closed) restart = setTimeout(start, RESTART_MS);
    });
  };
  start();
  return {
    watch,
    async close() {
      closed = true;
      if (restart) clearTimeout(restart);
      const last = thread;
      if (!last) return;
      const exited = new Promise((resolve) => last.once('exit', resolve));
      last.postMessage('close');
      const stuck = setTimeout(() => void last.terminate(), 5000);
      await exited;
      clearTimeout(stuck);
    },
  };
}
