import { Kysely, sql } from 'kysely';
import type { Conversation, ConversationStatus, Database, Message, NewMessage } from './schema';

/**
 * ConversationView is a conversation with the address the contact wrote to, and what the contact is answering: the
 * campaign's name, its last message to the contact from that number and the contact's list record (its fields).
 */
export type ConversationView = Conversation & {
  sender_address: string;
  campaign_name: string | null;
  origin_body: string | null;
  origin_at: Date | null;
  origin_fields: Record<string, string> | null;
};

function conversationsWithSender(db: Kysely<Database>, businessUnitId: string) {
  return (
    db
      .selectFrom('conversations')
      .innerJoin('senders', 'senders.id', 'conversations.sender_id')
      .leftJoin('campaigns', 'campaigns.id', 'conversations.campaign_id')
      // The campaign's message to this contact from this number, over messages' (business unit, phone, sender) index.
      .leftJoinLateral(
        (eb) =>
          eb
            .selectFrom('messages as m')
            .leftJoin('list_records as lr', 'lr.id', 'm.record_id')
            .select([
              'm.body as origin_body',
              (e) => e.fn.coalesce('m.sent_at', 'm.created_at').as('origin_at'),
              'lr.fields as origin_fields',
            ])
            .whereRef('m.business_unit_id', '=', 'conversations.business_unit_id')
            .whereRef('m.to_phone', '=', 'conversations.contact')
            .whereRef('m.sender_id', '=', 'conversations.sender_id')
            .whereRef('m.campaign_id', '=', 'conversations.campaign_id')
            .orderBy('m.id', 'desc')
            .limit(1)
            .as('origin'),
        (join) => join.onTrue(),
      )
      .selectAll('conversations')
      .select([
        'senders.address as sender_address',
        'campaigns.name as campaign_name',
        'origin.origin_body',
        'origin.origin_at',
        'origin.origin_fields',
      ])
      .where('conversations.business_unit_id', '=', businessUnitId)
  );
}

/**
 * openOrJoinConversation returns the contact's open conversation, creating it (queued) when there is none. The latest
 * inbound decides the sender agents answer from; the campaign is kept when this reply cannot be attributed to one.
 */
export async function openOrJoinConversation(
  db: Kysely<Database>,
  conversation: {
    businessUnitId: string;
    contact: string;
    senderId: string;
    campaignId: string | null;
    skillId?: string | null;
  },
): Promise<Conversation> {
  return db
    .insertInto('conversations')
    .values({
      business_unit_id: conversation.businessUnitId,
      contact: conversation.contact,
      sender_id: conversation.senderId,
      campaign_id: conversation.campaignId,
      status: 'queued',
      agent: null,
      closed_reason: null,
      closed_at: null,
      skill_id: conversation.skillId ?? null,
      queued_at: sql<Date>`now()`,
    })
    .onConflict((oc) =>
      oc
        .columns(['business_unit_id', 'contact'])
        .where('status', '<>', 'closed')
        .doUpdateSet({
          sender_id: (eb) => eb.ref('excluded.sender_id'),
          campaign_id: sql`coalesce(excluded.campaign_id, conversations.campaign_id)`,
          // A conversation keeps its queue (and its place in it) once it has one.
          skill_id: sql`coalesce(conversations.skill_id, excluded.skill_id)`,
          queued_at: sql`coalesce(conversations.queued_at, excluded.queued_at)`,
          last_message_at: sql`now()`,
        }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** findOpenConversation returns the contact's open conversation in a business unit, if there is one. */
export async function findOpenConversation(
  db: Kysely<Database>,
  businessUnitId: string,
  contact: string,
): Promise<Conversation | undefined> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .where('contact', '=', contact)
    .where('status', '<>', 'closed')
    .executeTakeFirst();
}

/** appendInboundToThread adds a contact's message to a conversation once per MessageSid and marks it active. */
export async function appendInboundToThread(
  db: Kysely<Database>,
  conversationId: string,
  inbound: { messageSid: string; body: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('conversation_messages')
      .values({
        conversation_id: conversationId,
        direction: 'inbound',
        body: inbound.body,
        inbound_sid: inbound.messageSid,
        agent: null,
      })
      .onConflict((oc) => oc.column('inbound_sid').doNothing())
      .execute();
    await trx
      .updateTable('conversations')
      .set({ last_message_at: sql`now()` })
      .where('id', '=', conversationId)
      .execute();
  });
}

/** recordAgentReply stores an agent's answer (its outbound message row) and a thread entry, atomically. */
export async function recordAgentReply(
  db: Kysely<Database>,
  conversation: Conversation,
  row: NewMessage,
  agent: string | null,
): Promise<{ message: Message; threadEntryId: string }> {
  return db.transaction().execute(async (trx) => {
    const message = await trx.insertInto('messages').values(row).returningAll().executeTakeFirstOrThrow();
    const entry = await trx
      .insertInto('conversation_messages')
      .values({
        conversation_id: conversation.id,
        direction: 'outbound',
        body: row.body ?? '',
        message_id: message.id,
        inbound_sid: null,
        agent,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('conversations')
      .set({ last_message_at: sql`now()` })
      .where('id', '=', conversation.id)
      .execute();
    return { message, threadEntryId: entry.id };
  });
}

/** findConversation loads a conversation's own row only if it belongs to the business unit. */
export async function findConversation(
  db: Kysely<Database>,
  businessUnitId: string,
  id: string,
): Promise<Conversation | undefined> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** getConversation loads a conversation only if it belongs to the business unit. */
export async function getConversation(
  db: Kysely<Database>,
  businessUnitId: string,
  id: string,
): Promise<ConversationView | undefined> {
  return conversationsWithSender(db, businessUnitId).where('conversations.id', '=', id).executeTakeFirst();
}

/**
 * listConversations returns a business unit's conversations, longest waiting first, optionally of one status; closed
 * ones most recently closed first (the one an agent looks for again).
 */
export async function listConversations(
  db: Kysely<Database>,
  businessUnitId: string,
  filter: { status?: ConversationStatus; limit: number; agentId?: string },
): Promise<ConversationView[]> {
  let query = conversationsWithSender(db, businessUnitId);
  if (filter.status) query = query.where('conversations.status', '=', filter.status);
  if (filter.agentId) query = query.where('conversations.agent_id', '=', filter.agentId);
  if (filter.status === 'closed') query = query.orderBy('conversations.closed_at', 'desc');
  return query.orderBy('conversations.last_message_at').orderBy('conversations.id').limit(filter.limit).execute();
}

/** conversationThread returns a conversation's messages oldest first, each outbound one with its delivery state. */
export async function conversationThread(db: Kysely<Database>, businessUnitId: string, conversationId: string) {
  return db
    .selectFrom('conversation_messages as cm')
    .innerJoin('conversations as c', 'c.id', 'cm.conversation_id')
    .leftJoin('messages as m', 'm.id', 'cm.message_id')
    .select([
      'cm.id',
      'cm.direction',
      'cm.body',
      'cm.agent',
      'cm.inbound_sid',
      'cm.message_id',
      'm.state',
      'm.error_code',
      'cm.created_at',
    ])
    .where('c.business_unit_id', '=', businessUnitId)
    .where('cm.conversation_id', '=', conversationId)
    .orderBy('cm.id')
    .execute();
}

/** transitionConversation changes a conversation of the business unit only if it is in one of `from`. */
export async function transitionConversation(
  db: Kysely<Database>,
  businessUnitId: string,
  id: string,
  from: readonly ConversationStatus[],
  change: { status: ConversationStatus; agent?: string; closedReason?: string; dispositionId?: string | null },
): Promise<Conversation | undefined> {
  const closing = change.status === 'closed';
  return db
    .updateTable('conversations')
    .set({
      status: change.status,
      ...(change.agent === undefined ? {} : { agent: change.agent }),
      // The first acceptance stays: reports measure the time to accept from it.
      ...(change.status === 'assigned' ? { assigned_at: sql`coalesce(assigned_at, now())` } : {}),
      ...(closing
        ? {
            closed_reason: change.closedReason ?? null,
            closed_at: sql`now()`,
            disposition_id: change.dispositionId ?? null,
            offer_expires_at: null,
          }
        : {}),
    })
    .where('business_unit_id', '=', businessUnitId)
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .returningAll()
    .executeTakeFirst();
}

/** ThreadEntry is one message of a conversation with, for outbound ones, the carrier state of its SMS. */
export type ThreadEntry = Awaited<ReturnType<typeof conversationThread>>[number];
