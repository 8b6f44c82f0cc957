import { Client } from 'pg';
import type { Carrier, OutboundSms, SendOutcome } from '../../src/carrier/carrier';
import { twilioSignature } from '../../src/carrier/webhook-signature';
import { sendChunk } from '../../src/campaigns/chunk-flight';
import { poolOf } from '../../src/db/connection';
import { consentWatchApplication } from '../../src/db/consent-notices';
import { recordInboundMessagesFenced } from '../../src/db/inbound-messages';
import type { CampaignMessage } from '../../src/db/messages';
import { loadDncScope } from '../../src/dnc/dnc-scope';
import { RunningWatch, watchConsent } from '../../src/dnc/last-look';
import { startOptOutFence } from '../../src/dnc/opt-out-fence';
import { createSender } from '../support/campaign-fixtures';
import { createTenant, eventually, Tenant, uniquePhone, useTestSystem } from '../support/test-system';
import { postWebhook } from '../support/webhooks';

// From the moment the inbound webhook answers 200 to a STOP, no message goes to that contact: one the carrier has not
// received by then never goes (src/dnc/opt-out-fence.ts, src/dnc/last-look.ts).

const system = useTestSystem();
let tenant: Tenant;
let sender: { id: string; address: string };
beforeAll(async () => {
  tenant = await createTenant(system);
  sender = await createSender(tenant, 50);
});

/**
 * A carrier that records when each request began and was answered; the held contact's request (if any) waits for
 * release(), and heldRequest resolves once it is under way.
 */
function recordingCarrier(answerAfterMs: number, heldContact: string | null) {
  const requests: { to: string; beganAt: number; answeredAt: number | null }[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let heldBegan!: () => void;
  const heldRequest = new Promise<void>((resolve) => (heldBegan = resolve));
  if (heldContact === null) heldBegan();
  const carrier: Carrier = {
    findSent: async () => [],
    async send(sms: OutboundSms): Promise<SendOutcome> {
      const request = { to: sms.to, beganAt: Date.now(), answeredAt: null as number | null };
      requests.push(request);
      if (sms.to === heldContact) heldBegan();
      await new Promise((resolve) => setTimeout(resolve, answerAfterMs));
      if (sms.to === heldContact) await released;
      request.answeredAt = Date.now();
      return { kind: 'accepted', sid: `SM${sms.idempotencyKey}` };
    },
  };
  return { carrier, requests, heldRequest, release };
}

function messageTo(phone: string, i: number): CampaignMessage {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    to_phone: phone,
    body: 'Your parcel arrives today.',
    sender_id: null,
    segments: 1,
    idempotency_key: `fence-test-${phone}`,
    record_timezone: null,
  } as unknown as CampaignMessage;
}

/** stop posts a signed STOP from the contact and returns when its answer arrived. */
async function stop(contact: string): Promise<number> {
  const params = {
    MessageSid: `SMfence${contact.slice(1)}`,
    AccountSid: 'ACtest',
    From: contact,
    To: sender.address,
    Body: 'STOP',
  };
  const url = `${system.config.publicUrl}/webhooks/twilio/inbound`;
  const res = await postWebhook(system, 'inbound', params, twilioSignature(system.config.twilioAuthToken, url, params));
  const answeredAt = Date.now();
  expect(res.status).toBe(200);
  return answeredAt;
}

describe('an opt-out answered 200 is in force at every sending worker', () => {
  let running: RunningWatch;
  beforeAll(async () => {
    running = watchConsent(system.db);
    await eventually('the watch to listen', async () => (running.watch.isListening() ? true : undefined));
  });
  afterAll(async () => {
    await running?.close();
  });

  /** textAndStop sends a chunk to the contacts at their slots while their STOPs are posted; it returns what came. */
  async function textAndStop(contacts: string[], slots: number[], carrier: ReturnType<typeof recordingCarrier>) {
    const scope = await loadDncScope(system.db, tenant.id, null);
    const flight = sendChunk(
      {
        carrier: running.watch.watchingSends(carrier.carrier),
        statusCallbackUrl: 'http://127.0.0.1:1/status',
        lastLook: running.watch,
      },
      {
        from: sender.address,
        messages: contacts.map(messageTo),
        slots,
        // A send whose timer fires late (a loaded machine) takes a spare slot rather than going back unsent.
        spareSlots: Array.from({ length: 400 }, (_, i) => slots[slots.length - 1] + 10 + i * 10),
        deadline: null,
        dncRead: { scope, readAt: Date.now() },
      },
    );
    const answeredAt = new Map<string, number>();
    await Promise.race([carrier.heldRequest, flight.answers()]);
    await Promise.all(contacts.map(async (contact) => answeredAt.set(contact, await stop(contact))));
    const answers = await flight.answers();
    // Every message the carrier got was there, and answered, before its contact's STOP was answered.
    for (const request of carrier.requests) {
      expect(request.answeredAt).not.toBeNull();
      expect(request.answeredAt!).toBeLessThanOrEqual(answeredAt.get(request.to)!);
    }
    // Each message went, or was kept from going.
    expect(answers.results.length + answers.optedOut.length).toBe(contacts.length);
    return answers;
  }

  it('a STOP answered while a chunk is due to text its contact a few ms later keeps the text from going', async () => {
    const contacts = Array.from({ length: 12 }, () => uniquePhone());
    const carrier = recordingCarrier(20, null);
    // From just before the STOPs are posted to well after they are answered, 25 ms apart.
    const start = Date.now() + 50;
    const answers = await textAndStop(
      contacts,
      contacts.map((_, i) => start + i * 25),
      carrier,
    );
    // Contacts stopped before their slot were never texted.
    for (const message of answers.optedOut) expect(carrier.requests.map((r) => r.to)).not.toContain(message.to_phone);
  });

  it("a STOP that comes while its contact's text is on its way to the carrier is answered once the carrier has it", async () => {
    const contacts = [uniquePhone()];
    const carrier = recordingCarrier(20, contacts[0]);
    setTimeout(carrier.release, 300);
    const answers = await textAndStop(contacts, [Date.now() + 20], carrier);
    expect(answers.results).toHaveLength(1);
    expect(carrier.requests).toHaveLength(1);
  });

  it('a listening worker that does not ack holds an opt-out no longer than the bound', async () => {
    const silent = new Client({
      connectionString: poolOf(system.db).options.connectionString,
      application_name: consentWatchApplication,
    });
    await silent.connect();
    const fence = startOptOutFence(system.db, { boundMs: 300 });
    try {
      const { rows } = await silent.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await silent.query('LISTEN contact_consent');
      // Counted, waited for until the bound, then let go; the listening workers acked.
      expect(await fence.hold()).toEqual({ unacked: [rows[0].pid] });
      // The API's own fence lets the carrier's webhook be answered too.
      await stop(uniquePhone());
    } finally {
      await fence.stop();
      await silent.end();
    }
  });

  it('raised in the storing transaction, the fence is heard after the opt-outs and every worker acks it', async () => {
    const fence = startOptOutFence(system.db, { boundMs: 60_000 });
    const listener = new Client({ connectionString: poolOf(system.db).options.connectionString });
    await listener.connect();
    try {
      await eventually('the fence to hear acks', async () => {
        const { result } = await fence.raiseWithin(async (fenceId) => ({ result: fenceId, workers: [] }));
        return result === null ? undefined : true;
      });
      // What a listener hears, in order.
      const heard: string[] = [];
      listener.on('notification', (n) => heard.push(n.payload ?? ''));
      await listener.query('LISTEN contact_consent');
      const contact = uniquePhone();
      const { result, acked } = await fence.raiseWithin(async (fenceId) => {
        const stored = await recordInboundMessagesFenced(
          system.db,
          [
            {
              messageSid: `SMfenced${contact.slice(1)}`,
              businessUnitId: tenant.id,
              from: contact,
              to: sender.address,
              body: 'STOP',
              keyword: true,
              keywordKind: 'opt_out',
            },
          ],
          fenceId,
        );
        return { result: stored.stored, workers: stored.workers };
      });
      expect(result).toEqual([true]);
      expect(await acked).toEqual({ unacked: [] });
      await eventually('the fence heard', async () => (heard.some((p) => p.includes('"fence"')) ? true : undefined));
      const mine = heard.filter((p) => p.includes(contact) || p.includes('"fence"'));
      expect(mine.findIndex((p) => p.includes(contact))).toBeLessThan(mine.findIndex((p) => p.includes('"fence"')));
    } finally {
      await fence.stop();
      await listener.end();
    }
  });

  it('while the acks cannot be heard, an opt-out is stored at once and its fence follows', async () => {
    const fence = startOptOutFence(system.db, { boundMs: 60_000 });
    try {
      // Right after the start the acks' listener is still connecting: the store is not held back for it.
      const { result, acked } = await fence.raiseWithin(async (fenceId) => ({ result: fenceId, workers: [] }));
      expect(result).toBeNull();
      expect(await acked).toEqual({ unacked: [] });
    } finally {
      await fence.stop();
    }
  });

  it('every listening worker acks: an opt-out waits for none beyond them', async () => {
    const fence = startOptOutFence(system.db, { boundMs: 60_000 });
    try {
      expect(await fence.hold()).toEqual({ unacked: [] });
    } finally {
      await fence.stop();
    }
  });
});
