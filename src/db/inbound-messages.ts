import { Kysely, sql } from 'kysely';
import { announceOptOutFence } from './consent-notices';
import type { Database, InboundMessage } from './schema';

/** NewInboundMessage is an inbound webhook as stored; `unowned` records one no business unit will handle. */
export interface NewInboundMessage {
  messageSid: string;
  businessUnitId: string | null;
  from: string;
  to: string;
  body: string;
  /** For a message to a number no business unit owns: stored already handled, so it is never forwarded. */
  unowned?: { classification: string; rule: string | null; outcome: string };
  /** How long the receiving process keeps the message to forward itself before any forwarder may take it. */
  forwardLeaseMs?: number;
  /** A STOP, START or HELP (or a plain-words revocation): a backlog forwards it first. */
  keyword?: boolean;
  /** What the keyword asks for: a stored opt-out blocks the contact before its workflow applies it. */
  keywordKind?: KeywordKind | null;
}

/** KeywordKind is what a keyword reply asks for, as stored on its inbound row. */
export type KeywordKind = 'opt_out' | 'opt_in' | 'help';

/**
 * recordInboundMessages stores inbound webhooks in one statement, each MessageSid once: true for each one this call
 * stored, false for a MessageSid recorded before (or earlier in the same call). A message for a business unit is
 * stored unforwarded and claimed by the receiving process for forwardLeaseMs: the row is the durable hand-off, so the
 * webhook can answer at once, and if that process dies the claim runs out. The rows keep the order they were given
 * in: each is stamped received a microsecond after the one before it, and the forwarder takes them in that order.
 */
export async function recordInboundMessages(
  db: Kysely<Database>,
  inbound: readonly NewInboundMessage[],
): Promise<boolean[]> {
  const firsts = new Map<string, NewInboundMessage>();
  for (const message of inbound) if (!firsts.has(message.messageSid)) firsts.set(message.messageSid, message);
  const rows = [...firsts.values()].map((message, i) => {
    const handledNow = message.unowned ? sql<Date>`now()` : null;
    return {
      message_sid: message.messageSid,
      business_unit_id: message.businessUnitId,
      from_phone: message.from,
      to_address: message.to,
      body: message.body,
      classification: message.unowned?.classification ?? null,
      rule: message.unowned?.rule ?? null,
      outcome: message.unowned?.outcome ?? null,
      processed_at: handledNow,
      forwarded_at: handledNow,
      forward_after: sql<Date>`now() + make_interval(secs => ${(message.forwardLeaseMs ?? 0) / 1000}::float8)`,
      keyword: message.keyword ?? false,
      keyword_kind: message.keywordKind ?? null,
      received_at: sql<Date>`now() + ${i}::int * interval '1 microsecond'`,
    };
  });
  const stored = await db
    .insertInto('inbound_messages')
    .values(rows)
    .onConflict((oc) => oc.column('message_sid').doNothing())
    .returning('message_sid')
    .execute();
  const storedSids = new Set(stored.map((row) => row.message_sid));
  return inbound.map((message) => firsts.get(message.messageSid) === message && storedSids.has(message.messageSid));
}

/**
 * recordInboundMessagesFenced stores inbound webhooks as recordInboundMessages does and, in the same transaction, after
 * them, announces the opt-out fence `fenceId` (see announceOptOutFence): the listeners it counts hear the stored STOPs
 * before the fence, and both at the commit. With no fence (null) it only stores them, and no listener is counted.
 */
export async function recordInboundMessagesFenced(
  db: Kysely<Database>,
  inbound: readonly NewInboundMessage[],
  fenceId: string | null,
): Promise<{ stored: boolean[]; workers: number[] }> {
  if (fenceId === null) return { stored: await recordInboundMessages(db, inbound), workers: [] };
  return db.transaction().execute(async (trx) => {
    const stored = await recordInboundMessages(trx, inbound);
    return { stored, workers: await announceOptOutFence(trx, fenceId) };
  });
}

/** recordInboundMessage stores one inbound webhook (see recordInboundMessages); false when it was already recorded. */
export async function recordInboundMessage(db: Kysely<Database>, inbound: NewInboundMessage): Promise<boolean> {
  const [stored] = await recordInboundMessages(db, [inbound]);
  return stored;
}

/** InboundToForward is what signalling a conversation workflow needs from a stored inbound message. */
export interface InboundToForward {
  messageSid: string;
  businessUnitId: string;
  contact: string;
  /** A STOP, START or HELP (or a plain-words revocation): it goes ahead of other contacts' waiting replies. */
  keyword: boolean;
}

/**
 * claimInboundToForward takes up to `limit` unforwarded messages nobody holds (their receiver died, or their signal
 * failed and its retry is due) and holds them for `leaseMs` so no other forwarder takes them meanwhile. Keywords
 * (STOP, START, HELP) are taken first, then the oldest messages; a keyword brings its contact's earlier waiting
 * messages along (so `limit` may be passed), because each contact's messages are handled in the order written. SKIP
 * LOCKED lets several forwarders (API replicas) sweep side by side.
 */
export async function claimInboundToForward(
  db: Kysely<Database>,
  limit: number,
  leaseMs: number,
): Promise<InboundToForward[]> {
  // Two short index scans (the waiting keywords, the oldest waiting) rather than sorting the whole backlog; then each
  // picked contact's waiting messages up to its newest pick. The claimed rows come back in arrival order.
  const { rows } = await sql<{ message_sid: string; business_unit_id: string; from_phone: string; keyword: boolean }>`
    WITH candidates AS (
      (SELECT business_unit_id, from_phone, received_at, 0 AS rank FROM inbound_messages
        WHERE forwarded_at IS NULL AND keyword AND (forward_after IS NULL OR forward_after <= now())
        ORDER BY received_at LIMIT ${limit})
      UNION ALL
      (SELECT business_unit_id, from_phone, received_at, 1 AS rank FROM inbound_messages
        WHERE forwarded_at IS NULL AND (forward_after IS NULL OR forward_after <= now())
        ORDER BY received_at LIMIT ${limit})),
    picked AS (
      SELECT business_unit_id, from_phone, max(received_at) AS upto
        FROM (SELECT * FROM candidates ORDER BY rank, received_at LIMIT ${limit}) first
       GROUP BY business_unit_id, from_phone),
    due AS (
      SELECT m.message_sid FROM inbound_messages m
        JOIN picked p ON p.business_unit_id = m.business_unit_id AND p.from_phone = m.from_phone
       WHERE m.forwarded_at IS NULL AND (m.forward_after IS NULL OR m.forward_after <= now())
         AND m.received_at <= p.upto
       ORDER BY m.received_at
       LIMIT ${limit * 2}
         FOR UPDATE OF m SKIP LOCKED),
    claimed AS (
      UPDATE inbound_messages m
         SET forward_after = now() + make_interval(secs => ${leaseMs / 1000}::float8)
        FROM due
       WHERE m.message_sid = due.message_sid
      RETURNING m.message_sid, m.business_unit_id, m.from_phone, m.received_at, m.keyword)
    SELECT message_sid, business_unit_id, from_phone, keyword FROM claimed ORDER BY received_at, message_sid`.execute(
    db,
  );
  return rows.map((r) => ({
    messageSid: r.message_sid,
    businessUnitId: r.business_unit_id,
    contact: r.from_phone,
    keyword: r.keyword,
  }));
}

/**
 * countInboundInHand counts messages forwarded in the last `windowMs` and not handled yet: the work Temporal has in
 * hand. One that stays unhandled past the window (a failing workflow) stops counting, so it cannot stall forwarding.
 */
export async function countInboundInHand(db: Kysely<Database>, windowMs: number): Promise<number> {
  const row = await db
    .selectFrom('inbound_messages')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('processed_at', 'is', null)
    .where('forwarded_at', '>', sql<Date>`now() - make_interval(secs => ${windowMs / 1000}::float8)`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** markInboundForwarded records that these messages' conversation workflows have them. */
export async function markInboundForwarded(db: Kysely<Database>, messageSids: readonly string[]): Promise<void> {
  if (messageSids.length === 0) return;
  await db
    .updateTable('inbound_messages')
    .set({ forwarded_at: sql`now()`, forward_after: null })
    .where('message_sid', 'in', messageSids)
    .execute();
}

/** deferInboundForwarding holds messages whose forwarding failed back for `delayMs` before the next attempt. */
export async function deferInboundForwarding(
  db: Kysely<Database>,
  messageSids: readonly string[],
  delayMs: number,
): Promise<void> {
  if (messageSids.length === 0) return;
  await db
    .updateTable('inbound_messages')
    .set({ forward_after: sql`now() + make_interval(secs => ${delayMs / 1000}::float8)` })
    .where('message_sid', 'in', messageSids)
    .execute();
}

/** getInboundMessage loads a recorded inbound message by its MessageSid. */
export async function getInboundMessage(db: Kysely<Database>, messageSid: string): Promise<InboundMessage | undefined> {
  return db.selectFrom('inbound_messages').selectAll().where('message_sid', '=', messageSid).executeTakeFirst();
}

/** InboundOutcome is what handling an inbound message decided and did. */
export interface InboundOutcome {
  classification: string;
  rule: string | null;
  outcome: string;
  conversationId: string | null;
  confirmationMessageId: string | null;
  /** What the message answers (reports count replies and opt-outs by campaign, skill and sender); absent: nothing. */
  attribution?: { campaignId: string | null; skillId: string | null; senderId: string };
}

/** markInboundProcessed stores what handling did; the first handling wins, so a retry cannot rewrite the record. */
export async function markInboundProcessed(
  db: Kysely<Database>,
  messageSid: string,
  result: InboundOutcome,
): Promise<InboundMessage> {
  await db
    .updateTable('inbound_messages')
    .set({
      classification: result.classification,
      rule: result.rule,
      outcome: result.outcome,
      conversation_id: result.conversationId,
      confirmation_message_id: result.confirmationMessageId,
      campaign_id: result.attribution?.campaignId ?? null,
      skill_id: result.attribution?.skillId ?? null,
      sender_id: result.attribution?.senderId ?? null,
      processed_at: sql`now()`,
    })
    .where('message_sid', '=', messageSid)
    .where('processed_at', 'is', null)
    .execute();
  return (await getInboundMessage(db, messageSid))!;
}

/** inboundMessageCounts counts every recorded inbound message and how many of them have been handled. */
export async function inboundMessageCounts(db: Kysely<Database>): Promise<{ recorded: number; processed: number }> {
  const row = await db
    .selectFrom('inbound_messages')
    .select((eb) => [eb.fn.countAll<string>().as('recorded'), eb.fn.count<string>('processed_at').as('processed')])
    .executeTakeFirstOrThrow();
  return { recorded: Number(row.recorded), processed: Number(row.processed) };
}

/** HandlingDelays are how long after arrival handled messages took effect (seconds), keywords and others apart. */
export interface HandlingDelays {
  keyword: boolean;
  count: number;
  p50: number;
  p99: number;
}

/** inboundHandlingDelays measures arrival-to-handled delays of the messages received since `since`. */
export async function inboundHandlingDelays(db: Kysely<Database>, since: Date): Promise<HandlingDelays[]> {
  const { rows } = await sql<{ keyword: boolean; count: number; p50: number; p99: number }>`
    SELECT keyword, count(*)::int AS count,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - received_at)) AS p50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - received_at)) AS p99
      FROM inbound_messages
     WHERE processed_at IS NOT NULL AND business_unit_id IS NOT NULL AND received_at >= ${since}
     GROUP BY keyword ORDER BY keyword DESC`.execute(db);
  return rows.map((r) => ({ keyword: r.keyword, count: r.count, p50: Number(r.p50), p99: Number(r.p99) }));
}

/**
 * latestPendingConsent is a contact's latest stored opt-out or opt-in in a business unit that its conversation
 * workflow has not applied yet, or undefined (served by the index inbound_messages_pending_consent).
 */
export async function latestPendingConsent(
  db: Kysely<Database>,
  businessUnitId: string,
  contact: string,
): Promise<InboundMessage | undefined> {
  return db
    .selectFrom('inbound_messages')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .where('from_phone', '=', contact)
    .where('processed_at', 'is', null)
    .where('keyword_kind', 'in', ['opt_out', 'opt_in'])
    .orderBy('received_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}
