import type { Browser, Page } from 'playwright-core';
import { createSender, makeRecipients, uploadList } from '../../support/campaign-fixtures';
import { launchBrowser, openConsole, pageProblems, screenshot } from '../../support/browser';
import { createTenant, startTestSystem, Tenant, TestSystem } from '../../support/test-system';

let system: TestSystem;
let browser: Browser;
beforeAll(async () => {
  [system, browser] = await Promise.all([
    startTestSystem({ autoDeliver: true, env: { TEMPORAL_UI_URL: 'http://temporal.test:8233/' } }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await system?.shutdown();
});

async function rowCount(page: Page, campaignRow: string, count: string): Promise<string> {
  return (await page.textContent(`${campaignRow} [data-count=${count}]`))!.trim();
}

describe('the web console for supervisors', () => {
  let tenant: Tenant;
  beforeAll(async () => {
    tenant = await createTenant(system);
  });

  it('creates and starts a campaign from the page and shows it reaching completed with its counts', async () => {
    const sender = await createSender(tenant, 50);
    const recipients = makeRecipients(12);
    await uploadList(tenant, recipients);
    const page = await openConsole(browser, system.config.publicUrl, tenant.api.key!);

    await page.waitForSelector(`#campaign-senders input[value="${sender.id}"]`);
    await page.fill('#new-campaign input[name=name]', 'Console launch');
    await page.fill('#new-campaign textarea[name=message]', 'Hello {FirstName}, your order has shipped.');
    await page.check(`#campaign-senders input[value="${sender.id}"]`);
    await page.click('#new-campaign button[type=submit]');

    const row = await page.waitForSelector('#campaigns tr[data-status=draft]');
    const campaignId = (await row.getAttribute('data-campaign-id'))!;
    const selector = `#campaigns tr[data-campaign-id="${campaignId}"]`;
    expect(await page.getAttribute(`${selector} .temporal-link`, 'href')).toBe(
      `http://temporal.test:8233/namespaces/default/workflows?query=CampaignId%3D%22${campaignId}%22`,
    );
    await page.click(`${selector} button[data-action=start]`);

    // Polling brings the finished campaign onto the screen without a reload.
    await page.waitForSelector(`${selector}[data-status=completed]`, { timeout: 60_000 });
    await page.waitForSelector(`${selector} [data-count=delivered]:text-is("12")`);
    expect(await page.textContent(`${selector} .status`)).toBe('completed');
    expect(await page.textContent(`${selector} .progress-text`)).toBe('12 / 12 (100%)');
    expect(await rowCount(page, selector, 'pending')).toBe('0');
    expect(await page.isHidden(`${selector} button[data-action=pause]`)).toBe(true);
    expect(system.sentMessages().filter((m) => m.from === sender.address)).toHaveLength(12);
    await screenshot(page, 'console-campaigns');
    expect(pageProblems(page)).toEqual([]);
  });

  it('previews a right-to-left template as it is typed, with its encoding and segments', async () => {
    const page = await openConsole(browser, system.config.publicUrl, tenant.api.key!);
    await page.click('a[href="#/templates"]');
    await page.selectOption('#new-template select[name=direction]', 'rtl');
    await page.fill('#template-body', 'مرحبا {FirstName}، موعدك يوم {Day} الساعة 10:30');
    await page.fill('#template-samples input[data-variable=FirstName]', 'Sara');
    await page.fill('#template-samples input[data-variable=Day]', 'الأحد');

    await page.waitForSelector('#preview-text:has-text("Sara")');
    const text = (await page.textContent('#preview-text'))!;
    expect(text).toContain('الأحد');
    expect(await page.getAttribute('#preview-text', 'dir')).toBe('rtl');
    expect(await page.getAttribute('#template-body', 'dir')).toBe('rtl');
    expect(await page.textContent('#preview-facts')).toMatch(/^UCS-2 · \d+ characters · 1 segment$/);

    await page.fill('#new-template input[name=name]', 'Arabic reminder');
    await screenshot(page, 'console-templates');
    await page.click('#new-template button[type=submit]');
    await page.waitForSelector('#templates td[dir=rtl]');
    expect(pageProblems(page)).toEqual([]);
  });
});
