import { randomUUID } from 'node:crypto';
import {
  CarrierInDoubtError,
  type Carrier,
  type CarrierMessage,
  type OutboundSms,
  type SentMessageQuery,
} from '../../src/carrier/carrier';
import { sql } from 'kysely';
import { dispatchBatch } from '../../src/campaigns/dispatch-batch';
import { DispatchLockLost } from '../../src/db/dispatch-lock';
import { transitionCampaign } from '../../src/db/campaigns';
import { markSending } from '../../src/db/messages';
import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { twilioSignature } from '../../src/carrier/webhook-signature';
import { createTenant, eventually, useTestSystem } from '../support/test-system';

const system = useTestSystem();

/**
 * A carrier like Twilio: it ignores Idempotency-Key (every accepted request is a new message), keeps what it
 * accepted in a list the engine can search, and can be told to lose its answer after accepting (the connection
 * dropped) or to fail before accepting (the request never arrived), both reported as in doubt.
 */
function twilioLikeCarrier() {
  const accepted: (CarrierMessage & { to: string; from: string })[] = [];
  const lookups: SentMessageQuery[] = [];
  let loseAnswers = 0;
  let loseRequests = 0;
  const carrier: Carrier = {
    async send(sms: OutboundSms) {
      if (loseRequests > 0) {
        loseRequests -= 1;
        throw new CarrierInDoubtError('carrier did not answer within 10000 ms (request lost)');
      }
      const message = {
        sid: `SM${randomUUID().replace(/-/g, '')}`,
        to: sms.to,
        from: sms.from,
        body: sms.body,
        status: 'queued',
        errorCode: null,
        createdAt: Date.now(),
      };
      accepted.push(message);
      if (loseAnswers > 0) {
        loseAnswers -= 1;
        throw new CarrierInDoubtError('carrier unreachable: other side closed (answer lost)');
      }
      return { kind: 'accepted', sid: message.sid };
    },
    async findSent(query) {
      lookups.push(query);
      return accepted
        .filter(
          (m) => m.to === query.to && m.from === query.from && m.body === query.body && m.createdAt >= query.since,
        )
        .reverse();
    },
  };
  return {
    carrier,
    accepted,
    lookups,
    loseAnswersOfNext: (n: number) => void (loseAnswers = n),
    loseNextRequests: (n: number) => void (loseRequests = n),
  };
}

async function runningCampaign(recipients: number) {
  const tenant = await createTenant(system);
  const sender = await createSender(tenant, 50);
  const listId = await uploadList(tenant, makeRecipients(recipients));
  const campaignId = await createCampaign(tenant, { listId, message: 'Hi {FirstName}', senderIds: [sender.id] });
  await transitionCampaign(system.db, campaignId, ['draft'], 'running');
  return { tenant, campaignId, sender };
}

function engineDeps(carrier: Carrier) {
  return {
    db: system.db,
    carrier,
    statusCallbackUrl: `${system.config.publicUrl}/webhooks/twilio/status`,
    carrierPatienceMs: 10_000,
    carrierSettleMs: 300,
    heartbeat: () => {},
  };
}

function messagesOf(campaignId: string) {
  return system.db.selectFrom('messages').selectAll().where('campaign_id', '=', campaignId).orderBy('id').execute();
}

function perRecipient(accepted: { to: string }[]): number[] {
  const counts = new Map<string, number>();
  for (const m of accepted) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
  return [...counts.values()];
}

describe('a send whose outcome is unknown is looked up at the carrier, never blindly resent', () => {
  it('adopts the carrier’s message when the answer was lost after the carrier accepted it', async () => {
    const { campaignId } = await runningCampaign(6);
    const twilio = twilioLikeCarrier();
    twilio.loseAnswersOfNext(3);
    const result = await dispatchBatch(engineDeps(twilio.carrier), { campaignId, afterId: '0', batchSize: 500 });
    expect(result).toMatchObject({ outcome: 'dispatched', done: true });
    expect(twilio.accepted).toHaveLength(6);
    expect(perRecipient(twilio.accepted)).toEqual([1, 1, 1, 1, 1, 1]);
    const rows = await messagesOf(campaignId);
    expect(rows.map((r) => r.state)).toEqual(Array(6).fill('sent'));
    expect(new Set(rows.map((r) => r.carrier_sid))).toEqual(new Set(twilio.accepted.map((m) => m.sid)));
    expect(twilio.lookups.length).toBeGreaterThanOrEqual(3);
  });

  it('sends again, once, what the carrier never received, after the carrier had time to show it', async () => {
    const { campaignId } = await runningCampaign(4);
    const twilio = twilioLikeCarrier();
    twilio.loseNextRequests(2);
    const started = Date.now();
    await dispatchBatch(engineDeps(twilio.carrier), { campaignId, afterId: '0', batchSize: 500 });
    expect(perRecipient(twilio.accepted)).toEqual([1, 1, 1, 1]);
    expect((await messagesOf(campaignId)).map((r) => r.state)).toEqual(Array(4).fill('sent'));
    // Not resent before the settle delay: "not found" right after the send proves nothing.
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('a run cut off while its messages were sending looks them up before anything is resent', async () => {
    const { campaignId } = await runningCampaign(5);
    const twilio = twilioLikeCarrier();
    // A first run sent everything, then died before recording any answer: its rows still say sending.
    await dispatchBatch(engineDeps(twilio.carrier), { campaignId, afterId: '0', batchSize: 500 });
    const rows = await messagesOf(campaignId);
    await system.db
      .updateTable('messages')
      .set({ state: 'sending', carrier_sid: null, sent_at: null })
      .where('campaign_id', '=', campaignId)
      .execute();
    await markSending(
      system.db,
      rows.slice(0, 2).map((r) => r.id),
    );
    await dispatchBatch(engineDeps(twilio.carrier), { campaignId, afterId: '0', batchSize: 500 });
    expect(twilio.accepted).toHaveLength(5);
    expect((await messagesOf(campaignId)).map((r) => r.state)).toEqual(Array(5).fill('sent'));
  });

  it('two runs of the same batch at once (an attempt Temporal gave up on, still running) send each recipient once', async () => {
    const { campaignId } = await runningCampaign(20);
    const twilio = twilioLikeCarrier();
    const send = twilio.carrier.send;
    // Answers take a little while, so the two runs overlap for the whole batch.
    twilio.carrier.send = async (sms) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return send(sms);
    };
    const waits: number[] = [];
    const runs = [0, 1].map((n) =>
      dispatchBatch(
        { ...engineDeps(twilio.carrier), heartbeat: () => void waits.push(n) },
        { campaignId, afterId: '0', batchSize: 500 },
      ),
    );
    await Promise.all(runs);
    expect(twilio.accepted).toHaveLength(20);
    expect(perRecipient(twilio.accepted)).toEqual(Array(20).fill(1));
    expect((await messagesOf(campaignId)).map((r) => r.state)).toEqual(Array(20).fill('sent'));
  });

  it('a run whose lock connection closed (a PostgreSQL restart) stops sending, so no successor sends beside it', async () => {
    // Three chunks of 50: the run finds the lock gone at its next heartbeat, between two chunks.
    const { campaignId } = await runningCampaign(150);
    const twilio = twilioLikeCarrier();
    const send = twilio.carrier.send;
    let sends = 0;
    const firstSends = new Promise<void>((resolve) => {
      twilio.carrier.send = async (sms) => {
        sends += 1;
        if (sends === 3) resolve();
        return send(sms);
      };
    });
    const run = dispatchBatch(engineDeps(twilio.carrier), { campaignId, afterId: '0', batchSize: 500 });
    await firstSends;
    // The lock's own connection goes, as in a PostgreSQL restart; the run's pool would reconnect without noticing.
    await sql`SELECT pg_terminate_backend(pid) FROM pg_locks
              WHERE locktype = 'advisory' AND objid::int = hashtext(${campaignId})`.execute(system.db);
    await expect(run).rejects.toThrow(DispatchLockLost);
    expect(sends).toBeLessThan(150);
  });

  it('shows the message in doubt in the campaign counts while it is being reconciled', async () => {
    const { tenant, campaignId } = await runningCampaign(2);
    const twilio = twilioLikeCarrier();
    twilio.loseNextRequests(1);
    // The look-up waits until the counts were read: a loaded machine must not let the resend overtake the reading.
    let release!: () => void;
    const countsRead = new Promise<void>((resolve) => (release = resolve));
    const lookedUp = new Promise<void>((resolve) => {
      const findSent = twilio.carrier.findSent;
      twilio.carrier.findSent = async (query) => {
        resolve();
        await countsRead;
        return findSent(query);
      };
    });
    const batch = dispatchBatch(engineDeps(twilio.carrier), { campaignId, afterId: '0', batchSize: 500 });
    await lookedUp;
    const during = await tenant.api.get(`/v1/campaigns/${campaignId}`);
    release();
    expect(during.body.counts).toMatchObject({ total: 2, inDoubt: 1, sent: 1 });
    await batch;
    const after = await tenant.api.get(`/v1/campaigns/${campaignId}`);
    expect(after.body.counts).toMatchObject({ total: 2, inDoubt: 0, sent: 2 });
  });
});

describe('a delivery receipt finds its message by our id when the send’s answer never came', () => {
  it('lands on the in-doubt message through the id in the StatusCallback URL and adopts the carrier’s sid', async () => {
    const { campaignId } = await runningCampaign(1);
    const twilio = twilioLikeCarrier();
    const sent: OutboundSms[] = [];
    const send = twilio.carrier.send;
    twilio.carrier.send = async (sms) => {
      sent.push(sms);
      return send(sms);
    };
    twilio.loseAnswersOfNext(1);
    // The lookup finds nothing (a carrier whose list lags): only the receipt can tell.
    twilio.carrier.findSent = async () => [];
    const batch = dispatchBatch(
      { ...engineDeps(twilio.carrier), carrierSettleMs: 60_000 },
      { campaignId, afterId: '0', batchSize: 500 },
    );
    const [message] = await eventually('the message to be in doubt', async () => {
      const rows = await messagesOf(campaignId);
      return rows[0]?.state === 'in_doubt' ? rows : undefined;
    });
    expect(sent[0].statusCallback).toBe(`${system.config.publicUrl}/webhooks/twilio/status?messageId=${message.id}`);
    const receipt = { MessageSid: twilio.accepted[0].sid, MessageStatus: 'delivered' };
    const res = await fetch(sent[0].statusCallback!, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(system.config.twilioAuthToken, sent[0].statusCallback!, receipt),
      },
      body: new URLSearchParams(receipt),
    });
    expect(res.status).toBe(200);
    await batch;
    const [row] = await messagesOf(campaignId);
    expect(row).toMatchObject({ state: 'delivered', carrier_sid: twilio.accepted[0].sid });
    expect(twilio.accepted).toHaveLength(1);
  });
});
