import { Kysely, sql } from 'kysely';
import type { Database, InboundMessage } from './schema';

/** recordInboundMessage stores an inbound webhook once per MessageSid; false when it was already recorded. */
export async function recordInboundMessage(
  db: Kysely<Database>,
  inbound: { messageSid: string; businessUnitId: string | null; from: string; to: string; body: string },
): Promise<boolean> {
  const row = await db
    .insertInto('inbound_messages')
    .values({
      message_sid: inbound.messageSid,
      business_unit_id: inbound.businessUnitId,
      from_phone: inbound.from,
      to_address: inbound.to,
      body: inbound.body,
      classification: null,
      rule: null,
      processed_at: null,
    })
    .onConflict((oc) => oc.column('message_sid').doNothing())
    .returning('message_sid')
    .executeTakeFirst();
  return !!row;
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
