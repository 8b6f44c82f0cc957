import { Carrier, CarrierInDoubtError, CarrierRefusalUnknown, CarrierUnavailableError } from '../carrier/carrier';
import type { CampaignMessage } from '../db/messages';
import type { DncScope } from '../dnc/dnc-scope';
import type { LastLook } from '../dnc/last-look';
import { sleepUntil } from '../senders/send-pacer';
import { statusCallbackFor } from '../outbound/outbound-message';
import { SendAnswer, sendAnswerOf } from '../outbound/send-results';
import { remainingValiditySeconds } from './validity';

// How late a send slot may be taken before it is given up. The pacer keeps 15 ms of every second for jitter (see
// PACING_SHARE): 8 ms late still leaves 7 for the way to the carrier (a few ms at p99), and a given-up slot is a slot
// the sender loses, so a tighter bound (5 ms gave up one send in 200 under load) costs more rate than it protects.
export const LATE_SLOT_MS = 8;

/** ChunkAnswers is what came of a chunk: the carrier's final answers and the messages that must go again. */
export interface ChunkAnswers {
  results: SendAnswer[];
  /** Messages not sent (slot missed, chunk halted) or to retry (the carrier was unavailable), in chunk order. */
  unsent: CampaignMessage[];
  /** Messages whose request may have reached the carrier without an answer: looked up there before any resend. */
  inDoubt: CampaignMessage[];
  /** Messages whose contact stopped after the chunk's DNC read: never sent. */
  optedOut: CampaignMessage[];
  /** How many times a send found its slot passed (each then took a spare slot, or went back unsent). */
  missedSlots: number;
  /** The carrier refused the sender or the account (its messages are in `unsent`): the campaign must pause. */
  senderRefusal: SenderRefusal | null;
  /** The carrier refused a send with a code the engine does not know (retried as transient, up to a bound). */
  unknownRefusal: SenderRefusal | null;
  /** Whether the carrier failed any send (its message goes again). */
  retried: boolean;
  /** Whether the carrier is failing rather than failing a few sends: see `carrierFailing` of ChunkInFlight. */
  carrierFailing: boolean;
  /** The longest Retry-After the carrier asked for in the chunk (ms), or null. */
  retryAfterMs: number | null;
}

/** ChunkInFlight is a chunk whose slots are booked and whose sends are under way. */
export interface ChunkInFlight {
  messages: CampaignMessage[];
  /** When the chunk's last send is due (epoch ms). */
  lastSlotAt: number;
  /** answers resolves once every send has answered or been given up (the same promise on every call). */
  answers(): Promise<ChunkAnswers>;
  /** halt gives up every send not yet made. */
  halt(): void;
  /** answered says whether every send has answered or been given up (answers() then resolves at once). */
  answered(): boolean;
  /**
   * carrierFailing says whether the carrier is failing, by the answers so far (the sender then backs off and books no
   * more until this chunk is settled): it asked to slow down (Retry-After), refused the sender, or failed at least as
   * many of the chunk's sends as it answered. A few failed sends among answered ones are not an outage: they go again
   * in the next chunk and the sender keeps its pace (at Twilio's occasional 5xx, backing off on each would stall a
   * large campaign for good).
   */
  carrierFailing(): boolean;
}

/** ChunkDeps is what sending a chunk needs. */
export interface ChunkDeps {
  carrier: Carrier;
  statusCallbackUrl: string;
  /** The worker's last look at the contacts' STOPs right before each send (none: the chunk's DNC read is the last). */
  lastLook?: LastLook;
}

/** Chunk is one sender's messages with their booked slots (epoch ms). */
export interface Chunk {
  from: string;
  messages: CampaignMessage[];
  slots: number[];
  /**
   * Slots of one segment each, booked after the chunk's own (epoch ms, ascending): a message whose slot passed before
   * it could go takes the next ones still ahead instead of going back to the queue. Every send still has a booked slot
   * of its own, so the sender's limit holds exactly.
   */
  spareSlots?: number[];
  /** The campaign's deadline (epoch ms): each send tells the carrier the validity left at that moment. */
  deadline: number | null;
  /** The DNC scope the chunk was read against, and when that read began (epoch ms). */
  dncRead: { scope: DncScope; readAt: number };
  /**
   * Called the moment the carrier asks the sender to slow down (Retry-After) or refuses it, so that the sender's other
   * chunks under way stop at once too: its loop notices only when it next wakes, up to a chunk's second later, and a
   * carrier that asked for quiet would meanwhile get the rest of the next chunk.
   */
  onSenderStopped?: () => void;
}

/** sendChunk sends each message at its booked slot and collects the answers without waiting for them. */
export function sendChunk(deps: ChunkDeps, chunk: Chunk): ChunkInFlight {
  const { from, messages, slots, deadline, dncRead } = chunk;
  const spares = [...(chunk.spareSlots ?? [])];
  let missedSlots = 0;
  // The first spare slots still ahead for a message of `segments`, taken for good; null when too few are left.
  const takeSpare = (segments: number): number | null => {
    while (spares.length > 0 && Date.now() - spares[0] > LATE_SLOT_MS) spares.shift();
    return spares.length >= segments ? spares.splice(0, segments)[0] : null;
  };
  let halted = false;
  let answered = 0;
  let failures = 0;
  let refused = false;
  let retryAfterMs: number | null = null;
  const carrierFailing = () => refused || retryAfterMs !== null || (failures > 0 && failures >= answered);
  let senderRefusal: SenderRefusal | null = null;
  let unknownRefusal: SenderRefusal | null = null;
  const settled = Promise.allSettled(
    messages.map(async (message, i): Promise<Outcome> => {
      // A message whose timer fired late (a stalled event loop) would crowd the next one into the same second at
      // the carrier: it gives its slot up and takes spare ones, or goes back to be booked again. Nothing stands between
      // the last check and the carrier's request but building it.
      for (let slot: number | null = slots[i]; ; slot = takeSpare(message.segments)) {
        if (slot === null) return 'unsent';
        await sleepUntil(slot);
        if (halted) return 'unsent';
        if (await deps.lastLook?.stoppedSince(dncRead.scope, message.to_phone, dncRead.readAt)) return 'opted_out';
        if (Date.now() - slot <= LATE_SLOT_MS) break;
        missedSlots += 1;
      }
      const outcome = await sendOne(deps, from, message, remainingValiditySeconds(deadline, Date.now()));
      if (outcome === 'retry' || outcome === 'in_doubt') failures += 1;
      if (typeof outcome !== 'object') return outcome;
      if ('throttled' in outcome) {
        failures += 1;
        retryAfterMs = Math.max(retryAfterMs ?? 0, outcome.throttled);
        chunk.onSenderStopped?.();
        return 'retry';
      }
      if ('refusal' in outcome) {
        failures += 1;
        refused = true;
        if (!outcome.refusal.known) {
          unknownRefusal = outcome.refusal;
          return 'retry';
        }
        // The sender cannot send: none of the chunk's other messages would go either.
        senderRefusal = outcome.refusal;
        halted = true;
        chunk.onSenderStopped?.();
        return 'unsent';
      }
      answered += 1;
      return outcome;
    }),
  );
  const answers = settled.then((outcomes): ChunkAnswers => {
    // Every send has finished before an unexpected error is passed on: none is left running behind the caller.
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) throw failure.reason;
    const values = outcomes.map((o) => (o as PromiseFulfilledResult<Outcome>).value);
    return {
      results: values.filter((v): v is SendAnswer => typeof v !== 'string' && !('refusal' in v)),
      unsent: messages.filter((_, i) => values[i] === 'retry' || values[i] === 'unsent'),
      inDoubt: messages.filter((_, i) => values[i] === 'in_doubt'),
      optedOut: messages.filter((_, i) => values[i] === 'opted_out'),
      missedSlots,
      retried: values.includes('retry') || values.includes('in_doubt'),
      carrierFailing: carrierFailing(),
      retryAfterMs,
      senderRefusal,
      unknownRefusal,
    };
  });
  // The caller awaits the answers later (after preparing the next chunk): an error must not count as unhandled.
  answers.catch(() => undefined);
  let done = false;
  void settled.then(() => (done = true));
  return {
    messages,
    lastSlotAt: Math.max(slots[slots.length - 1], ...(chunk.spareSlots ?? [])),
    answers: () => answers,
    halt: () => {
      halted = true;
    },
    carrierFailing,
    answered: () => done,
  };
}

/** SenderRefusal is the carrier refusing a sender or an account: its code (null if none) and message. */
export interface SenderRefusal {
  code: number | null;
  message: string;
  /** Whether the code is one Twilio documents as sender- or account-level (else: unknown, retried up to a bound). */
  known: boolean;
}

// What came of one message of the chunk: the carrier's answer, or why there is none.
// `throttled`: the carrier asked to slow down for that many ms (Retry-After); the message goes again.
type Outcome =
  SendAnswer | 'retry' | 'unsent' | 'in_doubt' | 'opted_out' | { refusal: SenderRefusal } | { throttled: number };

async function sendOne(
  deps: ChunkDeps,
  from: string,
  message: CampaignMessage,
  validityPeriodSeconds: number | undefined,
): Promise<Outcome> {
  try {
    const outcome = await deps.carrier.send({
      senderId: message.sender_id ?? undefined,
      to: message.to_phone,
      from,
      body: message.body ?? '',
      idempotencyKey: message.idempotency_key,
      statusCallback: statusCallbackFor(deps.statusCallbackUrl, message.id),
      validityPeriodSeconds,
    });
    if (outcome.kind === 'sender_refused')
      return { refusal: { code: outcome.code, message: outcome.message, known: true } };
    return sendAnswerOf(message, outcome);
  } catch (error) {
    if (error instanceof CarrierRefusalUnknown)
      return { refusal: { code: error.code, message: error.message, known: false } };
    if (error instanceof CarrierInDoubtError) return 'in_doubt';
    if (error instanceof CarrierUnavailableError)
      return error.retryAfterMs === null ? 'retry' : { throttled: error.retryAfterMs };
    throw error;
  }
}
