import type { Browser } from 'playwright-core';
import { measureSms } from '../../../src/templates';
import { launchBrowser, openConsole, pageProblems, screenshot } from '../../support/browser';
import { agentDesk, eventuallyTextsTo, messagedByCampaign, reply } from '../../support/reply-fixtures';
import { createTenant, startTestSystem, TestSystem } from '../../support/test-system';

let system: TestSystem;
let browser: Browser;
beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem({ autoDeliver: true }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await system?.shutdown();
});

describe("the agents' inbox in the web console", () => {
  it('shows an inbound reply without reloading, and the agent answer reaches the contact', async () => {
    const tenant = await createTenant(system);
    const { skillId, sender } = await agentDesk(tenant);
    const { contacts } = await messagedByCampaign(system, tenant, { senderId: sender.id, skillId });
    const contact = contacts[0];
    const page = await openConsole(browser, system.config.publicUrl, tenant.api.key!, 'dana');
    await page.click('a[href="#/inbox"]');
    await page.waitForSelector('#queue li');

    // The reply arrives after the page is open: polling has to bring it in.
    await reply(system, { from: contact, to: sender.address, body: 'Can I move my appointment to Friday?' });
    const item = await page.waitForSelector('#queue button[data-status=queued]', { timeout: 30_000 });
    expect(await item.textContent()).toContain(contact);
    await item.click();
    await page.waitForSelector('#thread li.inbound:has-text("move my appointment to Friday")');

    await page.click('#assign');
    await page.waitForSelector('#assigned button[data-status=assigned]:has-text("dana")');
    // The API measures a reply as written: its braces are text, and it may run past a template's 10 segments.
    const long = `{Name} ${'日'.repeat(700)}`;
    const size = measureSms(long);
    await page.fill('#reply', long);
    await page.waitForSelector('#segment-counter:has-text("UCS-2")');
    expect(await page.textContent('#segment-counter')).toBe(
      `${size.characters} characters · ${size.segments} segments · UCS-2`,
    );
    expect(size.segments).toBeGreaterThan(10);
    await page.fill('#reply', 'Yes — Friday at 10:00 works. See you then!');
    await page.waitForSelector('#segment-counter:has-text("42 characters")');
    expect(await page.textContent('#segment-counter')).toMatch(/^42 characters · 1 segment · UCS-2$/);
    await page.click('#send-reply');

    const texts = await eventuallyTextsTo(system, sender.address, contact, 2);
    expect(texts[1].body).toBe('Yes — Friday at 10:00 works. See you then!');
    // Oldest first: the campaign's message the contact answers, the question, then the answer.
    await page.waitForSelector('#thread li.outbound:has-text("Friday at 10:00 works")');
    const bubbles = await page.$$eval('#thread li', (items) => items.map((li) => li.className));
    expect(bubbles).toEqual(['bubble outbound campaign', 'bubble inbound', 'bubble outbound']);
    await page.waitForSelector('#thread li.outbound .meta:has-text("delivered")');
    await screenshot(page, 'console-inbox');

    await page.click('#close');
    await page.waitForSelector('#close[hidden]', { state: 'attached' });
    await page.waitForSelector('#closed button[data-status=closed]');
    expect((await tenant.api.get('/v1/conversations?status=closed')).body).toEqual([
      expect.objectContaining({ contact, status: 'closed' }),
    ]);
    expect(pageProblems(page)).toEqual([]);
  });
});
