import { nextCampaignRecords } from '../db/calling-lists';
import { blockedContacts } from '../dnc/dnc-scope';
import { heldCampaignMessages, insertMessagesOnce, unsentCampaignMessages } from '../db/messages';
import { landlinesAmong } from '../db/landline-numbers';
import { HeldLock, withDispatchLock } from '../db/dispatch-lock';
import type { CampaignStatus, Sender } from '../db/schema';
import { log } from '../log';
import { loadCampaignContext } from './campaign-context';
import { isSending } from './campaign-status';
import { planRecipients } from './recipient-plan';
import { sendCampaignMessages, SendDeps, SendTally } from './send-chunks';

export { CarrierOutageError } from './send-chunks';
export type { SendDeps as DispatchDeps } from './send-chunks';

/** BatchInput names a campaign and the keyset checkpoint to continue after. */
export interface BatchInput {
  campaignId: string;
  /** A list record id in the walk; a message id in the sweep for held recipients. */
  afterId: string;
  batchSize: number;
  /** The batch holds at least this many seconds of the senders' combined rate (see batchPageSize). */
  batchSeconds?: number;
}

// A batch never holds more than this many times batchSize, whatever the senders' rate: its rows stay in memory.
const MAX_PAGE_MULTIPLE = 10;

/**
 * batchPageSize is how many recipients one batch takes: batchSize, or about batchSeconds of the senders' combined
 * rate when that is more (capped). Between two batches the senders idle while the workflow starts the next one (a
 * few hundred ms): a batch of a minute's sending keeps that loss small at any rate.
 */
export function batchPageSize(
  input: Pick<BatchInput, 'batchSize' | 'batchSeconds'>,
  senders: readonly Pick<Sender, 'mps'>[],
): number {
  const rate = senders.reduce((sum, s) => sum + s.mps, 0);
  const byRate = Math.ceil(rate * (input.batchSeconds ?? 0));
  return Math.max(input.batchSize, Math.min(byRate, input.batchSize * MAX_PAGE_MULTIPLE));
}

/** BatchResult says how far the batch got and what happened to its recipients. */
export type BatchResult =
  | ({ outcome: 'dispatched'; lastId: string; done: boolean } & Omit<SendTally, 'stoppedBy'>)
  | { outcome: 'stopped'; status: CampaignStatus };

function toResult(tally: SendTally, lastId: string, done: boolean): BatchResult {
  if (tally.stoppedBy !== null) return { outcome: 'stopped', status: tally.stoppedBy };
  const { stoppedBy: _ignored, ...counts } = tally;
  return { outcome: 'dispatched', lastId, done, ...counts };
}

// The answer of a batch that found nothing more to send after its checkpoint.
function nothingLeft(afterId: string): BatchResult {
  return { outcome: 'dispatched', lastId: afterId, done: true, attempted: 0, failed: 0, held: 0, nextOpenAt: null };
}

/**
 * dispatchBatch sends the next page of a campaign's list. It is safe to run again after any crash: message rows are
 * written once per (campaign, record), sent ones are skipped, and a send whose outcome is unknown is looked up at the
 * carrier before any resend. A run waits for any other run of the same campaign to end (withDispatchLock).
 */
export function dispatchBatch(deps: SendDeps, input: BatchInput): Promise<BatchResult> {
  return withDispatchLock(deps.db, input.campaignId, deps.heartbeat, (lock) => dispatchPage(locked(deps, lock), input));
}

async function dispatchPage(deps: SendDeps, input: BatchInput): Promise<BatchResult> {
  const context = await loadCampaignContext(deps.db, input.campaignId);
  if (!isSending(context.campaign.status)) return { outcome: 'stopped', status: context.campaign.status };
  const pageSize = batchPageSize(input, context.senders);
  const records = await nextCampaignRecords(deps.db, context.campaign.list_id, input.afterId, pageSize);
  if (records.length === 0) return nothingLeft(input.afterId);
  const lastId = records[records.length - 1].id;

  const onDnc = await blockedContacts(
    deps.db,
    context.dnc,
    records.map((r) => r.phone),
  );
  const landlines = await landlinesAmong(
    deps.db,
    context.campaign.business_unit_id,
    records.map((r) => r.phone),
  );
  await insertMessagesOnce(deps.db, planRecipients(context, records, onDnc, landlines));
  const unsent = await unsentCampaignMessages(deps.db, input.campaignId, input.afterId, lastId);
  const tally = await sendCampaignMessages(deps, context, unsent);
  const { attempted, failed, held, stoppedBy } = tally;
  const batch = { records: records.length, attempted, failed, held, stoppedBy, lastId };
  log.info({ campaignId: input.campaignId, ...batch }, 'campaign batch dispatched');
  return toResult(tally, lastId, records.length < pageSize);
}

/** dispatchHeld sends the next page of messages that were held for quiet hours, where the window is now open. */
export function dispatchHeld(deps: SendDeps, input: BatchInput): Promise<BatchResult> {
  return withDispatchLock(deps.db, input.campaignId, deps.heartbeat, (lock) =>
    dispatchHeldPage(locked(deps, lock), input),
  );
}

// A run checks that it still holds the lock at each heartbeat (between chunks): one that lost it stops sending.
function locked(deps: SendDeps, lock: HeldLock): SendDeps {
  return {
    ...deps,
    heartbeat: () => {
      lock.stillHeld();
      deps.heartbeat();
    },
  };
}

async function dispatchHeldPage(deps: SendDeps, input: BatchInput): Promise<BatchResult> {
  const context = await loadCampaignContext(deps.db, input.campaignId);
  if (!isSending(context.campaign.status)) return { outcome: 'stopped', status: context.campaign.status };
  const pageSize = batchPageSize(input, context.senders);
  const held = await heldCampaignMessages(deps.db, input.campaignId, input.afterId, pageSize);
  if (held.length === 0) return nothingLeft(input.afterId);
  const tally = await sendCampaignMessages(deps, context, held);
  return toResult(tally, held[held.length - 1].id, held.length < pageSize);
}
