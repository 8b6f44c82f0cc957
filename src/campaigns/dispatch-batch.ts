import type { Kysely } from 'kysely';
import { Carrier, CarrierUnavailableError, OPTED_OUT_CODE } from '../carrier/carrier';
import { nextCampaignRecords } from '../db/calling-lists';
import { getCampaignById } from '../db/campaigns';
import { addDncEntry, phonesOnDnc } from '../db/dnc';
import { insertMessagesOnce, markMessages, recordSendResults, SendResult, unsentCampaignMessages } from '../db/messages';
import type { Database, Message } from '../db/schema';
import { scheduleSends, sleepUntil } from '../senders/send-pacer';
import { CampaignContext, loadCampaignContext } from './campaign-context';
import { isSending } from './campaign-status';
import { planRecipients } from './recipient-plan';

/** DispatchDeps are the narrow interfaces the engine needs: a store and a carrier. */
export interface DispatchDeps {
  db: Kysely<Database>;
  carrier: Carrier;
  statusCallbackUrl: string;
  /** How long the carrier may keep failing before the batch gives up and the campaign waits for it. */
  carrierPatienceMs: number;
  heartbeat: () => void;
}

/** BatchInput names a campaign and the keyset checkpoint to continue after. */
export interface BatchInput {
  campaignId: string;
  afterRecordId: string;
  batchSize: number;
}

/** BatchResult says how far the batch got and what happened to its recipients. */
export type BatchResult =
  | { outcome: 'dispatched'; lastRecordId: string; done: boolean; attempted: number; failed: number }
  | { outcome: 'stopped'; status: string };

/** CarrierOutageError says the carrier kept failing past the engine's patience; the campaign should wait for it. */
export class CarrierOutageError extends Error {
  override readonly name = 'CarrierOutageError';
}

// Messages sent per reservation: at most about one second of the sender's rate, so a pause, cancel or STOP takes
// effect within a second, and at most 50 so one chunk's rows stay one cheap statement.
function chunkSize(mps: number): number {
  return Math.max(1, Math.min(50, mps));
}

/**
 * dispatchBatch sends the next page of a campaign's recipients. It is safe to run again after any crash: message rows
 * are written once per (campaign, record), sent ones are skipped, and an interrupted send is retried with the same
 * Idempotency-Key so the carrier accepts it once.
 */
export async function dispatchBatch(deps: DispatchDeps, input: BatchInput): Promise<BatchResult> {
  const context = await loadCampaignContext(deps.db, input.campaignId);
  if (!isSending(context.campaign.status)) return { outcome: 'stopped', status: context.campaign.status };
  const records = await nextCampaignRecords(deps.db, context.campaign.list_id, input.afterRecordId, input.batchSize);
  if (records.length === 0) return { outcome: 'dispatched', lastRecordId: input.afterRecordId, done: true, attempted: 0, failed: 0 };
  const lastRecordId = records[records.length - 1].id;

  const onDnc = await phonesOnDnc(deps.db, context.dncGroupIds, records.map((r) => r.phone));
  await insertMessagesOnce(deps.db, planRecipients(context, records, onDnc));
  const unsent = await unsentCampaignMessages(deps.db, input.campaignId, input.afterRecordId, lastRecordId);

  const bySender = new Map<string, Message[]>();
  for (const message of unsent) bySender.set(message.sender_id!, [...(bySender.get(message.sender_id!) ?? []), message]);
  const tallies = await Promise.all([...bySender.entries()].map(([senderId, messages]) => sendThroughSender(deps, context, senderId, messages)));
  const stopped = tallies.find((t) => t.stoppedBy !== null);
  if (stopped) return { outcome: 'stopped', status: stopped.stoppedBy! };
  return {
    outcome: 'dispatched',
    lastRecordId,
    done: records.length < input.batchSize,
    attempted: tallies.reduce((n, t) => n + t.attempted, 0),
    failed: tallies.reduce((n, t) => n + t.failed, 0),
  };
}

interface SenderTally {
  attempted: number;
  failed: number;
  stoppedBy: string | null;
}

async function sendThroughSender(deps: DispatchDeps, context: CampaignContext, senderId: string, messages: Message[]): Promise<SenderTally> {
  const sender = context.senders.find((s) => s.id === senderId);
  if (!sender) throw new Error(`campaign ${context.campaign.id}: sender ${senderId} is gone`);
  const tally: SenderTally = { attempted: 0, failed: 0, stoppedBy: null };
  let queue = messages;
  let failingSince: number | null = null;
  let backoffMs = 250;
  while (queue.length > 0) {
    const chunk = queue.slice(0, chunkSize(sender.mps));
    queue = queue.slice(chunk.length);
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
      sendable.map(async (message, i) => {
        await sleepUntil(slots[i]);
        return sendOne(deps, sender.address, message);
      }),
    );
    const results = answers.filter((a): a is SendResult => a !== 'retry');
    await recordSendResults(deps.db, results);
    await recordCarrierOptOuts(deps, context, sendable, results);
    tally.attempted += results.length;
    tally.failed += results.filter((r) => r.state !== 'sent').length;
    deps.heartbeat();

    const retry = sendable.filter((_, i) => answers[i] === 'retry').map((m) => ({ ...m, state: 'sending' }));
    if (retry.length === 0) {
      failingSince = null;
      backoffMs = 250;
      continue;
    }
    failingSince ??= Date.now();
    if (Date.now() - failingSince > deps.carrierPatienceMs) {
      throw new CarrierOutageError(`campaign ${context.campaign.id}: carrier unavailable for ${Date.now() - failingSince} ms`);
    }
    await new Promise((r) => setTimeout(r, backoffMs));
    backoffMs = Math.min(backoffMs * 2, 5000);
    queue = [...retry, ...queue];
  }
  return tally;
}

// The carrier refusing with 21610 means the contact unsubscribed there: mirror it in the campaign's DNC group.
async function recordCarrierOptOuts(deps: DispatchDeps, context: CampaignContext, sent: Message[], results: SendResult[]) {
  const groupId = context.campaign.dnc_group_id ?? context.dncGroupIds[0];
  for (const result of results.filter((r) => r.state === 'opted_out')) {
    const phone = sent.find((m) => m.id === result.id)!.to_phone;
    await addDncEntry(deps.db, groupId, phone, { source: 'carrier', rule: `carrier:${OPTED_OUT_CODE}` });
  }
}

async function sendOne(deps: DispatchDeps, from: string, message: Message): Promise<SendResult | 'retry'> {
  try {
    const outcome = await deps.carrier.send({
      to: message.to_phone,
      from,
      body: message.body ?? '',
      idempotencyKey: message.idempotency_key,
      statusCallback: deps.statusCallbackUrl,
    });
    if (outcome.kind === 'accepted') return { id: message.id, state: 'sent', carrierSid: outcome.sid, errorCode: null, errorMessage: null };
    const state = outcome.kind === 'opted_out' || outcome.code === OPTED_OUT_CODE ? 'opted_out' : 'failed';
    return { id: message.id, state, carrierSid: null, errorCode: String(outcome.code ?? 'rejected'), errorMessage: outcome.message };
  } catch (error) {
    if (error instanceof CarrierUnavailableError) return 'retry';
    throw error;
  }
}
