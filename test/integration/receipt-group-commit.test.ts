import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { twilioSignature } from '../../src/carrier/webhook-signature';
import { createDb } from '../../src/db/connection';
import { applyDeliveryReceipts, DeliveryReceipt } from '../../src/db/delivery-receipts';
import { insertMessage, recordSendResults } from '../../src/db/messages';
import type { MessageState } from '../../src/db/schema';
import { createTenant, uniquePhone, useTestSystem } from '../support/test-system';

const system = useTestSystem();

const newSid = () => `SM${randomUUID().replace(/-/g, '')}`;

/** An agent's message in a given state (with a carrier sid when the send was recorded). */
async function outboundMessage(businessUnitId: string, state: MessageState, carrierSid: string | null) {
  return insertMessage(system.db, {
    business_unit_id: businessUnitId,
    kind: 'agent_reply',
    campaign_id: null,
    record_id: null,
    conversation_id: null,
    to_phone: uniquePhone(),
    sender_id: null,
    body: 'We are on it',
    state,
    idempotency_key: `receipt-${randomUUID()}`,
    carrier_sid: carrierSid,
    error_code: null,
    error_message: null,
    sent_at: carrierSid ? new Date() : null,
    skill_id: null,
  });
}

const rowOf = (id: string) =>
  system.db
    .selectFrom('messages')
    .select(['state', 'error_code', 'carrier_sid'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

const receipt = (carrierSid: string, status: string, errorCode: string | null = null): DeliveryReceipt => ({
  carrierSid,
  status,
  errorCode,
  messageId: null,
});

/** Posts a receipt to the status webhook, signed, as the carrier would. */
async function postReceipt(params: Record<string, string>) {
  const url = `${system.config.publicUrl}/webhooks/twilio/status`;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(system.config.twilioAuthToken, url, params),
    },
    body: new URLSearchParams(params),
  });
  expect(res.status).toBe(200);
}

/**
 * Counts the statements the API runs on receipts (each one touches the kept receipts) while `work` runs, each one made
 * to take `slowMs` longer, as on a database busy with a campaign: the receipts arriving meanwhile must wait for it.
 */
async function receiptStatementsDuring(slowMs: number, work: () => Promise<void>): Promise<number> {
  const executor = system.db.getExecutor();
  const executeQuery = executor.executeQuery.bind(executor);
  let statements = 0;
  executor.executeQuery = async (query, ...rest) => {
    if (!query.sql.includes('delivery_receipts')) return executeQuery(query, ...rest);
    statements++;
    await new Promise((resolve) => setTimeout(resolve, slowMs));
    return executeQuery(query, ...rest);
  };
  try {
    await work();
  } finally {
    executor.executeQuery = executeQuery;
  }
  return statements;
}

describe('delivery receipts in group commits', () => {
  it('stores receipts posted together in a few statements, and every message ends delivered', async () => {
    const tenant = await createTenant(system);
    const messages = await Promise.all(Array.from({ length: 150 }, () => outboundMessage(tenant.id, 'sent', newSid())));
    const statements = await receiptStatementsDuring(25, async () => {
      await Promise.all(
        messages.flatMap((m) => [
          postReceipt({ MessageSid: m.carrier_sid!, MessageStatus: 'sent' }),
          postReceipt({ MessageSid: m.carrier_sid!, MessageStatus: 'delivered' }),
        ]),
      );
    });
    // One statement per receipt would be 150 at least (it was three per final receipt), and as many round trips of
    // 25 ms one after another; batches take all that arrived during the one before. On a loaded machine the posts
    // arrive more spread out and make more, smaller batches (31 was seen with a load average of 7 on 2 cores).
    expect(statements).toBeLessThan(60);
    const states = await system.db
      .selectFrom('messages')
      .select('state')
      .where(
        'id',
        'in',
        messages.map((m) => m.id),
      )
      .execute();
    expect(states.every((s) => s.state === 'delivered')).toBe(true);
  });

  it('applies the receipts of one message in their order and never backwards', async () => {
    const tenant = await createTenant(system);
    const [a, b] = [newSid(), newSid()];
    const first = await outboundMessage(tenant.id, 'sent', a);
    const second = await outboundMessage(tenant.id, 'sent', b);
    const outcomes = await applyDeliveryReceipts(system.db, [
      receipt(a, 'sent'),
      receipt(a, 'delivered'),
      receipt(b, 'undelivered', '30003'),
      receipt(a, 'sent'),
      receipt(a, 'failed', '30008'),
      receipt(b, 'delivered'),
    ]);
    expect(outcomes).toEqual(['unchanged', 'applied', 'applied', 'unchanged', 'applied', 'applied']);
    expect(await rowOf(first.id)).toMatchObject({ state: 'delivered', error_code: null });
    expect(await rowOf(second.id)).toMatchObject({ state: 'undelivered', error_code: '30003' });

    // A later batch: a final status never returns to sent, nor changes to another final one; a repeat changes nothing.
    expect(
      await applyDeliveryReceipts(system.db, [receipt(a, 'sent'), receipt(b, 'delivered'), receipt(a, 'delivered')]),
    ).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(await rowOf(first.id)).toMatchObject({ state: 'delivered' });
    expect(await rowOf(second.id)).toMatchObject({ state: 'undelivered', error_code: '30003' });
  });

  it('keeps a receipt that outran its send, in the same statement as the others, until the send is recorded', async () => {
    const tenant = await createTenant(system);
    const [recorded, outrun] = [newSid(), newSid()];
    const known = await outboundMessage(tenant.id, 'sent', recorded);
    const sending = await outboundMessage(tenant.id, 'sending', null);
    const outcomes = await applyDeliveryReceipts(system.db, [
      receipt(outrun, 'sent'),
      receipt(outrun, 'undelivered', '30007'),
      receipt(recorded, 'delivered'),
    ]);
    expect(outcomes).toEqual(['unchanged', 'kept', 'applied']);
    expect(await rowOf(known.id)).toMatchObject({ state: 'delivered' });
    expect(await rowOf(sending.id)).toMatchObject({ state: 'sending', carrier_sid: null });
    const kept = () =>
      system.db.selectFrom('delivery_receipts').select(['status', 'error_code']).where('carrier_sid', '=', outrun);
    expect(await kept().execute()).toEqual([{ status: 'undelivered', error_code: '30007' }]);

    await recordSendResults(system.db, [
      { id: sending.id, state: 'sent', carrierSid: outrun, errorCode: null, errorMessage: null },
    ]);
    expect(await rowOf(sending.id)).toMatchObject({ state: 'undelivered', error_code: '30007', carrier_sid: outrun });
    expect(await kept().execute()).toEqual([]);
  });

  it('lets a receipt carrying our id adopt the carrier sid of a message whose send got no answer', async () => {
    const tenant = await createTenant(system);
    const sid = newSid();
    const inDoubt = await outboundMessage(tenant.id, 'in_doubt', null);
    const outcomes = await applyDeliveryReceipts(system.db, [
      { carrierSid: sid, status: 'sent', errorCode: null, messageId: inDoubt.id },
      { carrierSid: sid, status: 'undelivered', errorCode: '30003', messageId: inDoubt.id },
    ]);
    expect(outcomes).toEqual(['applied', 'applied']);
    expect(await rowOf(inDoubt.id)).toMatchObject({ state: 'undelivered', error_code: '30003', carrier_sid: sid });
    // The send's answer arriving late changes nothing: the message stays undelivered, its error code kept.
    await recordSendResults(system.db, [
      { id: inDoubt.id, state: 'sent', carrierSid: sid, errorCode: null, errorMessage: null },
    ]);
    expect(await rowOf(inDoubt.id)).toMatchObject({ state: 'undelivered', error_code: '30003', carrier_sid: sid });
  });

  it('plans the receipts statement once per connection and applies every batch through it alike', async () => {
    // One connection, so every batch runs on the statement it prepared: past PostgreSQL's five custom plans, on to the
    // generic one, whatever the batch's size and mix.
    const db = createDb(system.config.databaseUrl, 1);
    try {
      const tenant = await createTenant(system);
      for (let round = 0; round < 8; round++) {
        const sids = Array.from({ length: round + 1 }, newSid);
        const sent = await Promise.all(sids.map((sid) => outboundMessage(tenant.id, 'sent', sid)));
        const [outrun, adopted] = [newSid(), newSid()];
        const inDoubt = await outboundMessage(tenant.id, 'in_doubt', null);
        const outcomes = await applyDeliveryReceipts(db, [
          ...sids.map((sid) => receipt(sid, 'sent')),
          ...sids.map((sid) => receipt(sid, 'delivered')),
          receipt(outrun, 'failed', '30008'),
          { carrierSid: adopted, status: 'sent', errorCode: null, messageId: inDoubt.id },
        ]);
        expect(outcomes).toEqual([...sids.map(() => 'unchanged'), ...sids.map(() => 'applied'), 'kept', 'applied']);
        for (const message of sent) expect(await rowOf(message.id)).toMatchObject({ state: 'delivered' });
        expect(await rowOf(inDoubt.id)).toMatchObject({ state: 'sent', carrier_sid: adopted });
      }
      const { rows } = await sql<{ name: string; generic_plans: string }>`
        SELECT name, generic_plans FROM pg_prepared_statements`.execute(db);
      expect(rows).toEqual([{ name: 'apply-delivery-receipts', generic_plans: expect.any(String) }]);
      expect(Number(rows[0].generic_plans)).toBeGreaterThan(0);
    } finally {
      await db.destroy();
    }
  });

  it("records a chunk's answers and the receipts that outran them at once, over the same rows, losing neither", async () => {
    // A carrier that calls back at once: the receipts of a chunk (carrying our ids) reach PostgreSQL while the chunk's
    // answers are being recorded, the two statements over the same rows, in opposite orders here.
    const tenant = await createTenant(system);
    for (let round = 0; round < 6; round++) {
      const messages = await Promise.all(
        Array.from({ length: 150 }, () => outboundMessage(tenant.id, 'sending', null)),
      );
      const sids = messages.map(() => newSid());
      const answers = messages.map((m, i) => ({
        id: m.id,
        state: 'sent' as const,
        carrierSid: sids[i],
        errorCode: null,
        errorMessage: null,
      }));
      const receipts = messages
        .flatMap((m, i) => [
          { carrierSid: sids[i], status: 'sent', errorCode: null, messageId: m.id },
          { carrierSid: sids[i], status: 'delivered', errorCode: null, messageId: m.id },
        ])
        .reverse();
      await Promise.all([recordSendResults(system.db, answers), applyDeliveryReceipts(system.db, receipts)]);
      const rows = await Promise.all(messages.map((m) => rowOf(m.id)));
      expect(rows.map((r) => [r.state, r.carrier_sid])).toEqual(sids.map((sid) => ['delivered', sid]));
    }
  });
});

describe('the status webhook outside Express (its lean path)', () => {
  const url = () => `${system.config.publicUrl}/webhooks/twilio/status`;
  const post = async (body: string, headers: Record<string, string>) => {
    const res = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  };
  const signed = (params: Record<string, string>) => ({
    'x-twilio-signature': twilioSignature(system.config.twilioAuthToken, url(), params),
  });

  it('answers a signed receipt with empty TwiML and applies it', async () => {
    const tenant = await createTenant(system);
    const message = await outboundMessage(tenant.id, 'sent', newSid());
    const params = { MessageSid: message.carrier_sid!, MessageStatus: 'delivered' };
    const answer = await post(new URLSearchParams(params).toString(), signed(params));
    expect(answer).toEqual({ status: 200, type: 'text/xml; charset=utf-8', body: '<Response/>' });
    expect((await rowOf(message.id)).state).toBe('delivered');
  });

  it('hands everything else to the routes, which answer it as they always have', async () => {
    const params = { MessageSid: newSid(), MessageStatus: 'delivered' };
    const form = new URLSearchParams(params).toString();
    const unsigned = await post(form, { 'x-twilio-signature': 'forged' });
    expect(unsigned.status).toBe(403);
    expect(JSON.parse(unsigned.body).error.code).toBe('bad_signature');
    const noStatus = { MessageSid: newSid() };
    const invalid = await post(new URLSearchParams(noStatus).toString(), signed(noStatus));
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error.message).toContain('MessageStatus');
    const tooLarge = await post(`${form}&Body=${'x'.repeat(30 * 1024)}`, signed(params));
    expect(tooLarge.status).toBe(413);
  });
});
