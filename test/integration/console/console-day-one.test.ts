// Day one for a supervisor and an agent (issue 20): what a person sees in the console says what is true.
import type { Browser } from 'playwright-core';
import { createSender, makeRecipients, uploadList } from '../../support/campaign-fixtures';
import { launchBrowser, openConsole, pageProblems } from '../../support/browser';
import { createTenant, startTestSystem, Tenant, TestSystem } from '../../support/test-system';

let system: TestSystem;
let browser: Browser;
let tenant: Tenant;
beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem({ autoDeliver: true }), launchBrowser()]);
  tenant = await createTenant(system);
});
afterAll(async () => {
  await browser?.close();
  await system?.shutdown();
});

describe('the console signed out', () => {
  it('shows only the sign-in form: no navigation, no Agent box, no Sign out', async () => {
    const page = await browser.newPage();
    await page.goto(`${system.config.publicUrl}/console/`);
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await page.isVisible('#nav')).toBe(false);
    expect(await page.isVisible('#session')).toBe(false);
    expect(await page.isVisible('#sign-out')).toBe(false);

    const signedIn = await openConsole(browser, system.config.publicUrl, tenant.api.key!);
    expect(await signedIn.isVisible('#nav')).toBe(true);
    await signedIn.click('#sign-out');
    await signedIn.waitForSelector('#sign-in:not([hidden])');
    expect(await signedIn.isVisible('#nav')).toBe(false);
    expect(await signedIn.isVisible('#session')).toBe(false);
    expect(pageProblems(signedIn)).toEqual([]);
  });
});

describe('the new-campaign form', () => {
  it('is ready for the next campaign after one was created from a template, and explains a refusal in its own words', async () => {
    const unit = await createTenant(system);
    const sender = await createSender(unit, 50);
    await uploadList(unit, makeRecipients(2));
    const template = await unit.api.post('/v1/templates', { name: 'Shipped', body: 'Hi {FirstName}, it shipped.' });
    const page = await openConsole(browser, system.config.publicUrl, unit.api.key!);
    await page.waitForSelector(`#new-campaign select[name=templateId] option[value="${template.body.id}"]`, {
      state: 'attached',
    });
    await page.waitForSelector(`#campaign-senders input[value="${sender.id}"]:checked`);
    await page.fill('#new-campaign input[name=name]', 'From a template');
    await page.selectOption('#new-campaign select[name=templateId]', template.body.id);
    expect(await page.isDisabled('#new-campaign textarea[name=message]')).toBe(true);
    await page.click('#new-campaign button[type=submit]');
    await page.waitForSelector('#new-campaign .ok:has-text("From a template")');

    // Back to a one-off message: its box is writable and the only sender is ticked again.
    expect(await page.inputValue('#new-campaign select[name=templateId]')).toBe('');
    expect(await page.isDisabled('#new-campaign textarea[name=message]')).toBe(false);
    expect(await page.isChecked(`#campaign-senders input[value="${sender.id}"]`)).toBe(true);

    await page.uncheck(`#campaign-senders input[value="${sender.id}"]`);
    await page.fill('#new-campaign input[name=name]', 'No sender');
    await page.fill('#new-campaign textarea[name=message]', 'Hello');
    await page.click('#new-campaign button[type=submit]');
    const error = await page.waitForSelector('#new-campaign .error:not([hidden])');
    expect(await error.textContent()).toBe('Senders: Choose at least one sender.');
    expect(pageProblems(page)).toEqual([]);
  });
});
