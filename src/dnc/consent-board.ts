import type { ConsentNotice } from '../db/consent-notices';

// The memory a worker's sending thread shares with its consent listener thread (src/dnc/consent-listener-thread.ts).
// The listener runs on a thread of its own so that a busy sending thread (activities, workflows, a CPU-starved
// process) does not delay what it hears nor its answer to an opt-out fence: the listener writes each notice here the
// moment it arrives, and the sending thread reads them at its last look. Each send holds a pass (its contact's phone,
// hashed) from right before its last look until the carrier answered it. The order makes the two meet: the sender takes
// its pass and then reads the notices; the listener writes a notice and then reads the passes (all sequentially
// consistent atomics), so either the sender sees the STOP, or the listener sees the pass and waits for it.

const NOTICE_SLOTS = 32_768;
const NOTICE_BYTES = 128;
const PASS_SLOTS = 8192;
// control: [0] notices written, [1] listening epoch (bumped at each change); then listeningSince (Float64, 0: not).
const WRITTEN = 0;
const EPOCH = 1;

/** ConsentBoardBuffers are the shared memory, handed to the listener thread. */
export interface ConsentBoardBuffers {
  control: SharedArrayBuffer;
  notices: SharedArrayBuffer;
  passes: SharedArrayBuffer;
  generations: SharedArrayBuffer;
}

/** createBoardBuffers allocates an empty board. */
export function createBoardBuffers(): ConsentBoardBuffers {
  return {
    control: new SharedArrayBuffer(16),
    notices: new SharedArrayBuffer(NOTICE_SLOTS * NOTICE_BYTES),
    passes: new SharedArrayBuffer(PASS_SLOTS * 4),
    generations: new SharedArrayBuffer(PASS_SLOTS * 4),
  };
}

/** PassMark is a pass seen by the listener: it is released once its slot's generation moves on. */
export interface PassMark {
  slot: number;
  generation: number;
}

// A phone's 32-bit FNV-1a hash, never 0 (a free pass slot). Two phones sharing one only make a fence wait longer.
function phoneHash(phone: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < phone.length; i++) hash = Math.imul(hash ^ phone.charCodeAt(i), 0x01000193);
  return hash === 0 ? 1 : hash;
}

class Board {
  protected readonly control: Int32Array;
  protected readonly since: Float64Array;
  protected readonly notices: Uint8Array;
  protected readonly passes: Int32Array;
  protected readonly generations: Int32Array;

  constructor(buffers: ConsentBoardBuffers) {
    this.control = new Int32Array(buffers.control, 0, 2);
    this.since = new Float64Array(buffers.control, 8, 1);
    this.notices = new Uint8Array(buffers.notices);
    this.passes = new Int32Array(buffers.passes);
    this.generations = new Int32Array(buffers.generations);
  }
}

/** BoardWriter is the listener thread's side: it writes notices and looks at passes. */
export class BoardWriter extends Board {
  private readonly encoder = new TextEncoder();

  /** write publishes a notice to the sending thread. */
  write(notice: ConsentNotice): void {
    const written = Atomics.load(this.control, WRITTEN);
    const text = `${notice.kind === 'opt_out' ? 'o' : 'i'}\t${notice.businessUnitId}\t${notice.phone}`;
    const bytes = this.encoder.encode(text);
    const at = (written % NOTICE_SLOTS) * NOTICE_BYTES;
    // One that does not fit is published as unreadable: the sender then stops trusting what it heard.
    const fits = bytes.length < NOTICE_BYTES;
    this.notices[at] = fits ? bytes.length : 0;
    if (fits) this.notices.set(bytes, at + 1);
    Atomics.store(this.control, WRITTEN, written + 1);
  }

  /** setListening says since when every committed notice is written (null: the connection is lost). */
  setListening(since: number | null): void {
    this.since[0] = since ?? 0;
    Atomics.add(this.control, EPOCH, 1);
  }

  /** passesOf lists the passes held for a phone right now (call after writing its notice). */
  passesOf(phone: string): PassMark[] {
    const hash = phoneHash(phone);
    const marks: PassMark[] = [];
    for (let slot = 0; slot < PASS_SLOTS; slot++)
      if (Atomics.load(this.passes, slot) === hash)
        marks.push({ slot, generation: Atomics.load(this.generations, slot) });
    return marks;
  }

  /** isReleased says whether a pass seen earlier has been given back. */
  isReleased(mark: PassMark): boolean {
    return Atomics.load(this.generations, mark.slot) !== mark.generation;
  }
}

/** BoardReader is the sending thread's side: it reads notices and holds passes. */
export class BoardReader extends Board {
  private read = 0;
  private cursor = 0;
  private readonly decoder = new TextDecoder();

  /** listeningSince is since when the listener has written every committed notice (null: not listening). */
  listeningSince(): number | null {
    Atomics.load(this.control, EPOCH);
    return this.since[0] === 0 ? null : this.since[0];
  }

  /** forgetListening clears what a listener thread that is gone published about its listening. */
  forgetListening(): void {
    this.since[0] = 0;
    Atomics.add(this.control, EPOCH, 1);
  }

  /** newNotices returns the notices written since the last call, or 'lost' if some were overwritten or unreadable. */
  newNotices(): ConsentNotice[] | 'lost' {
    const written = Atomics.load(this.control, WRITTEN);
    if (written - this.read > NOTICE_SLOTS) {
      this.read = written;
      return 'lost';
    }
    const first = this.read;
    const notices: ConsentNotice[] = [];
    let lost = false;
    for (; this.read < written; this.read++) {
      const at = (this.read % NOTICE_SLOTS) * NOTICE_BYTES;
      const length = this.notices[at];
      const [kind, businessUnitId, phone] = this.decoder
        .decode(this.notices.slice(at + 1, at + 1 + length))
        .split('\t');
      if (length === 0 || !phone) lost = true;
      else notices.push({ businessUnitId, phone, kind: kind === 'o' ? 'opt_out' : 'opt_in' });
    }
    // Slots read while the listener lapped them may be torn.
    if (Atomics.load(this.control, WRITTEN) - first > NOTICE_SLOTS) lost = true;
    return lost ? 'lost' : notices;
  }

  /** takePass holds a pass for a phone (a slot number, for releasePass). */
  takePass(phone: string): number {
    const hash = phoneHash(phone);
    for (let tried = 0; tried < PASS_SLOTS; tried++) {
      const slot = this.cursor;
      this.cursor = (this.cursor + 1) % PASS_SLOTS;
      if (Atomics.compareExchange(this.passes, slot, 0, hash) === 0) return slot;
    }
    throw new Error(`more than ${PASS_SLOTS} sends under way: no pass left for the last look`);
  }

  /** releasePass gives a pass back: a fence waiting for it may be acked. */
  releasePass(slot: number): void {
    Atomics.add(this.generations, slot, 1);
    Atomics.store(this.passes, slot, 0);
  }
}
