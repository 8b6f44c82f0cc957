import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { listenForConsentNotices } from '../db/consent-notices';
import { BoardWriter, ConsentBoardBuffers, PassMark } from './consent-board';

// A worker's consent listener, on a thread of its own (started by watchConsent, src/dnc/last-look.ts): it hears the
// stored STOPs and STARTs and the opt-out fences, publishes the notices to the sending thread through the shared board,
// and acks each fence once every send that held a pass for a contact heard stopping has given it back (its carrier
// request answered). Its event loop does nothing else, so an ack waits for no activity or workflow.

/** ListenerThreadData is what the sending thread hands the listener thread. */
export interface ListenerThreadData {
  connectionString: string;
  buffers: ConsentBoardBuffers;
  /** The nice this thread asks for (null: the process's own); see ConsentWatchOptions. */
  nice: number | null;
}

// How often passes a fence waits for are looked at, and how long at most: the webhook's own bound (about a second)
// answers the carrier without this worker's ack if a request under way hangs longer.
const POLL_MS = 1;
const GIVE_UP_MS = 5000;

const { connectionString, buffers, nice } = workerData as ListenerThreadData;
// On Linux a nice value belongs to a thread: this one alone, so a STOP's answer waits for no background work.
if (nice !== null) {
  try {
    setPriority(0, nice);
  } catch (error) {
    parentPort?.postMessage({ priorityRefused: String(error) });
  }
}
const board = new BoardWriter(buffers);
// Passes held when a STOP of their contact was heard: every fence from then on waits until they are given back.
let overtaken: PassMark[] = [];
const fences: { id: string; marks: PassMark[]; since: number }[] = [];
let polling: NodeJS.Timeout | null = null;
let due: string[] = [];
let acking = false;

const listener = listenForConsentNotices(connectionString, {
  notice(notice) {
    board.write(notice);
    if (notice.kind === 'opt_out') overtaken.push(...board.passesOf(notice.phone));
  },
  fence(id) {
    overtaken = overtaken.filter((mark) => !board.isReleased(mark));
    fences.push({ id, marks: [...overtaken], since: Date.now() });
    settleFences();
  },
  listening: () => board.setListening(Date.now()),
  lost: () => board.setListening(null),
});

function settleFences(): void {
  for (let i = 0; i < fences.length;) {
    const fence = fences[i];
    if (fence.marks.every((mark) => board.isReleased(mark))) {
      due.push(fence.id);
    } else if (Date.now() - fence.since < GIVE_UP_MS) {
      i++;
      continue;
    }
    fences.splice(i, 1);
  }
  if (due.length > 0 && !acking) void ackDue();
  if (fences.length > 0) polling ??= setTimeout(() => ((polling = null), settleFences()), POLL_MS);
}

// Acks that come due while one is being sent go together in the next. A lost ack holds its webhook until the bound.
async function ackDue(): Promise<void> {
  acking = true;
  while (due.length > 0) {
    const fenceIds = due;
    due = [];
    await listener.ack(fenceIds).catch(() => undefined);
  }
  acking = false;
}

parentPort?.on('message', (message) => {
  if (message !== 'close') return;
  if (polling) clearTimeout(polling);
  void listener.close().then(() => parentPort?.close());
});
