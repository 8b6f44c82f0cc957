import { getInboundMessage, recordInboundMessage } from '../../src/db/inbound-messages';
import { createSender } from '../support/campaign-fixtures';
import { OwnServers, startOwnServers } from '../support/own-servers';
import { dncEntry, handled, reply } from '../support/reply-fixtures';
import { createTenant, eventually, startTestSystem, Tenant, TestSystem, uniquePhone } from '../support/test-system';

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
    const text = await (await fetch(`${system.config.publicUrl}/metrics`)).text();
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
      expect((await dncEntry(tenant, tenant.defaultDncGroupId, contact)).onList).toBe(false);
      expect(await unforwarded()).toBe(1);
      await servers.temporal.start();
      expect(await handled(system, sent.sid)).toMatchObject({ classification: 'opt_out' });
      expect((await dncEntry(tenant, tenant.defaultDncGroupId, contact)).onList).toBe(true);
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
