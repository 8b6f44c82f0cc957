import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, MessageState } from '../../src/db/schema';
import { createCampaign, createSender, makeRecipients, uploadList } from './campaign-fixtures';
import { Tenant, uniquePhone } from './test-system';

// Reports are checked against figures counted by hand, so their fixtures put messages at chosen moments: rows are
// stored as the engine would have left them at those moments, and later changes go through the product's own paths.

/** StoredMessage is one outbound message placed at a chosen moment. */
export interface StoredMessage {
  campaignId: string;
  senderId: string;
  state: MessageState;
  /** When the carrier answered the send (null: never sent). */
  sentAt: string | null;
  /** When it reached its state, for a message never sent. */
  at?: string;
  segments?: number;
  errorCode?: string;
  recordId?: string;
  toPhone?: string;
  /** An agent's answer in this conversation (kind agent_reply), as replyAsAgent stores it. */
  conversationId?: string;
}

/** storeMessages inserts messages of a business unit as sent (with a carrier sid) or settled at the given moments. */
export async function storeMessages(
  db: Kysely<Database>,
  businessUnitId: string,
  messages: StoredMessage[],
): Promise<{ id: string; carrierSid: string | null; toPhone: string }[]> {
  const rows = await db
    .insertInto('messages')
    .values(
      messages.map((m) => ({
        business_unit_id: businessUnitId,
        kind: m.conversationId ? ('agent_reply' as const) : ('campaign' as const),
        campaign_id: m.campaignId,
        record_id: m.recordId ?? null,
        conversation_id: m.conversationId ?? null,
        to_phone: m.toPhone ?? uniquePhone(),
        sender_id: m.senderId,
        body: 'Your parcel is on its way',
        segments: m.segments ?? 1,
        state: m.state,
        idempotency_key: `report-fixture:${randomUUID()}`,
        carrier_sid: m.sentAt ? `SM${randomUUID().replace(/-/g, '')}` : null,
        error_code: m.errorCode ?? null,
        error_message: null,
        skill_id: null,
        created_at: m.sentAt ?? m.at,
        sent_at: m.sentAt,
        updated_at: m.sentAt ?? m.at,
      })),
    )
    .returning(['id', 'carrier_sid', 'to_phone'])
    .execute();
  return rows.map((r) => ({ id: r.id, carrierSid: r.carrier_sid, toPhone: r.to_phone }));
}

/** ReportWorld is a business unit with two skills (grouped), two senders of different kinds and two campaigns. */
export interface ReportWorld {
  tenant: Tenant;
  skills: [string, string];
  groups: { both: string; second: string };
  senders: { longCode: { id: string; address: string }; tollFree: { id: string; address: string } };
  campaigns: [string, string];
}

/** makeReportWorld builds the business unit every report fixture uses, in the given time zone. */
export async function makeReportWorld(tenant: Tenant, timeZone: string): Promise<ReportWorld> {
  const settings = await tenant.api.patch('/v1/settings', {
    timeZone,
    segmentPrices: { long_code: 0.01, toll_free: 0.02 },
    serviceLevelSeconds: 60,
  });
  if (settings.status !== 200) throw new Error(`settings: ${settings.status} ${JSON.stringify(settings.body)}`);
  const skill = async (name: string) => {
    const res = await tenant.api.post('/v1/skills', { name, kind: 'agentless', replyHandling: false });
    if (res.status !== 201) throw new Error(`skill: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const skills: [string, string] = [await skill('Deliveries'), await skill('Collections')];
  const group = async (name: string, skillIds: string[]) =>
    (await tenant.api.post('/v1/skill-groups', { name, skillIds })).body.id as string;
  const groups = { both: await group('All outbound', skills), second: await group('Money', [skills[1]]) };
  const senders = {
    longCode: await createSender(tenant, 50),
    tollFree: await createSender(tenant, 50, 'toll_free', `+1888${String(Date.now() % 10_000_000).padStart(7, '0')}`),
  };
  const listId = await uploadList(tenant, makeRecipients(2));
  const campaigns: [string, string] = [
    await createCampaign(tenant, { listId, message: 'A', senderIds: [senders.longCode.id], skillId: skills[0] }),
    await createCampaign(tenant, { listId, message: 'B', senderIds: [senders.tollFree.id], skillId: skills[1] }),
  ];
  return { tenant, skills, groups, senders, campaigns };
}

/** csvOfApi fetches a path with Accept: text/csv and returns the status, content type and text. */
export async function csvOfApi(tenant: Tenant, path: string) {
  const res = await fetch(`${tenant.api.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${tenant.api.key}`, accept: 'text/csv' },
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}
