import { sql } from 'kysely';
import { getInboundMessage } from '../../src/db/inbound-messages';
import { createInboundIntake, InboundWebhook } from '../../src/replies/inbound-intake';
import { createSender } from '../support/campaign-fixtures';
import { createTenant, uniquePhone, useTestSystem } from '../support/test-system';

// The webhook's store step on its own, against the real database: webhooks that arrive together are stored together,
// and that must change nothing a single webhook could tell (order, duplicates, one bad message).

const system = useTestSystem();
let sender: { id: string; address: string };
beforeAll(async () => {
  sender = await createSender(await createTenant(system), 50);
});

/** An intake whose forwarder only notes what it was given; the messages' conversation workflows are not the point. */
function intakeNotingForwards() {
  const forwarded: string[] = [];
  const forwarder = { leaseMs: 0, forward: (m: { messageSid: string }) => (forwarded.push(m.messageSid), true) };
  return { intake: createInboundIntake({ db: system.db, forwarder }), forwarded };
}

function webhooks(contact: string, bodies: string[]): InboundWebhook[] {
  // MessageSids that sort opposite to arrival: an order taken from them, not from arrival, would show.
  return bodies.map((body, i) => ({
    messageSid: `SMintake${contact.slice(1)}${String(99 - i).padStart(2, '0')}`,
    from: contact,
    to: sender.address,
    body,
  }));
}

describe('storing inbound webhooks', () => {
  it('keeps the order of webhooks stored together, for the forwarder and for the sweep', async () => {
    const { intake, forwarded } = intakeNotingForwards();
    const arriving = webhooks(
      uniquePhone(),
      Array.from({ length: 30 }, (_, i) => (i % 2 ? 'START' : 'STOP')),
    );
    // All posted before any is stored: the first goes alone, the rest wait and are stored together.
    const outcomes = await Promise.all(arriving.map((webhook) => intake.receive(webhook)));
    expect(outcomes.every((o) => o === 'accepted')).toBe(true);
    const sids = arriving.map((w) => w.messageSid);
    expect(forwarded).toEqual(sids);
    // The sweep's order (claimInboundToForward): received_at, then MessageSid.
    const { rows } = await sql<{ message_sid: string; stamps: number }>`
      SELECT message_sid, count(*) OVER (PARTITION BY received_at)::int AS stamps FROM inbound_messages
       WHERE message_sid = ANY(${sids}) ORDER BY received_at, message_sid`.execute(system.db);
    expect(rows.map((r) => r.message_sid)).toEqual(sids);
    expect(rows.every((r) => r.stamps === 1)).toBe(true);
  });

  it('stores a MessageSid that arrives twice together once, and forwards it once', async () => {
    const { intake, forwarded } = intakeNotingForwards();
    const [first, other] = webhooks(uniquePhone(), ['STOP', 'HELP']);
    const outcomes = await Promise.all([first, first, other, first].map((webhook) => intake.receive(webhook)));
    expect(outcomes).toEqual(['accepted', 'duplicate', 'accepted', 'duplicate']);
    expect(forwarded).toEqual([first.messageSid, other.messageSid]);
  });

  it('fails only the webhook PostgreSQL refuses, and stores the ones that arrived with it', async () => {
    const { intake, forwarded } = intakeNotingForwards();
    // A NUL cannot be stored in a text column: that message alone fails (the route strips NULs before this).
    const [lead, good, bad, last] = webhooks(uniquePhone(), ['HELP', 'STOP', 'bad \u0000 body', 'START']);
    const outcomes = await Promise.all(
      [lead, good, bad, last].map((webhook) => intake.receive(webhook).catch((error: Error) => error.message)),
    );
    expect(outcomes[0]).toBe('accepted');
    expect(outcomes[1]).toBe('accepted');
    expect(outcomes[2]).toMatch(/0x00/);
    expect(outcomes[3]).toBe('accepted');
    expect(forwarded).toEqual([lead.messageSid, good.messageSid, last.messageSid]);
    expect(await getInboundMessage(system.db, bad.messageSid)).toBeUndefined();
  });
});
