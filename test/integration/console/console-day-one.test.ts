// Day one for a supervisor and an agent (issue 20): what a person sees in the console says what is true.
import type { Browser } from 'playwright-core';
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
