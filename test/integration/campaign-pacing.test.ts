import { sql } from 'kysely';
import { CarrierUnavailableError, type Carrier, type OutboundSms } from '../../src/carrier/carrier';
import { LATE_SLOT_MS } from '../../src/campaigns/chunk-flight';
import { dispatchBatch } from '../../src/campaigns/dispatch-batch';
import { transitionCampaign } from '../../src/db/campaigns';
import { PACING_SHARE, scheduleSends } from '../../src/senders/send-pacer';
import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { createTenant, useTestSystem } from '../support/test-system';

const system = useTestSystem();

/** messageStates lists the states of a campaign's messages. */
async function messageStates(campaignId: string): Promise<string[]> {
  const rows = await system.db.selectFrom('messages').select('state').where('campaign_id', '=', campaignId).execute();
  return rows.map((row) => row.state);
}

/** A carrier that records when each send reached it and answers through a gate the test controls. */
function gatedCarrier(answerWhen: (calls: number) => boolean, fail: (call: number) => boolean = () => false) {
  const calls: { at: number; sms: OutboundSms; stateAtSend: string | undefined }[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const carrier: Carrier = {
    findSent: async () => [],
    async send(sms) {
      const at = Date.now();
      const row = await system.db
        .selectFrom('messages')
        .select('state')
        .where('idempotency_key', '=', sms.idempotencyKey)
        .executeTakeFirst();
      calls.push({ at, sms, stateAtSend: row?.state });
      if (answerWhen(calls.length)) open();
      if (fail(calls.length)) throw new CarrierUnavailableError('carrier unavailable (503): test', { status: 503 });
      await gate;
      return { kind: 'accepted', sid: `SM${sms.idempotencyKey}` };
    },
  };
  return { carrier, calls, open };
}

async function runningCampaign(mps: number, recipients: number) {
  const tenant = await createTenant(system);
  const sender = await createSender(tenant, mps);
  const listId = await uploadList(tenant, makeRecipients(recipients));
  const campaignId = await createCampaign(tenant, { listId, message: 'Hi {FirstName}', senderIds: [sender.id] });
  // The engine's batch step on its own, without the workflow: the campaign only has to be in a sending status.
  await transitionCampaign(system.db, campaignId, ['draft'], 'running');
  return { campaignId, sender };
}

function engineDeps(carrier: Carrier) {
  return {
    db: system.db,
    carrier,
    statusCallbackUrl: 'http://127.0.0.1:9/status',
    carrierPatienceMs: 10_000,
    carrierSettleMs: 1000,
    heartbeat: () => {},
  };
}

describe('a sender’s chunks follow each other without a gap', () => {
  it('books and sends the next chunk on time while the carrier has not yet answered the previous one', async () => {
    const { campaignId } = await runningCampaign(5, 10);
    // No answer at all until the first message of the second chunk (of 5) reaches the carrier.
    const { carrier, calls, open } = gatedCarrier((n) => n >= 6);
    const safety = setTimeout(open, 8000);
    const result = await dispatchBatch(engineDeps(carrier), { campaignId, afterId: '0', batchSize: 500 });
    clearTimeout(safety);

    expect(result).toMatchObject({ outcome: 'dispatched', attempted: 10, failed: 0, done: true });
    expect(calls).toHaveLength(10);
    expect(new Set(calls.map((c) => c.sms.idempotencyKey)).size).toBe(10);
    // Every message was marked sending before the carrier saw it, and every answer is recorded.
    expect(calls.every((c) => c.stateAtSend === 'sending')).toBe(true);
    expect(await messageStates(campaignId)).toEqual(Array(10).fill('sent'));
    // The sixth send came well before the 8 s fallback opened the gate, and the sender's pace held throughout.
    expect(calls[5].at - calls[0].at).toBeLessThan(4000);
    // A send goes out at its slot or up to LATE_SLOT_MS after it (a later one gives its slot up), and a timer may fire
    // a millisecond early by the wall clock: two sends are never closer than a slot less that.
    const slotMs = 1000 / (5 * PACING_SHARE);
    for (let i = 1; i < calls.length; i++)
      expect(calls[i].at - calls[i - 1].at).toBeGreaterThanOrEqual(Math.floor(slotMs) - LATE_SLOT_MS - 1);
  });

  it('holds the chunk already booked back when the carrier fails, and sends every message once it recovers', async () => {
    const { campaignId } = await runningCampaign(5, 10);
    // The first three sends fail (as many as the first chunk of 5 gets answered: the carrier is failing); everything
    // after is answered at once.
    const { carrier, calls } = gatedCarrier(
      () => true,
      (n) => n <= 3,
    );
    const result = await dispatchBatch(engineDeps(carrier), { campaignId, afterId: '0', batchSize: 500 });

    expect(result).toMatchObject({ outcome: 'dispatched', attempted: 10, failed: 0, done: true });
    const accepted = new Set(calls.slice(3).map((c) => c.sms.idempotencyKey));
    expect(accepted.size).toBe(10);
    expect(calls).toHaveLength(13);
    // What follows the failures waited for the backoff instead of going out at the next slot: the retry (first of the
    // next chunk) came at least 250 ms after the send before it. (Found by key, not position: under load a timer
    // that fires late gives its slot up, and the first chunk then has one send fewer.)
    const retry = calls.findIndex((c, i) => i > 0 && c.sms.idempotencyKey === calls[0].sms.idempotencyKey);
    expect(retry).toBeGreaterThan(0);
    expect(calls[retry].at - calls[retry - 1].at).toBeGreaterThanOrEqual(250);
    expect(await messageStates(campaignId)).toEqual(Array(10).fill('sent'));
  });

  it('waits as long as the carrier’s Retry-After asks before sending more', async () => {
    const { campaignId } = await runningCampaign(5, 4);
    const throttled = (n: number) => n === 1;
    const calls: number[] = [];
    const carrier: Carrier = {
      findSent: async () => [],
      async send(sms) {
        calls.push(Date.now());
        if (throttled(calls.length))
          throw new CarrierUnavailableError('carrier busy (20429): test', { status: 429, retryAfterMs: 1500 });
        return { kind: 'accepted', sid: `SM${sms.idempotencyKey}` };
      },
    };
    const result = await dispatchBatch(engineDeps(carrier), { campaignId, afterId: '0', batchSize: 500 });
    expect(result).toMatchObject({ outcome: 'dispatched', attempted: 4, done: true });
    expect(calls).toHaveLength(5);
    // The throttled chunk's other sends stopped with the throttle and went again, the throttled message in front,
    // once Retry-After had passed.
    expect(calls[4] - calls[0]).toBeGreaterThanOrEqual(1500);
    expect(calls[1] - calls[0]).toBeGreaterThanOrEqual(1500);
  });

  it('remembers Retry-After while it settles the chunks booked after the throttled one', async () => {
    const { campaignId } = await runningCampaign(50, 100);
    // The last send of the first chunk of 50 is throttled, when the second chunk is already booked and under way: the
    // second chunk stops at once (its loop would notice only at its next wake, most of a second later), and its
    // settling must not make the sender forget the 3 s the carrier asked for (its booked slots end about a second
    // later, so a backoff that forgot would resend well before).
    const calls: { at: number; key: string }[] = [];
    const carrier: Carrier = {
      findSent: async () => [],
      async send(sms) {
        calls.push({ at: Date.now(), key: sms.idempotencyKey });
        if (calls.length === 50)
          throw new CarrierUnavailableError('carrier busy (20429): test', { status: 429, retryAfterMs: 3000 });
        return { kind: 'accepted', sid: `SM${sms.idempotencyKey}` };
      },
    };
    const result = await dispatchBatch(engineDeps(carrier), { campaignId, afterId: '0', batchSize: 500 });
    expect(result).toMatchObject({ outcome: 'dispatched', attempted: 100, done: true });
    const throttled = calls[49];
    // Nothing goes for 3 s once the throttle is answered (what went meanwhile is in the first few ms).
    const during = calls.filter((c) => c.at > throttled.at + 200 && c.at < throttled.at + 3000);
    expect(during.map((c) => c.at - throttled.at)).toEqual([]);
    expect(calls).toHaveLength(101);
  });

  it('a few failed sends among many answered ones do not stall the sender: they go again in the next chunk', async () => {
    const { campaignId } = await runningCampaign(50, 120);
    // The first attempt of every tenth recipient fails, as a real carrier's occasional 5xx does. Backing off on each
    // failure would never let the carrier look healthy again, and with this patience the campaign would stop
    // waiting for a carrier that answers 90% of its sends.
    const seen = new Set<string>();
    const carrier: Carrier = {
      findSent: async () => [],
      async send(sms) {
        const first = !seen.has(sms.idempotencyKey);
        seen.add(sms.idempotencyKey);
        if (first && seen.size % 10 === 0) throw new CarrierUnavailableError('carrier unavailable (503): test');
        return { kind: 'accepted', sid: `SM${sms.idempotencyKey}` };
      },
    };
    const result = await dispatchBatch(
      { ...engineDeps(carrier), carrierPatienceMs: 500 },
      { campaignId, afterId: '0', batchSize: 500 },
    );
    expect(result).toMatchObject({ outcome: 'dispatched', attempted: 120, failed: 0, done: true });
    expect(await messageStates(campaignId)).toEqual(Array(120).fill('sent'));
  });
  it('a send the carrier is slow to answer does not hold the sender up: the next chunks go meanwhile', async () => {
    const { campaignId } = await runningCampaign(50, 200);
    // The first send is answered only after 8 s (a carrier's latency spike, short of the client's timeout); every
    // other send at once. 200 sends at 50 a second need about 4 s: they go before that one answer comes.
    let slowAnsweredAt = Infinity;
    const calls: number[] = [];
    const carrier: Carrier = {
      findSent: async () => [],
      async send(sms) {
        calls.push(Date.now());
        if (calls.length === 1) {
          await new Promise((resolve) => setTimeout(resolve, 8000));
          slowAnsweredAt = Date.now();
        }
        return { kind: 'accepted', sid: `SM${sms.idempotencyKey}` };
      },
    };
    const result = await dispatchBatch(engineDeps(carrier), { campaignId, afterId: '0', batchSize: 500 });
    expect(result).toMatchObject({ outcome: 'dispatched', attempted: 200, failed: 0, done: true });
    expect(calls).toHaveLength(200);
    // (Not every one: a send whose timer fired too late in the slow chunk gives its slot up and goes back with that
    // chunk's answers. Waiting for the slow answer would have held back the third and fourth chunks: 100 sends.)
    expect(calls.filter((at) => at < slowAnsweredAt).length).toBeGreaterThanOrEqual(180);
    expect(await messageStates(campaignId)).toEqual(Array(200).fill('sent'));
  });
});

describe('a batch holds about a minute of its senders’ rate', () => {
  /** A carrier that accepts every send at once. */
  function instantCarrier() {
    const sent: OutboundSms[] = [];
    const carrier: Carrier = {
      findSent: async () => [],
      async send(sms) {
        sent.push(sms);
        return { kind: 'accepted', sid: `SM${sms.idempotencyKey}` };
      },
    };
    return { carrier, sent };
  }

  // On a 50 mps sender, 1 s of its rate is 50 recipients: the whole list of 15 in one batch, not batchSize (5); with
  // batchSeconds 0 a batch takes exactly batchSize.
  it.each([
    { batchSeconds: 1, attempted: 15, done: true },
    { batchSeconds: 0, attempted: 5, done: false },
  ])(
    'with batchSeconds $batchSeconds, a batch of batchSize 5 takes $attempted of a list of 15',
    async ({ batchSeconds, attempted, done }) => {
      const { campaignId } = await runningCampaign(50, 15);
      const { carrier, sent } = instantCarrier();
      const result = await dispatchBatch(engineDeps(carrier), { campaignId, afterId: '0', batchSize: 5, batchSeconds });
      expect(result).toMatchObject({ outcome: 'dispatched', attempted, done });
      expect(sent).toHaveLength(attempted);
    },
  );

  it('warms the carrier before the first send (its connections may have closed while the worker was idle)', async () => {
    const { campaignId } = await runningCampaign(50, 3);
    const events: string[] = [];
    const carrier: Carrier = {
      findSent: async () => [],
      async warmUp() {
        events.push('warm-up');
      },
      async send(sms) {
        events.push('send');
        return { kind: 'accepted', sid: `SM${sms.idempotencyKey}` };
      },
    };
    await dispatchBatch(engineDeps(carrier), { campaignId, afterId: '0', batchSize: 5 });
    expect(events).toEqual(['warm-up', 'send', 'send', 'send']);
  });

  it('stores and sends a batch with more rows than one INSERT statement can carry', async () => {
    // About 15 columns a row: 4,500 rows are more than PostgreSQL's 65,535 parameters in one statement.
    const { campaignId } = await runningCampaign(10_000, 4500);
    const { carrier, sent } = instantCarrier();
    const result = await dispatchBatch(engineDeps(carrier), { campaignId, afterId: '0', batchSize: 4500 });
    expect(result).toMatchObject({ outcome: 'dispatched', attempted: 4500, failed: 0 });
    expect(new Set(sent.map((s) => s.idempotencyKey)).size).toBe(4500);
  });
});

describe('an idle sender', () => {
  /** A sender whose schedule ran dry `agoMs` ago. */
  async function senderDryFor(agoMs: number) {
    const { sender } = await runningCampaign(5, 1);
    await system.db
      .updateTable('senders')
      .set({ next_slot_at: sql`clock_timestamp() - ${agoMs} * interval '1 millisecond'` })
      .where('id', '=', sender.id)
      .execute();
    return sender;
  }

  it('books its first slot a little ahead, so the send is not late before it starts', async () => {
    const sender = await senderDryFor(60_000);
    const before = Date.now();
    const [first] = await scheduleSends(system.db, sender.id, [1]);
    // At "now" the slot would be late by the booking's own round trip and be given up.
    expect(first - before).toBeGreaterThanOrEqual(20);
    expect(first - before).toBeLessThan(1000);
  });

  it('but a sender that ran dry a moment ago (its next chunk still being prepared) goes on at once', async () => {
    const sender = await senderDryFor(10);
    const [first] = await scheduleSends(system.db, sender.id, [1]);
    // No later than now (the database's clock has microseconds, Date.now() whole milliseconds).
    expect(first).toBeLessThanOrEqual(Date.now() + 1);
  });
});
