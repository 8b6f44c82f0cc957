import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { sql } from 'kysely';
import { consentWatchApplication } from '../../src/db/consent-notices';
import { markInboundProcessed, recordInboundMessage } from '../../src/db/inbound-messages';
import { DncScope, loadDncScope } from '../../src/dnc/dnc-scope';
import { RunningWatch, watchConsent } from '../../src/dnc/last-look';
import { createCampaign, createSender, makeRecipients, uploadList } from '../support/campaign-fixtures';
import { reply, textsTo } from '../support/reply-fixtures';
import {
  createTenant,
  eventually,
  startTestSystem,
  Tenant,
  TestSystem,
  uniquePhone,
  waitForCampaignStatus,
} from '../support/test-system';

// A chunk's DNC read comes up to a second and a half before its last send; a STOP stored in between must still keep
// the contact's message from going (the worker's last look, src/dnc/last-look.ts).
const MESSAGE = 'Your parcel arrives today.';

describe('the last look before each send', () => {
  let system: TestSystem;
  let tenant: Tenant;
  beforeAll(async () => {
    system = await startTestSystem();
    tenant = await createTenant(system);
  });
  afterAll(async () => {
    await system?.shutdown();
  });

  it('a STOP stored after the chunk was read keeps its contact from being texted', async () => {
    // One message a second: each chunk is one message, read and booked a quarter second before the previous one goes,
    // so the second contact's chunk has passed its DNC read when the first contact's text reaches the carrier.
    const sender = await createSender(tenant, 1);
    const [first, second, third] = makeRecipients(3);
    const campaignId = await createCampaign(tenant, {
      listId: await uploadList(tenant, [first, second, third]),
      message: MESSAGE,
      senderIds: [sender.id],
    });
    expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);
    await eventually(
      'the first text at the carrier',
      async () => (textsTo(system, sender.address, first.phone).length > 0 ? true : undefined),
      60_000,
    );
    const stop = await reply(system, { from: second.phone, to: sender.address, body: 'STOP' });
    expect(stop.status).toBe(200);

    const done = await waitForCampaignStatus(tenant, campaignId, 'completed');
    // The second contact gets the STOP's confirmation, and nothing of the campaign's.
    const campaignTexts = (to: string) => textsTo(system, sender.address, to).filter((m) => m.body === MESSAGE);
    expect(campaignTexts(second.phone)).toHaveLength(0);
    expect(campaignTexts(third.phone)).toHaveLength(1);
    expect(done.counts).toMatchObject({ total: 3, skippedDnc: 1 });
  });

  describe('the watch', () => {
    let running: RunningWatch;
    let scope: DncScope;
    beforeAll(async () => {
      scope = await loadDncScope(system.db, tenant.id, null);
      running = watchConsent(system.db);
      await eventually('the watch to listen', async () => (running.watch.isListening() ? true : undefined));
    });
    afterAll(async () => {
      await running?.close();
    });

    async function stored(phone: string, body: 'STOP' | 'START') {
      const sid = `SM${randomUUID().replace(/-/g, '')}`;
      await recordInboundMessage(system.db, {
        messageSid: sid,
        businessUnitId: tenant.id,
        from: phone,
        to: '+14155550100',
        body,
        keyword: true,
        keywordKind: body === 'STOP' ? 'opt_out' : 'opt_in',
      });
      // Applied at once (as if its workflow had run), so PostgreSQL alone no longer shows it as a stored STOP: only
      // what the watch heard can say the contact stopped.
      await markInboundProcessed(system.db, sid, {
        classification: 'keyword',
        rule: null,
        outcome: 'applied by the test',
        conversationId: null,
        confirmationMessageId: null,
      });
    }

    it('hears a STOP committed after the read, and a START that follows it', async () => {
      const phone = uniquePhone();
      const readAt = Date.now();
      await stored(phone, 'STOP');
      await eventually('the STOP to be heard', async () =>
        (await running.watch.stoppedSince(scope, phone, readAt)) ? true : undefined,
      );
      await stored(phone, 'START');
      await eventually('the START to be heard', async () =>
        (await running.watch.stoppedSince(scope, phone, readAt)) ? undefined : true,
      );
    });

    it('asks PostgreSQL while it may have missed notices, and listens again after a drop', async () => {
      const readAt = Date.now();
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = ${consentWatchApplication} AND pid <> pg_backend_pid()`.execute(system.db);
      await eventually('the watch to notice the drop', async () => (running.watch.isListening() ? undefined : true));
      // A contact heard before the drop is no longer trusted to the watch for reads older than the reconnection.
      const phone = uniquePhone();
      running.watch.heard({ businessUnitId: tenant.id, phone, kind: 'opt_out' });
      expect(await running.watch.stoppedSince(scope, phone, readAt)).toBe(false);
      await eventually('the watch to listen again', async () => (running.watch.isListening() ? true : undefined));
      expect(await running.watch.stoppedSince(scope, phone, readAt)).toBe(false);
      expect(await running.watch.stoppedSince(scope, phone, Date.now())).toBe(true);
    });
  });

  it('runs its listener thread at the nice it is given, the rest of the process at its own', async () => {
    // A nice value is a thread's on Linux (/proc/self/task/<tid>/stat, field 19): lowering one's own needs no privilege.
    const niceOf = (tid: string) =>
      Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
    const own = os.getPriority();
    const asked = Math.min(own + 3, 19);
    const watching = watchConsent(system.db, { listenerNice: asked });
    try {
      await eventually('the listener thread to listen', async () => (watching.watch.isListening() ? true : undefined));
      const threads = readdirSync('/proc/self/task');
      expect(threads.filter((tid) => niceOf(tid) === asked)).toHaveLength(1);
      expect(niceOf(String(process.pid))).toBe(own);
    } finally {
      await watching.close();
    }
  });
});
