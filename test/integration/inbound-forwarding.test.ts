import {
  claimInboundToForward,
  getInboundMessage,
  InboundToForward,
  recordInboundMessage,
  recordInboundMessages,
} from '../../src/db/inbound-messages';
import { createSender } from '../support/campaign-fixtures';
import { OwnServers, startOwnServers } from '../support/own-servers';
import { dncEntry, handled, reply } from '../support/reply-fixtures';
import {
  createTenant,
  eventually,
  METRICS_TOKEN,
  startTestSystem,
  Tenant,
  TestSystem,
  uniquePhone,
} from '../support/test-system';

// The inbound webhook answers once the message is stored; the row is the hand-off to the conversation workflow. These
// tests take the forwarding away (Temporal down, the receiving process gone) and need their own servers: the sweep
// forwards any stored message, and other test files' systems share the common database.

describe('inbound messages forwarded from the store', () => {
  let servers: OwnServers;
  let system: TestSystem;
  let tenant: Tenant;
  let sender: { id: string; address: string };
  beforeAll(async () => {
    servers = await startOwnServers();
    system = await startTestSystem({ env: servers.env, forwarder: { maxInHand: 2 } });
    tenant = await createTenant(system);
    sender = await createSender(tenant, 50);
  });
  afterAll(async () => {
    await system?.shutdown();
    await servers?.stop();
  });

  // The operators' view of the backlog: the API's /metrics.
  async function unforwarded(): Promise<number> {
    const headers = { authorization: `Bearer ${METRICS_TOKEN}` };
    const text = await (await fetch(`${system.config.publicUrl}/metrics`, { headers })).text();
    const line = text.split('\n').find((l) => l.startsWith(`sms_inbound_unforwarded{business_unit_id="${tenant.id}"}`));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  }

  it('answers 200 while Temporal is down, and the reply takes effect once Temporal is back', async () => {
    const contact = uniquePhone();
    await servers.temporal.stop();
    try {
      const sent = await reply(system, { from: contact, to: sender.address, body: 'STOP' });
      expect(sent.status).toBe(200);
      expect(await getInboundMessage(system.db, sent.sid)).toMatchObject({ from_phone: contact, processed_at: null });
      // The stored STOP already counts (the DNC API shows it); its workflow writes the entry and the audit later.
      expect(await dncEntry(tenant, tenant.defaultDncGroupId, contact)).toEqual({ onList: true, history: [] });
      expect(await unforwarded()).toBe(1);
      await servers.temporal.start();
      expect(await handled(system, sent.sid)).toMatchObject({ classification: 'opt_out' });
      expect((await dncEntry(tenant, tenant.defaultDncGroupId, contact)).history).toMatchObject([{ action: 'add' }]);
      expect(await unforwarded()).toBe(0);
    } finally {
      if (!servers.temporal.running) await servers.temporal.start();
    }
  });

  it('keeps a burst stored while Temporal holds as many as it may, and forwards the rest as the workers catch up', async () => {
    await system.stopWorker();
    let sids: string[] = [];
    try {
      const contacts = Array.from({ length: 5 }, () => uniquePhone());
      sids = (await Promise.all(contacts.map((from) => reply(system, { from, to: sender.address, body: 'HELP' })))).map(
        (sent) => sent.sid,
      );
      const forwarded = async () =>
        (await Promise.all(sids.map((sid) => getInboundMessage(system.db, sid)))).filter((m) => m?.forwarded_at).length;
      await eventually('two replies in Temporal', async () => ((await forwarded()) === 2 ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await forwarded()).toBe(2);
      expect(await unforwarded()).toBe(3);
    } finally {
      await system.startWorker();
    }
    for (const sid of sids) expect(await handled(system, sid)).toMatchObject({ classification: 'help' });
    expect(await unforwarded()).toBe(0);
  });

  it("puts a STOP waiting in a backlog ahead of older questions, after its contact's own earlier message", async () => {
    const question = 'Is my appointment still on?';
    const ask = async (from: string, body = question) => (await reply(system, { from, to: sender.address, body })).sid;
    await system.stopWorker();
    let inHand: string[] = [];
    let questions: string[] = [];
    let keywordRound: string[] = [];
    try {
      // Two questions fill Temporal's hand (maxInHand 2); everything after them waits, in arrival order.
      inHand = [await ask(uniquePhone()), await ask(uniquePhone())];
      await eventually('two replies in Temporal', async () => {
        const rows = await Promise.all(inHand.map((sid) => getInboundMessage(system.db, sid)));
        return rows.every((m) => m?.forwarded_at) ? true : undefined;
      });
      questions = [await ask(uniquePhone()), await ask(uniquePhone()), await ask(uniquePhone())];
      const contact = uniquePhone();
      keywordRound = [await ask(contact), await ask(contact, 'STOP'), await ask(uniquePhone(), 'stop texting me')];
    } finally {
      await system.startWorker();
    }
    const rows = await Promise.all([...inHand, ...questions, ...keywordRound].map((sid) => handled(system, sid)));
    const at = (sids: string[], column: 'forwarded_at' | 'processed_at') =>
      rows.filter((m) => sids.includes(m.message_sid)).map((m) => (m[column] as Date).getTime());
    // No later than the first question's round (a round may take a keyword and then fill up with the oldest question).
    expect(Math.max(...at(keywordRound, 'forwarded_at'))).toBeLessThanOrEqual(
      Math.min(...at(questions, 'forwarded_at')),
    );
    // The contact's question was written before its STOP and is handled before it.
    const [contactsQuestion, stop] = keywordRound.map((sid) => at([sid], 'processed_at')[0]);
    expect(contactsQuestion).toBeLessThan(stop);
  });

  it("sweeps waiting keywords first, each with its contact's earlier messages", async () => {
    const [a, b, x] = [uniquePhone(), uniquePhone(), uniquePhone()];
    const stored = (from: string, body: string, keyword = false) => ({
      messageSid: `SMsweep${from.slice(1)}${body.length}`,
      businessUnitId: tenant.id,
      from,
      to: sender.address,
      body,
      keyword,
    });
    const messages = [stored(a, 'hi'), stored(x, 'a question'), stored(b, 'when?'), stored(x, 'STOP', true)];
    // In a transaction that is rolled back (by throwing what was claimed): the system's forwarder never sees the rows.
    class RolledBack {
      constructor(readonly claimed: InboundToForward[]) {}
    }
    const claimed = await system.db
      .transaction()
      .execute(async (trx) => {
        await recordInboundMessages(trx, messages);
        throw new RolledBack(await claimInboundToForward(trx, 2, 10_000));
      })
      .catch((error: unknown) => {
        if (error instanceof RolledBack) return error.claimed;
        throw error;
      });
    const mine = new Set(messages.map((m) => m.messageSid));
    expect(claimed.filter((m) => mine.has(m.messageSid)).map((m) => [m.contact, m.keyword])).toEqual([
      [a, false],
      [x, false],
      [x, true],
    ]);
  });

  it('forwards a message whose receiving API process died before handing it over', async () => {
    const contact = uniquePhone();
    const messageSid = `SMorphan${contact.slice(1)}`;
    // Stored as the webhook stores it, by a process that then died: nobody will forward it but the sweep.
    await recordInboundMessage(system.db, {
      messageSid,
      businessUnitId: tenant.id,
      from: contact,
      to: sender.address,
      body: 'STOP',
      forwardLeaseMs: 0,
    });
    expect(await handled(system, messageSid)).toMatchObject({ classification: 'opt_out' });
    expect((await dncEntry(tenant, tenant.defaultDncGroupId, contact)).onList).toBe(true);
  });
});
