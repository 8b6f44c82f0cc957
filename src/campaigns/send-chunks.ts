import type { Kysely } from 'kysely';
import { Carrier, CarrierUnavailableError, OPTED_OUT_CODE } from '../carrier/carrier';
import { getCampaignById } from '../db/campaigns';
import { addDncEntry, phonesOnDnc } from '../db/dnc';
import { CampaignMessage, markMessages, recordSendResults, SendResult } from '../db/messages';
import type { Database } from '../db/schema';
import { timeZonesForNumber } from '../phones/phone-number';
import { scheduleSends, sleepUntil } from '../senders/send-pacer';
import { sendResultOf } from '../senders/send-single';
import type { CampaignContext } from './campaign-context';
import { isSending } from './campaign-status';
import { isWindowOpen, nextWindowOpening } from './quiet-hours';

/** SendDeps are the narrow interfaces the engine needs: a store and a carrier. */
export interface SendDeps {
  db: Kysely<Database>;
  carrier: Carrier;
  statusCallbackUrl: string;
  /** How long the carrier may keep failing before the batch gives up and the campaign waits for it. */
  carrierPatienceMs: number;
  heartbeat: () => void;
  now?: () => Date;
}

/** SendTally says what happened to a set of messages. */
export interface SendTally {
  attempted: number;
  failed: number;
  /** Messages left pending because the recipient's quiet-hours window is closed. */
  held: number;
  /** When the earliest held recipient's window opens (epoch ms), or null. */
  nextOpenAt: number | null;
  stoppedBy: string | null;
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

// How late a send slot may be taken before it is given up: well inside the jitter margin the pacer keeps per second.
const LATE_SLOT_MS = 5;

/** sendCampaignMessages sends messages of one campaign through their senders, all senders at once. */
export async function sendCampaignMessages(deps: SendDeps, context: CampaignContext, messages: CampaignMessage[]): Promise<SendTally> {
  const bySender = new Map<string, CampaignMessage[]>();
  for (const message of messages) {
    const list = bySender.get(message.sender_id!) ?? [];
    list.push(message);
    bySender.set(message.sender_id!, list);
  }
  const tallies = await Promise.all([...bySender.entries()].map(([senderId, queue]) => sendThroughSender(deps, context, senderId, queue)));
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

async function sendThroughSender(deps: SendDeps, context: CampaignContext, senderId: string, messages: CampaignMessage[]): Promise<SendTally> {
  const sender = context.senders.find((s) => s.id === senderId);
  if (!sender) throw new Error(`campaign ${context.campaign.id}: sender ${senderId} is gone`);
  const now = deps.now ?? (() => new Date());
  const window = context.campaign.quiet_hours;
  const tally: SendTally = { attempted: 0, failed: 0, held: 0, nextOpenAt: null, stoppedBy: null };
  let queue = messages;
  let failingSince: number | null = null;
  let backoffMs = 250;
  while (queue.length > 0) {
    // Recipients whose window is closed stay pending; the campaign comes back for them when it opens.
    const chunk: CampaignMessage[] = [];
    while (queue.length > 0 && chunk.length < chunkSize(sender.mps)) {
      const message = queue.shift()!;
      const zones = recipientZones(message);
      if (isWindowOpen(window, zones, now())) chunk.push(message);
      else {
        tally.held += 1;
        const opens = nextWindowOpening(window!, zones, now());
        tally.nextOpenAt = Math.min(tally.nextOpenAt ?? opens, opens);
      }
    }
    if (chunk.length === 0) continue;
    // Re-read the status and the DNC lists per chunk: a pause, cancel or STOP takes effect before the next send.
    const status = (await getCampaignById(deps.db, context.campaign.id))?.status ?? 'cancelled';
    if (!isSending(status)) return { ...tally, stoppedBy: status };
    const optedOut = await phonesOnDnc(deps.db, context.dncGroupIds, chunk.map((m) => m.to_phone));
    const sendable = chunk.filter((m) => !optedOut.has(m.to_phone));
    await markMessages(deps.db, chunk.filter((m) => optedOut.has(m.to_phone)).map((m) => m.id), 'skipped_dnc', {
      code: 'dnc',
      message: 'the contact opted out before this message was sent',
    });
    if (sendable.length === 0) continue;

    const slots = await scheduleSends(deps.db, senderId, sendable.map((m) => m.segments));
    await markMessages(deps.db, sendable.filter((m) => m.state === 'pending').map((m) => m.id), 'sending');
    const answers = await Promise.all(
      sendable.map(async (message, i): Promise<SendResult | 'retry' | 'late'> => {
        await sleepUntil(slots[i]);
        // A message whose timer fired late (a stalled event loop) would crowd the next one into the same second at
        // the carrier: it gives its slot up and books a new one instead.
        if (Date.now() - slots[i] > LATE_SLOT_MS) return 'late';
        return sendOne(deps, sender.address, message);
      }),
    );
    const late = sendable.filter((_, i) => answers[i] === 'late').map((m) => ({ ...m, state: 'sending' }));
    const results = answers.filter((a): a is SendResult => a !== 'retry' && a !== 'late');
    await recordSendResults(deps.db, results);
    await recordCarrierOptOuts(deps, context, sendable, results);
    tally.attempted += results.length;
    tally.failed += results.filter((r) => r.state !== 'sent').length;
    deps.heartbeat();

    const retry = sendable.filter((_, i) => answers[i] === 'retry').map((m) => ({ ...m, state: 'sending' }));
    if (retry.length === 0) {
      failingSince = null;
      backoffMs = 250;
      queue = [...late, ...queue];
      continue;
    }
    failingSince ??= Date.now();
    if (Date.now() - failingSince > deps.carrierPatienceMs) {
      throw new CarrierOutageError(`campaign ${context.campaign.id}: carrier unavailable for ${Date.now() - failingSince} ms`);
    }
    await new Promise((r) => setTimeout(r, backoffMs));
    backoffMs = Math.min(backoffMs * 2, 5000);
    queue = [...retry, ...late, ...queue];
  }
  return tally;
}

// The carrier refusing with 21610 means the contact unsubscribed there: mirror it in the campaign's DNC group.
async function recordCarrierOptOuts(deps: SendDeps, context: CampaignContext, sent: CampaignMessage[], results: SendResult[]) {
  const groupId = context.campaign.dnc_group_id ?? context.dncGroupIds[0];
  for (const result of results.filter((r) => r.state === 'opted_out')) {
    const phone = sent.find((m) => m.id === result.id)!.to_phone;
    await addDncEntry(deps.db, groupId, phone, { source: 'carrier', rule: `carrier:${OPTED_OUT_CODE}` });
  }
}

async function sendOne(deps: SendDeps, from: string, message: CampaignMessage): Promise<SendResult | 'retry'> {
  try {
    const outcome = await deps.carrier.send({
      to: message.to_phone,
      from,
      body: message.body ?? '',
      idempotencyKey: message.idempotency_key,
      statusCallback: deps.statusCallbackUrl,
    });
    return sendResultOf(message.id, outcome);
  } catch (error) {
    if (error instanceof CarrierUnavailableError) return 'retry';
    throw error;
  }
}
