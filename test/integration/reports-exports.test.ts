import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { applyDeliveryReceipts } from '../../src/db/delivery-receipts';
import type { MessageState } from '../../src/db/schema';
import { foldAllFigures } from '../../src/reports/figures-folder';
import { createCampaign, createSender } from '../support/campaign-fixtures';
import { csvOfApi, makeReportWorld, ReportWorld, storeMessages } from '../support/report-fixtures';
import { createTenant, eventually, uniquePhone, useTestSystem } from '../support/test-system';

const system = useTestSystem();

describe("a campaign's per-recipient export", () => {
  it('is one RFC 4180 record per recipient, quotes, commas and Arabic intact, for its own business unit only', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 50);
    const people = [
      { name: 'Smith, "Jo"', note: 'gate code 4,2', phone: uniquePhone() },
      { name: 'سارة أحمد', note: 'الطابق ٣ – apt 12', phone: uniquePhone() },
      { name: 'Line\nbreak', note: 'plain', phone: uniquePhone() },
    ];
    const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
    const csv = ['Name,Note,Phone', ...people.map((p) => [p.name, p.note, p.phone].map(quote).join(','))].join('\r\n');
    const list = await tenant.api.uploadCsv('name=export&phoneField=Phone', csv);
    expect(list.status).toBe(201);
    const campaignId = await createCampaign(tenant, { listId: list.body.id, message: 'Hi', senderIds: [sender.id] });
    const records = await system.db
      .selectFrom('list_records')
      .select(['id', 'phone'])
      .where('list_id', '=', list.body.id)
      .orderBy('row_number')
      .execute();
    await storeMessages(system.db, tenant.id, [
      {
        campaignId,
        senderId: sender.id,
        state: 'delivered',
        sentAt: '2026-11-10T10:00:00Z',
        recordId: records[0].id,
        toPhone: records[0].phone,
      },
      {
        campaignId,
        senderId: sender.id,
        state: 'undelivered',
        sentAt: '2026-11-10T10:00:01Z',
        errorCode: '30007',
        recordId: records[1].id,
        toPhone: records[1].phone,
      },
      {
        campaignId,
        senderId: sender.id,
        state: 'skipped_dnc',
        sentAt: null,
        at: '2026-11-10T10:00:00Z',
        recordId: records[2].id,
        toPhone: records[2].phone,
      },
    ]);

    const answer = await csvOfApi(tenant, `/v1/campaigns/${campaignId}/recipients`);
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^text\/csv/);
    // Every record ends in CRLF; the line break inside a quoted name stays as it was.
    expect(answer.text.endsWith('\r\n')).toBe(true);
    expect(answer.text.split('\r\n')).toHaveLength(5);
    const rows = parse(answer.text, { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    expect(rows).toEqual([
      expect.objectContaining({
        row: '1',
        phone: records[0].phone,
        Name: 'Smith, "Jo"',
        Note: 'gate code 4,2',
        state: 'delivered',
        errorCode: '',
        replied: 'false',
        optedOut: 'false',
      }),
      expect.objectContaining({
        row: '2',
        Name: 'سارة أحمد',
        Note: 'الطابق ٣ – apt 12',
        state: 'undelivered',
        errorCode: '30007',
        deliveredAt: '',
      }),
      expect.objectContaining({ row: '3', Name: 'Line\nbreak', state: 'skipped_dnc', sentAt: '' }),
    ]);
    expect(new Date(rows[0].sentAt).toISOString()).toBe('2026-11-10T10:00:00.000Z');
    expect(rows[0].deliveredAt).not.toBe('');

    const stranger = await createTenant(system);
    expect((await csvOfApi(stranger, `/v1/campaigns/${campaignId}/recipients`)).status).toBe(404);
  });
});

describe('the agents report', () => {
  let world: ReportWorld;

  beforeAll(async () => {
    world = await makeReportWorld(await createTenant(system), 'UTC');
  });

  /** Stores an agent's answer as replyAsAgent leaves it: its message (sent at `at`) and its thread entry. */
  async function storeAnswer(
    on: ReportWorld,
    answer: { conversationId: string; agent: string | null; at: string; state: MessageState },
  ) {
    const [message] = await storeMessages(system.db, on.tenant.id, [
      {
        campaignId: on.campaigns[0],
        senderId: on.senders.longCode.id,
        state: answer.state,
        sentAt: answer.at,
        conversationId: answer.conversationId,
      },
    ]);
    await system.db
      .insertInto('conversation_messages')
      .values({
        conversation_id: answer.conversationId,
        direction: 'outbound',
        body: 'Hello',
        message_id: message.id,
        inbound_sid: null,
        agent: answer.agent,
        created_at: answer.at,
      })
      .execute();
    return message;
  }

  /** Stores a conversation as the queue leaves it: opened, maybe accepted, answered and closed at chosen moments. */
  async function storeConversation(
    c: {
      agent: string | null;
      /** The contact's messages in it, as classified by the reply keywords. */
      inbound?: ('message' | 'opt_out')[];
      opened: string;
      accepted?: string;
      answered?: string;
      closed?: string;
    },
    on: ReportWorld = world,
  ) {
    const row = await system.db
      .insertInto('conversations')
      .values({
        business_unit_id: on.tenant.id,
        contact: uniquePhone(),
        sender_id: on.senders.longCode.id,
        campaign_id: on.campaigns[0],
        status: c.closed ? 'closed' : c.agent ? 'assigned' : 'queued',
        agent: c.agent,
        created_at: c.opened,
        last_message_at: c.opened,
        assigned_at: c.accepted ?? null,
        closed_at: c.closed ?? null,
        closed_reason: c.closed ? 'agent' : null,
      })
      .returning(['id', 'contact'])
      .executeTakeFirstOrThrow();
    // The agent's answer went out and was delivered.
    if (c.answered)
      await storeAnswer(on, { conversationId: row.id, agent: c.agent, at: c.answered, state: 'delivered' });
    for (const classification of c.inbound ?? []) {
      const sid = `SM${randomUUID().replace(/-/g, '')}`;
      await system.db
        .insertInto('inbound_messages')
        .values({
          message_sid: sid,
          business_unit_id: on.tenant.id,
          from_phone: row.contact,
          to_address: on.senders.longCode.address,
          body: classification === 'opt_out' ? 'STOP' : 'Thanks',
          classification,
          rule: null,
          processed_at: c.opened,
          received_at: c.opened,
          outcome: 'recorded',
          conversation_id: row.id,
          confirmation_message_id: null,
          forwarded_at: null,
          forward_after: null,
        })
        .execute();
      await system.db
        .insertInto('conversation_messages')
        .values({
          conversation_id: row.id,
          direction: 'inbound',
          body: 'Thanks',
          message_id: null,
          inbound_sid: sid,
          agent: null,
          created_at: c.opened,
        })
        .execute();
    }
    return row.id;
  }

  /** Folds every figure waiting (this fold or the API's own folder) until the conversation's are one folded row. */
  async function foldConversation(id: string) {
    await eventually('the conversation folded', async () => {
      await foldAllFigures(system.db);
      const rows = await system.db
        .selectFrom('conversation_figures')
        .select(['compacted'])
        .where('conversation_id', '=', id)
        .execute();
      return rows.length === 1 && rows[0].compacted ? true : undefined;
    });
  }

  it('counts offered, accepted and closed, times to accept and answer, handle time and service level', async () => {
    // ann: accepted after 30 s, answered after 60 s, handled 630 s; bob: 120 s, 180 s, 780 s; one still queued.
    await storeConversation({
      agent: 'ann',
      opened: '2026-11-10T10:00:00Z',
      accepted: '2026-11-10T10:00:30Z',
      answered: '2026-11-10T10:01:00Z',
      closed: '2026-11-10T10:11:00Z',
      inbound: ['message', 'opt_out'],
    });
    await storeConversation({
      agent: 'bob',
      opened: '2026-11-10T10:05:00Z',
      accepted: '2026-11-10T10:07:00Z',
      answered: '2026-11-10T10:08:00Z',
      closed: '2026-11-10T10:20:00Z',
    });
    await storeConversation({ agent: null, opened: '2026-11-10T10:10:00Z' });
    const period = 'from=2026-11-10&to=2026-11-10';
    const byAgent = await world.tenant.api.get(`/v1/reports/agents?${period}&groupBy=agent`);
    expect(byAgent.status).toBe(200);
    expect(byAgent.body.rows).toEqual([
      expect.objectContaining({
        key: 'ann',
        offered: 1,
        accepted: 1,
        closed: 1,
        avgTimeToAccept: 30,
        avgTimeToFirstAnswer: 60,
        avgHandleTime: 630,
        serviceLevel: 1,
        sent: 1,
        delivered: 1,
        replies: 1,
        optOuts: 1,
      }),
      expect.objectContaining({
        key: 'bob',
        offered: 1,
        accepted: 1,
        closed: 1,
        avgTimeToAccept: 120,
        avgTimeToFirstAnswer: 180,
        avgHandleTime: 780,
        serviceLevel: 0,
      }),
      expect.objectContaining({
        key: null,
        offered: 1,
        accepted: 0,
        closed: 0,
        avgTimeToAccept: null,
        serviceLevel: 0,
      }),
    ]);
    const byCampaign = await world.tenant.api.get(`/v1/reports/agents?${period}&groupBy=campaign`);
    expect(byCampaign.body.rows).toEqual([
      expect.objectContaining({
        key: world.campaigns[0],
        offered: 3,
        accepted: 2,
        closed: 2,
        avgTimeToAccept: 75,
        p90TimeToAccept: 111,
        avgTimeToFirstAnswer: 120,
        p90TimeToFirstAnswer: 168,
        avgHandleTime: 705,
        serviceLevel: 0.3333,
      }),
    ]);
    const bySkillGroup = await world.tenant.api.get(`/v1/reports/agents?${period}&groupBy=skillGroup`);
    expect(bySkillGroup.body.rows).toEqual([expect.objectContaining({ key: world.groups.both, offered: 3 })]);
    // Conversations carry a skill of their own since routing (issue 16): the report reads it (it once named two).
    const bySkill = await world.tenant.api.get(`/v1/reports/agents?${period}&groupBy=skill`);
    expect(bySkill.status).toBe(200);
    expect(bySkill.body.rows.reduce((n: number, r: { offered: number }) => n + r.offered, 0)).toBe(3);
    const csv = await csvOfApi(world.tenant, `/v1/reports/agents?${period}&groupBy=agent`);
    const records = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(records.map((r) => [r.key, Number(r.offered), Number(r.avgHandleTime)])).toEqual([
      ['ann', 1, 630],
      ['bob', 1, 780],
      ['', 1, 0],
    ]);
    const stranger = await createTenant(system);
    expect((await stranger.api.get(`/v1/reports/agents?${period}`)).body.rows).toEqual([]);
  });

  it("changes right after each step of a conversation: taken, answered, the answer's receipt, moved, closed", async () => {
    // A business unit of its own: its only conversation is this one.
    const unit = await makeReportWorld(await createTenant(system), 'UTC');
    const opened = new Date();
    const day = opened.toISOString().slice(0, 10);
    const id = await storeConversation({ agent: null, opened: opened.toISOString() }, unit);
    const figures = async () => {
      const res = await unit.tenant.api.get(`/v1/reports/agents?from=${day}&to=${day}&groupBy=agent`);
      expect(res.status).toBe(200);
      return res.body.rows as Record<string, unknown>[];
    };
    expect(await figures()).toEqual([expect.objectContaining({ key: null, offered: 1, accepted: 0, closed: 0 })]);

    expect((await unit.tenant.api.post(`/v1/conversations/${id}/assign`, { agent: 'dee' })).status).toBe(200);
    expect(await figures()).toEqual([
      expect.objectContaining({ key: 'dee', offered: 1, accepted: 1, serviceLevel: 1, sent: 0 }),
    ]);
    const taken = (await figures())[0];
    expect(taken.avgTimeToAccept).toEqual(expect.any(Number));
    expect(taken.avgTimeToFirstAnswer).toBeNull();

    const answer = await storeAnswer(unit, {
      conversationId: id,
      agent: 'dee',
      at: new Date(opened.getTime() + 42_000).toISOString(),
      state: 'sent',
    });
    expect(await figures()).toEqual([
      expect.objectContaining({
        key: 'dee',
        sent: 1,
        delivered: 0,
        avgTimeToFirstAnswer: 42,
        p90TimeToFirstAnswer: 42,
      }),
    ]);
    await applyDeliveryReceipts(system.db, [
      { carrierSid: answer.carrierSid!, status: 'delivered', errorCode: null, messageId: null },
    ]);
    expect(await figures()).toEqual([expect.objectContaining({ key: 'dee', sent: 1, delivered: 1, closed: 0 })]);

    // Handed to another agent by whatever path: the whole conversation, its messages too, counts under the new one.
    await system.db.updateTable('conversations').set({ agent: 'eve' }).where('id', '=', id).execute();
    expect(await figures()).toEqual([
      expect.objectContaining({ key: 'eve', offered: 1, accepted: 1, sent: 1, delivered: 1, avgTimeToFirstAnswer: 42 }),
    ]);

    expect((await unit.tenant.api.post(`/v1/conversations/${id}/close`, {})).status).toBe(200);
    const closed = await figures();
    expect(closed).toEqual([expect.objectContaining({ key: 'eve', offered: 1, accepted: 1, closed: 1, delivered: 1 })]);
    expect(closed[0].avgHandleTime).toEqual(expect.any(Number));

    // Folded into one row for the conversation (by this fold or the API's own folder), the figures stay the same.
    await foldConversation(id);
    expect(await figures()).toEqual(closed);
  });

  it('keeps a folded conversation under its key when a later fold holds only its answer or a receipt', async () => {
    // Each step folded before the next: the answer's and the receipt's differences are folded on their own.
    const unit = await makeReportWorld(await createTenant(system), 'UTC');
    const opened = new Date();
    const day = opened.toISOString().slice(0, 10);
    const at = (seconds: number) => new Date(opened.getTime() + seconds * 1000).toISOString();
    const id = await storeConversation({ agent: 'fay', opened: opened.toISOString(), accepted: at(20) }, unit);
    const figures = async (groupBy: string) => {
      const res = await unit.tenant.api.get(`/v1/reports/agents?from=${day}&to=${day}&groupBy=${groupBy}`);
      expect(res.status).toBe(200);
      return res.body.rows as Record<string, unknown>[];
    };
    await foldConversation(id);
    expect(await figures('agent')).toEqual([
      expect.objectContaining({ key: 'fay', offered: 1, accepted: 1, avgTimeToAccept: 20, sent: 0 }),
    ]);

    const answer = await storeAnswer(unit, { conversationId: id, agent: 'fay', at: at(42), state: 'sent' });
    await foldConversation(id);
    expect(await figures('agent')).toEqual([
      expect.objectContaining({ key: 'fay', offered: 1, sent: 1, delivered: 0, avgTimeToFirstAnswer: 42 }),
    ]);

    await applyDeliveryReceipts(system.db, [
      { carrierSid: answer.carrierSid!, status: 'delivered', errorCode: null, messageId: null },
    ]);
    await foldConversation(id);
    const expected = { offered: 1, accepted: 1, sent: 1, delivered: 1, avgTimeToAccept: 20, p90TimeToFirstAnswer: 42 };
    expect(await figures('agent')).toEqual([expect.objectContaining({ key: 'fay', ...expected })]);
    expect(await figures('day')).toEqual([expect.objectContaining({ key: day, ...expected })]);
    expect(await figures('skillGroup')).toEqual([expect.objectContaining({ key: unit.groups.both, ...expected })]);
  });

  it('counts a conversation in the groups its skill is in now: a skill added to a group or taken out moves its past', async () => {
    // Groups are a reporting view of skills: a supervisor who changes a group reads the group as it now is, for every
    // period (the conversations' rollup keeps skills, and a report joins the groups' members as they are).
    const unit = await makeReportWorld(await createTenant(system), 'UTC');
    const opened = new Date();
    const day = opened.toISOString().slice(0, 10);
    const at = (seconds: number) => new Date(opened.getTime() + seconds * 1000).toISOString();
    const folded = await storeConversation({ agent: 'gus', opened: opened.toISOString(), accepted: at(10) }, unit);
    await foldConversation(folded);
    // A second one whose acceptance is not folded yet (unless the API's folder is quicker: the figures agree anyway).
    await storeConversation({ agent: 'gus', opened: at(5), accepted: at(35) }, unit);
    const byGroup = async () => {
      const res = await unit.tenant.api.get(`/v1/reports/agents?from=${day}&to=${day}&groupBy=skillGroup`);
      expect(res.status).toBe(200);
      return res.body.rows as Record<string, unknown>[];
    };
    // The campaign's skill (Deliveries) is in "All outbound" only.
    const both = { offered: 2, accepted: 2, avgTimeToAccept: 20, p90TimeToAccept: 28 };
    expect(await byGroup()).toEqual([expect.objectContaining({ key: unit.groups.both, ...both })]);

    await system.db
      .insertInto('skill_group_skills')
      .values({ skill_group_id: unit.groups.second, skill_id: unit.skills[0] })
      .execute();
    expect(await byGroup()).toEqual(
      [unit.groups.both, unit.groups.second].sort().map((key) => expect.objectContaining({ key, ...both })),
    );

    await system.db
      .deleteFrom('skill_group_skills')
      .where('skill_group_id', '=', unit.groups.both)
      .where('skill_id', '=', unit.skills[0])
      .execute();
    expect(await byGroup()).toEqual([expect.objectContaining({ key: unit.groups.second, ...both })]);
  });

  it('takes the time to accept from when an agent first took the conversation', async () => {
    const id = await storeConversation({ agent: null, opened: new Date().toISOString() });
    expect((await world.tenant.api.post(`/v1/conversations/${id}/assign`, { agent: 'cy' })).status).toBe(200);
    const row = await system.db
      .selectFrom('conversations')
      .select('assigned_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.assigned_at).not.toBeNull();
  });
});

describe('every CSV the API writes', () => {
  it('quotes a field with a bare line break and ends every record in CRLF (RFC 4180): the audit log', async () => {
    const tenant = await createTenant(system);
    const name = 'night\nshift, "B"';
    const key = await tenant.api.post('/v1/api-keys', { name, role: 'admin' });
    expect(key.status).toBe(201);
    expect((await tenant.api.as(key.body.apiKey).post('/v1/templates', { name: 'lf', body: 'Hi' })).status).toBe(201);
    const csv = await csvOfApi(tenant, '/v1/audit?resource=templates');
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(`,"night\nshift, ""B""",`);
    // Every line break outside a quoted field is a CRLF: header and one record.
    expect(csv.text.endsWith('\r\n')).toBe(true);
    expect(csv.text.replace(/"[^"]*"/g, '').match(/\n/g)).toHaveLength(2);
    expect(csv.text.replace(/"[^"]*"/g, '').match(/\r\n/g)).toHaveLength(2);
    const records = parse(csv.text, { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    expect(records.map((r) => [r.resource, r.action, r.keyName])).toEqual([['templates', 'create', name]]);
  });
});
