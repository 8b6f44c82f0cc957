import { CarrierUnavailableError, type Carrier } from '../carrier/carrier';
import { getCampaignById } from '../db/campaigns';
import { CampaignMessage, markExpired, markInDoubt, markMessages, markSending } from '../db/messages';
import type { CampaignStatus, Db, Sender } from '../db/schema';
import { blockedContacts } from '../dnc/dnc-scope';
import type { LastLook } from '../dnc/last-look';
import { isInDoubt } from '../outbound/message-state';
import { DNC_SKIP } from '../outbound/outbound-message';
import { recordSendAnswers } from '../outbound/send-results';
import { timeZonesForNumber } from '../phones/phone-number';
import { scheduleSends, sleepUntil, spareSlotsFor } from '../senders/send-pacer';
import type { CampaignContext } from './campaign-context';
import { isSending } from './campaign-status';
import { ChunkInFlight, LATE_SLOT_MS, SenderRefusal, sendChunk } from './chunk-flight';
import { DoubtfulSends } from './doubtful-sends';
import { pauseForSenderRefusal, senderRecovered } from './sender-refusal';
import { isWindowOpen, nextWindowOpening } from './quiet-hours';
import { EXPIRED_REASON, isPastDeadline, sendDeadline } from './validity';
import { deliverabilityBreach } from './deliverability-guard';
import { applyEngineEvent } from './engine-events';

/** SendDeps are the narrow interfaces the engine needs: a store and a carrier. */
export interface SendDeps {
  db: Db;
  carrier: Carrier;
  statusCallbackUrl: string;
  /** How long the carrier may keep failing before the batch gives up and the campaign waits for it. */
  carrierPatienceMs: number;
  /** How long after a send the carrier's list is trusted to show it (an in-doubt send is resent only after). */
  carrierSettleMs: number;
  heartbeat: () => void;
  now?: () => Date;
  /** The worker's last look at STOPs stored after a chunk's DNC read (none: that read is the last word). */
  lastLook?: LastLook;
}

/** SendTally says what happened to a set of messages. */
export interface SendTally {
  attempted: number;
  failed: number;
  /** Messages left pending because the recipient's quiet-hours window is closed. */
  held: number;
  /** When the earliest held recipient's window opens (epoch ms), or null. */
  nextOpenAt: number | null;
  stoppedBy: CampaignStatus | null;
}

/** CarrierOutageError says the carrier kept failing past the engine's patience; the campaign should wait for it. */
export class CarrierOutageError extends Error {
  override readonly name = 'CarrierOutageError';
}

// Messages sent per reservation: at most about one second of the sender's rate, so a pause, cancel or STOP takes
// effect within a second, and at most 50 so one chunk's rows stay one cheap statement.
function chunkSize(mps: number): number {
  return Math.max(1, Math.min(50, mps));
}

// How long before a chunk's last slot the next chunk is prepared (status and DNC read, rows marked, slots booked):
// ample for those few statements on a loaded machine, so the next slots are booked before the sender's last one
// passes and no time is lost between chunks; short enough that a pause, cancel or STOP still takes effect within
// about a second (the chunk after the check ends at most a chunk plus this lead later).
export const PREPARE_LEAD_MS = 250;

// How many of a sender's chunks may be under way at once. A send the carrier is slow to answer (up to the client's
// timeout, 10 s) keeps its chunk unsettled; the sender books the next chunks meanwhile instead of standing idle until
// that answer comes, up to this many (at 100 messages/s, 32 chunks of 50 cover 16 s).
const MAX_CHUNKS_IN_FLIGHT = 32;

/** sendCampaignMessages sends messages of one campaign through their senders, all senders at once. */
export async function sendCampaignMessages(
  deps: SendDeps,
  context: CampaignContext,
  messages: CampaignMessage[],
): Promise<SendTally> {
  const bySender = new Map<string, CampaignMessage[]>();
  for (const message of messages) {
    const list = bySender.get(message.sender_id!) ?? [];
    list.push(message);
    bySender.set(message.sender_id!, list);
  }
  // The carrier's keep-alive connections may have closed while this worker had nothing to send: open them again
  // before the first slot rather than on it.
  if (messages.length > 0) await deps.carrier.warmUp?.();
  const tallies = await Promise.all(
    [...bySender.entries()].map(([senderId, queue]) => sendThroughSender(deps, context, senderId, queue)),
  );
  const opens = tallies.map((t) => t.nextOpenAt).filter((t): t is number => t !== null);
  return {
    attempted: tallies.reduce((n, t) => n + t.attempted, 0),
    failed: tallies.reduce((n, t) => n + t.failed, 0),
    held: tallies.reduce((n, t) => n + t.held, 0),
    nextOpenAt: opens.length ? Math.min(...opens) : null,
    stoppedBy: tallies.find((t) => t.stoppedBy !== null)?.stoppedBy ?? null,
  };
}

function recipientZones(message: CampaignMessage): string[] {
  return message.record_timezone ? [message.record_timezone] : timeZonesForNumber(message.to_phone);
}

/**
 * sendThroughSender sends one sender's messages chunk by chunk, with the next chunk prepared (and its slots booked)
 * shortly before the current one's last slot, while the current one's answers are still coming back: the sender's
 * slots follow each other without a gap even when no other campaign shares it. Every message is marked sending
 * before the carrier sees it and its answer recorded after, so a retried batch resends with the same Idempotency-Key.
 */
async function sendThroughSender(
  deps: SendDeps,
  context: CampaignContext,
  senderId: string,
  messages: CampaignMessage[],
): Promise<SendTally> {
  const found = context.senders.find((s) => s.id === senderId);
  if (!found) throw new Error(`campaign ${context.campaign.id}: sender ${senderId} is gone`);
  const sender = found;
  const tally: SendTally = { attempted: 0, failed: 0, held: 0, nextOpenAt: null, stoppedBy: null };
  // Messages a cut-off run left handed to the carrier may be there already: they are looked up, never resent blindly.
  const doubtful = new DoubtfulSends(
    { db: deps.db, carrier: deps.carrier, settleMs: deps.carrierSettleMs },
    context.dnc,
    sender.address,
  );
  doubtful.add(messages.filter((m) => isInDoubt(m.state)));
  const queue = messages.filter((m) => !isInDoubt(m.state));
  const inFlight: ChunkInFlight[] = [];
  let failingSince: number | null = null;
  let backoffMs = 250;
  // What the carrier last asked for with Retry-After (ms): a backoff waits at least that long.
  let retryAfterMs: number | null = null;
  // A sender- or account-level refusal stops this sender's sending; an unknown code becomes one past the patience.
  let refusal: SenderRefusal | null = null;
  let unknownRefusal: SenderRefusal | null = null;
  let recovered = false;
  // Slots the last settled chunk found passed: the next chunk of a fast sender books as many spare ones.
  let recentMisses = 0;

  // Records a chunk's answers and puts its unsent messages back in front; says whether the carrier was failing (a
  // chunk where it was not ends any backoff: a few failed sends go again with the next chunk, at the sender's pace).
  async function settle(chunk: ChunkInFlight): Promise<boolean> {
    const answers = await chunk.answers();
    const { results, unsent, inDoubt, optedOut, retried, missedSlots, ...refusals } = answers;
    const at = inFlight.indexOf(chunk);
    // Settled twice, its unsent messages would be queued (and sent) twice.
    if (at < 0) throw new Error(`campaign ${context.campaign.id}: a chunk was settled twice`);
    inFlight.splice(at, 1);
    recentMisses = missedSlots;
    refusal ??= refusals.senderRefusal;
    // An unknown code pauses the sender only while the carrier keeps answering with it: a chunk it asked to slow down
    // (Retry-After) answered with something else (an SMSC's generic_nack once, then ESME_RTHROTTLED for longer than
    // the patience, paused a campaign the carrier was still taking).
    unknownRefusal = refusals.unknownRefusal ?? (retried && refusals.retryAfterMs === null ? unknownRefusal : null);
    if (!recovered && results.some((r) => r.state === 'sent')) {
      recovered = true;
      await senderRecovered(deps.db, sender);
    }
    await recordSendAnswers(deps.db, context.dnc, results);
    await skipForDnc(
      deps.db,
      optedOut.map((m) => m.id),
    );
    await markInDoubt(
      deps.db,
      inDoubt.map((m) => m.id),
    );
    doubtful.add(inDoubt);
    tally.attempted += results.length;
    tally.failed += results.filter((r) => r.state !== 'sent').length;
    queue.unshift(...unsent.map((m) => ({ ...m, state: 'sending' as const })));
    deps.heartbeat();
    // Kept until a backoff has waited it out: a chunk settled after the throttled one must not forget it.
    if (answers.retryAfterMs !== null) retryAfterMs = Math.max(retryAfterMs ?? 0, answers.retryAfterMs);
    // A chunk halted before any send says nothing of the carrier: only answers end a backoff.
    if (!answers.carrierFailing && results.length > 0) {
      failingSince = null;
      backoffMs = 250;
    }
    return answers.carrierFailing;
  }

  // The carrier failed a send: wait before sending more, and give up past the engine's patience.
  async function backOff(): Promise<void> {
    if (refusal) return;
    failingSince ??= Date.now();
    if (Date.now() - failingSince > deps.carrierPatienceMs) {
      if (unknownRefusal) return void (refusal = unknownRefusal);
      throw new CarrierOutageError(
        `campaign ${context.campaign.id}: carrier unavailable for ${Date.now() - failingSince} ms`,
      );
    }
    await new Promise((r) => setTimeout(r, Math.max(backoffMs, retryAfterMs ?? 0)));
    retryAfterMs = null;
    backoffMs = Math.min(backoffMs * 2, 5000);
  }

  // Everything else has gone: what the carrier has is recorded, what it has not goes again.
  async function settleDoubtful(): Promise<void> {
    try {
      const { sent, resend } = await doubtful.resolve();
      tally.attempted += sent;
      queue.push(...resend);
    } catch (error) {
      if (!(error instanceof CarrierUnavailableError)) throw error;
      await backOff();
    }
    deps.heartbeat();
  }

  // Nothing more goes through a refused sender: what is in flight is settled, the rest goes back to pending.
  async function stopForRefusal(found: SenderRefusal): Promise<CampaignStatus> {
    await haltAndSettleAll();
    const unsent = queue.filter((m) => m.state !== 'pending').map((m) => m.id);
    return pauseForSenderRefusal(deps.db, context.campaign.id, sender, found, unsent);
  }

  // Every chunk in flight gives up the sends it has not made yet, and all of them are settled.
  async function haltAndSettleAll(): Promise<void> {
    for (const chunk of inFlight) chunk.halt();
    while (inFlight.length > 0) await settle(inFlight[0]);
  }

  // The carrier is failing: nothing more goes until every chunk in flight is settled and the sender has backed off.
  async function holdBack(): Promise<void> {
    await haltAndSettleAll();
    await backOff();
  }

  try {
    for (;;) {
      if (refusal) return { ...tally, stoppedBy: await stopForRefusal(refusal) };
      const last = inFlight[inFlight.length - 1];
      if (last && queue.length > 0) await sleepUntil(last.lastSlotAt - PREPARE_LEAD_MS);
      // Chunks whose answers are all in are recorded (one still waiting on a slow answer does not hold them up).
      let failing = false;
      for (const chunk of inFlight.filter((c) => c.answered())) failing = (await settle(chunk)) || failing;
      if (failing || inFlight.some((chunk) => chunk.carrierFailing())) {
        await holdBack();
        continue;
      }
      const full = inFlight.length >= MAX_CHUNKS_IN_FLIGHT;
      const chunk = full ? [] : takeChunk(deps, context, sender, queue, tally);
      if (chunk.length === 0) {
        if (inFlight.length === 0 && doubtful.size === 0) return tally;
        if (inFlight.length === 0) {
          await settleDoubtful();
          continue;
        }
        // Nothing left to prepare, or too many chunks wait on answers: the first chunk to be answered is settled (its
        // unsent messages go back in front of the queue, and go while a slow answer is still awaited).
        if (await settle(await firstAnswered(inFlight))) await holdBack();
        continue;
      }
      const spares = spareSlotsFor(sender.mps, chunk.length, recentMisses, LATE_SLOT_MS);
      const prepared = await prepareChunk(deps, context, senderId, chunk, spares);
      if (prepared.stoppedBy !== null) {
        while (inFlight.length > 0) await settle(inFlight[0]);
        return { ...tally, stoppedBy: prepared.stoppedBy };
      }
      if (prepared.sendable.length === 0) continue;
      inFlight.push(
        sendChunk(deps, {
          from: sender.address,
          messages: prepared.sendable,
          slots: prepared.slots,
          spareSlots: prepared.spareSlots,
          deadline: sendDeadline(context.campaign),
          dncRead: { scope: context.dnc, readAt: prepared.dncReadAt },
          // The carrier asked for quiet or refused the sender: nothing more of any chunk goes until the loop backs off.
          onSenderStopped: () => inFlight.forEach((c) => c.halt()),
        }),
      );
    }
  } finally {
    // On an error (heartbeat cancelled, database gone), no new send starts and those on the wire finish first.
    for (const chunk of inFlight) chunk.halt();
    await Promise.all(inFlight.map((chunk) => chunk.answers().catch(() => undefined)));
  }
}

// The first of the chunks to have all its answers (an error counts: settling it passes the error on).
function firstAnswered(chunks: ChunkInFlight[]): Promise<ChunkInFlight> {
  return Promise.race(
    chunks.map((chunk) =>
      chunk.answers().then(
        () => chunk,
        () => chunk,
      ),
    ),
  );
}

// Takes up to one chunk of messages off the queue; recipients whose window is closed stay pending (the campaign comes
// back for them when it opens).
function takeChunk(
  deps: SendDeps,
  context: CampaignContext,
  sender: Sender,
  queue: CampaignMessage[],
  tally: SendTally,
): CampaignMessage[] {
  const now = deps.now ?? (() => new Date());
  const window = context.campaign.quiet_hours;
  const deadline = sendDeadline(context.campaign);
  const chunk: CampaignMessage[] = [];
  while (queue.length > 0 && chunk.length < chunkSize(sender.mps)) {
    const message = queue.shift()!;
    const zones = recipientZones(message);
    // Past the campaign's validity a message is taken whatever its window: prepareChunk expires it.
    if (isPastDeadline(deadline, now().getTime()) || isWindowOpen(window, zones, now())) chunk.push(message);
    else {
      tally.held += 1;
      // The campaign comes back by the deadline at the latest, to expire what the window held past it.
      const opens = Math.min(nextWindowOpening(window!, zones, now()), deadline ?? Infinity);
      tally.nextOpenAt = Math.min(tally.nextOpenAt ?? opens, opens);
    }
  }
  return chunk;
}

function senderOf(context: CampaignContext, senderId: string): Sender {
  const sender = context.senders.find((s) => s.id === senderId);
  if (!sender) throw new Error(`campaign ${context.campaign.id}: sender ${senderId} is gone`);
  return sender;
}

type PreparedChunk =
  | { stoppedBy: CampaignStatus }
  | { stoppedBy: null; sendable: CampaignMessage[]; slots: number[]; spareSlots: number[]; dncReadAt: number };

// Re-reads the status and the DNC lists per chunk (a pause, cancel or STOP takes effect before the next chunk), marks
// the chunk sending before any of it reaches the carrier, and only then books its slots (and `spares` spare ones after
// them), so the first is still fresh.
async function prepareChunk(
  deps: SendDeps,
  context: CampaignContext,
  senderId: string,
  chunk: CampaignMessage[],
  spares: number,
): Promise<PreparedChunk> {
  // Taken before the read: a STOP committed after this moment may be missed by it, and the last look catches it.
  const dncReadAt = Date.now();
  const [campaign, optedOut, breach] = await Promise.all([
    getCampaignById(deps.db, context.campaign.id),
    blockedContacts(
      deps.db,
      context.dnc,
      chunk.map((m) => m.to_phone),
    ),
    // The batch's own campaign row: its status last changed before the batch began (a change since stops it).
    deliverabilityBreach(deps.db, context.campaign, senderOf(context, senderId), context.deliverability),
  ]);
  const status = campaign?.status ?? 'cancelled';
  if (!isSending(status)) return { stoppedBy: status };
  if (breach !== null) {
    const paused = await applyEngineEvent(deps.db, context.campaign.id, 'deliverability_guard', breach);
    return { stoppedBy: paused ?? 'cancelled' };
  }
  // The deadline is the same for every recipient: once it has passed, the whole chunk expires unsent.
  if (isPastDeadline(sendDeadline(campaign!), (deps.now?.() ?? new Date()).getTime())) {
    await markExpired(
      deps.db,
      chunk.map((m) => m.id),
      EXPIRED_REASON,
    );
    return { stoppedBy: null, sendable: [], slots: [], spareSlots: [], dncReadAt };
  }
  const candidates = chunk.filter((m) => !optedOut.has(m.to_phone));
  const [, marked] = await Promise.all([
    skipForDnc(
      deps.db,
      chunk.filter((m) => optedOut.has(m.to_phone)).map((m) => m.id),
    ),
    // Every send (a first one, or again after the carrier failed it or did not have it) notes when it was handed over;
    // one a receipt has meanwhile shown sent is left out.
    markSending(
      deps.db,
      candidates.map((m) => m.id),
    ),
  ]);
  const sendable = candidates.filter((m) => marked.has(m.id));
  if (sendable.length === 0) return { stoppedBy: null, sendable, slots: [], spareSlots: [], dncReadAt };
  const slots = await scheduleSends(deps.db, senderId, [
    ...sendable.map((m) => m.segments),
    ...Array<number>(spares).fill(1),
  ]);
  return {
    stoppedBy: null,
    sendable,
    slots: slots.slice(0, sendable.length),
    spareSlots: slots.slice(sendable.length),
    dncReadAt,
  };
}

// Recipients the DNC lists keep from this campaign are skipped, never sent.
function skipForDnc(db: Db, messageIds: string[]): Promise<unknown> {
  return markMessages(db, messageIds, DNC_SKIP.state, DNC_SKIP);
}
