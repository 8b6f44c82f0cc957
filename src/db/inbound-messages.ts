import type { Kysely } from 'kysely';
import type { Database } from './schema';

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
