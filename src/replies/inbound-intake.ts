// The inbound webhook's work: store the message once, then let the forwarder hand it to the contact's workflow.
import { isDataError } from '../db/connection';
import { groupCommit } from '../db/group-commit';
import type { OptOutFence } from '../dnc/opt-out-fence';
import { NewInboundMessage, recordInboundMessages, recordInboundMessagesFenced } from '../db/inbound-messages';
import type { Db } from '../db/schema';
import { findSenderByAddress } from '../db/senders';
import type { InboundForwarder } from './inbound-forwarder';
import { normalizePhone } from '../phones/phone-number';
import { unownedOutcome } from './apply-inbound-reply';
import { classifyReply } from './reply-keywords';

/** InboundWebhook is the part of the carrier's inbound webhook the system uses. */
export interface InboundWebhook {
  messageSid: string;
  from: string;
  to: string;
  body: string;
}

/** IntakeDeps are the store and a way to tell the forwarder that a message is waiting. */
export interface IntakeDeps {
  db: Db;
  forwarder: Pick<InboundForwarder, 'forward' | 'leaseMs'>;
  /** Holds an opt-out's answer until the sending workers have heard it (absent: answered once stored). */
  optOutFence?: Pick<OptOutFence, 'raiseWithin'>;
}

/** contactPhone is the sender of an inbound message in the E.164 form calling lists and DNC groups use. */
function contactPhone(from: string): string {
  const normalized = normalizePhone(from, 'US');
  return normalized.ok ? normalized.e164 : from.trim();
}

// Senders are never deleted and never change number or business unit, so who owns a number, once found, stays true.
// Only owners are kept: a number nobody owns yet may be added as a sender at any moment.
const MAX_KNOWN_OWNERS = 10_000;
// Webhooks that arrive while earlier ones are being stored are stored together, up to this many in one statement.
const MAX_STORED_TOGETHER = 200;

// What storing one webhook gave: whether it was new, and the fence raised with it (an opt-out's answer awaits it).
interface Recorded {
  stored: boolean;
  fenced: Promise<unknown> | null;
}

/** InboundIntake is the inbound webhook's work, with what it has learnt of which business unit owns which number. */
export interface InboundIntake {
  receive(webhook: InboundWebhook): Promise<'accepted' | 'duplicate' | 'unowned'>;
}

/**
 * createInboundIntake records each inbound webhook once per MessageSid. The stored row is the durable hand-off: the
 * carrier is answered without waiting for Temporal, and the forwarder signals the contact's conversation workflow (at
 * once; or its sweep does, from the row, after a crash or an outage). A repeated MessageSid changes nothing. A message
 * to a number no business unit owns (alphanumeric IDs own none) is recorded as handled and goes no further.
 * Webhooks arriving together are stored together (group commit), in arrival order: at hundreds a second one
 * statement each is what made them queue for PostgreSQL.
 */
export function createInboundIntake(deps: IntakeDeps): InboundIntake {
  // A lookup in flight is shared: webhooks to one number that arrive together wait for one query, and go on in the
  // order they arrived (which is the order they are stored in).
  const owners = new Map<string, Promise<string | null>>();
  // A batch with an opt-out raises its fence in the storing transaction: the STOP's answer then waits for one
  // statement and the workers' acks, not for a second statement queued behind the fences of other batches.
  const record = groupCommit(
    async (messages: NewInboundMessage[]): Promise<Recorded[]> => {
      const fence = deps.optOutFence;
      if (!fence || !messages.some((m) => m.keywordKind === 'opt_out'))
        return (await recordInboundMessages(deps.db, messages)).map((stored) => ({ stored, fenced: null }));
      const { result, acked } = await fence.raiseWithin(async (fenceId) => {
        const { stored, workers } = await recordInboundMessagesFenced(deps.db, messages, fenceId);
        return { result: stored, workers };
      });
      return result.map((stored) => ({ stored, fenced: acked }));
    },
    { maxBatch: MAX_STORED_TOGETHER, isItemError: isDataError },
  );

  function ownerOf(address: string): Promise<string | null> {
    const known = owners.get(address);
    if (known) return known;
    if (owners.size >= MAX_KNOWN_OWNERS) owners.clear();
    const owner = findSenderByAddress(deps.db, address).then((sender) => sender?.business_unit_id ?? null);
    owners.set(address, owner);
    const forget = () => {
      if (owners.get(address) === owner) owners.delete(address);
    };
    owner.then((id) => {
      if (!id) forget();
    }, forget);
    return owner;
  }

  return {
    async receive(webhook) {
      const businessUnitId = await ownerOf(webhook.to);
      const inbound = { ...webhook, from: contactPhone(webhook.from), businessUnitId };
      const reply = classifyReply(webhook.body);
      if (!businessUnitId) {
        await record({ ...inbound, unowned: unownedOutcome(reply) });
        return 'unowned';
      }
      // Classified here too (the workflow decides again, from the stored body) so a backlog can put consent first.
      // The kind is stored too: from the moment this row is committed, every send path treats an opt-out as applied.
      const keywordKind = reply.kind === 'message' ? null : reply.kind;
      const keyword = keywordKind !== null;
      const { stored, fenced } = await record({
        ...inbound,
        forwardLeaseMs: deps.forwarder.leaseMs,
        keyword,
        keywordKind,
      });
      // Forwarded before any wait, as stored: webhooks stored together go on in arrival order (a STOP then a START
      // from one contact must reach its conversation in that order, whatever the STOP then waits for).
      if (stored)
        deps.forwarder.forward({ messageSid: webhook.messageSid, businessUnitId, contact: inbound.from, keyword });
      // From the answer on, no message goes to the contact (a carrier's retry of a STOP whose first answer failed is
      // held the same way).
      if (keywordKind === 'opt_out') await fenced;
      return stored ? 'accepted' : 'duplicate';
    },
  };
}
