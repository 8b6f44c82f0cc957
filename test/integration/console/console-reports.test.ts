import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';
import { applyDeliveryReceipts } from '../../../src/db/delivery-receipts';
import { launchBrowser, openConsole, pageProblems, screenshot } from '../../support/browser';
import { makeReportWorld, ReportWorld, storeMessages } from '../../support/report-fixtures';
import { createTenant, startTestSystem, TestSystem } from '../../support/test-system';

let system: TestSystem;
let browser: Browser;
beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await system?.shutdown();
});

/** Seeds two campaigns sent an hour ago: A 3 delivered and 1 undelivered (30007), B 2 delivered and 1 awaiting. */
async function seed(world: ReportWorld) {
  const sentAt = new Date(Date.now() - 3_600_000).toISOString();
  const [a, b] = world.campaigns;
  const { longCode, tollFree } = world.senders;
  const stored = await storeMessages(system.db, world.tenant.id, [
    ...Array.from({ length: 4 }, () => ({ campaignId: a, senderId: longCode.id, state: 'sent' as const, sentAt })),
    ...Array.from({ length: 3 }, () => ({ campaignId: b, senderId: tollFree.id, state: 'sent' as const, sentAt })),
  ]);
  await applyDeliveryReceipts(
    system.db,
    stored.slice(0, 6).map((m, i) => ({
      carrierSid: m.carrierSid!,
      status: i === 3 ? 'undelivered' : 'delivered',
      errorCode: i === 3 ? '30007' : null,
      messageId: null,
    })),
  );
}

describe('the Reports page', () => {
  it('charts the figures of a seeded business unit, and its download has the numbers the API gives', async () => {
    const world = await makeReportWorld(await createTenant(system), 'UTC');
    await seed(world);
    const page = await openConsole(browser, system.config.publicUrl, world.tenant.api.key!);
    await page.click('a[href="#/reports"]');
    await page.waitForSelector('#message-report[data-ready=true]');
    await page.waitForSelector('#agent-report[data-ready=true]');
    // Chart.js came from the API's own origin and drew into the canvas.
    // The test's TypeScript has no DOM types: the page's objects are read as plain values.
    const drawn = await page.$eval('#message-report canvas', (canvas: any) => ({
      width: canvas.width as number,
      data: (globalThis as any).Chart.getChart(canvas)?.data,
    }));
    expect(drawn.width).toBeGreaterThan(0);
    expect(drawn.data).toMatchObject({ datasets: [{ label: 'Delivered' }, { label: 'Failed' }, {}, {}] });

    await page.selectOption('#message-report select[name=groupBy]', 'campaign');
    await page.click('#message-report button[type=submit]');
    await page.waitForSelector(`#message-report tr[data-key="${world.campaigns[0]}"]`);
    await page.waitForSelector('#message-report[data-ready=true]');
    const from = await page.inputValue('#message-report input[name=from]');
    const to = await page.inputValue('#message-report input[name=to]');
    const api = await world.tenant.api.get(`/v1/reports/messages?from=${from}&to=${to}&groupBy=campaign`);
    const byKey = new Map(api.body.rows.map((r: { key: string }) => [r.key, r]));
    expect(byKey.get(world.campaigns[0])).toMatchObject({ sent: 4, delivered: 3, failed: 1 });
    expect(byKey.get(world.campaigns[1])).toMatchObject({ sent: 3, delivered: 2, awaitingReceipt: 1 });
    for (const campaignId of world.campaigns) {
      const row = `#message-report tr[data-key="${campaignId}"]`;
      for (const column of ['sent', 'delivered', 'failed'])
        expect(await page.textContent(`${row} [data-column=${column}]`)).toBe(
          String((byKey.get(campaignId) as Record<string, number>)[column]),
        );
    }

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#message-report button.download'),
    ]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    expect(records.map((r) => [r.key, Number(r.sent), Number(r.delivered), Number(r.failed)])).toEqual(
      api.body.rows.map((r: Record<string, number>) => [r.key, r.sent, r.delivered, r.failed]),
    );
    await screenshot(page, 'console-reports');

    await page.goto(`${system.config.publicUrl}/console/#/reports/campaign/${world.campaigns[0]}`);
    await page.waitForSelector(`section[data-campaign-id="${world.campaigns[0]}"][data-ready=true]`);
    expect(await page.textContent('#campaign-funnel [data-stage=Delivered]')).toBe('3');
    await screenshot(page, 'console-campaign-funnel');
    expect(pageProblems(page)).toEqual([]);
  });
});
