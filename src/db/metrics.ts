import type { Kysely } from 'kysely';
import { OPEN_CONVERSATION_STATUSES } from '../replies/conversation-status';
import type { Database } from './schema';

/** MessageStateCount is how many outbound messages of one kind a business unit has in one state. */
export interface MessageStateCount {
  business_unit_id: string;
  kind: string;
  state: string;
  n: number;
}

/** messageCountsByState counts every outbound message by business unit, kind and state (for /metrics). */
export async function messageCountsByState(db: Kysely<Database>): Promise<MessageStateCount[]> {
  const rows = await db
    .selectFrom('messages')
    .select(['business_unit_id', 'kind', 'state', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['business_unit_id', 'kind', 'state'])
    .execute();
  return rows.map((row) => ({ ...row, n: Number(row.n) }));
}

/** openConversationCounts counts open conversations (the agents' queue and those in hand) by business unit. */
export async function openConversationCounts(
  db: Kysely<Database>,
): Promise<{ business_unit_id: string; status: string; n: number }[]> {
  const rows = await db
    .selectFrom('conversations')
    .select(['business_unit_id', 'status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('status', 'in', [...OPEN_CONVERSATION_STATUSES])
    .groupBy(['business_unit_id', 'status'])
    .execute();
  return rows.map((row) => ({ ...row, n: Number(row.n) }));
}

/** unforwardedInboundCounts counts stored inbound messages not yet handed to their conversation workflow. */
export async function unforwardedInboundCounts(
  db: Kysely<Database>,
): Promise<{ business_unit_id: string; n: number }[]> {
  const rows = await db
    .selectFrom('inbound_messages')
    .select(['business_unit_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('forwarded_at', 'is', null)
    .where('business_unit_id', 'is not', null)
    .groupBy('business_unit_id')
    .execute();
  return rows.map((row) => ({ business_unit_id: row.business_unit_id!, n: Number(row.n) }));
}
