import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openConsole, pageProblems } from '../../support/browser';
import { createTenant, startTestSystem, Tenant, TestSystem } from '../../support/test-system';

let system: TestSystem;
let browser: Browser;
beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await system?.shutdown();
});

interface SenderKindProfile {
  kind: string;
  label: string;
  defaultMps: number;
  canReceive: boolean;
  carrierSendsOptConfirmations: boolean;
  addressRule: string;
  addressExample: string;
}

async function consoleConfig(): Promise<{ senderKinds: SenderKindProfile[] }> {
  return (await (await fetch(`${system.config.publicUrl}/console/config.json`)).json()) as {
    senderKinds: SenderKindProfile[];
  };
}

// The page reloads with config.json changed on its way, so what it shows can only have come from that answer.
async function reloadWithConfig(page: Page, change: (config: Record<string, any>) => void): Promise<void> {
  await page.route('**/console/config.json', async (route) => {
    const response = await route.fetch();
    const config = await response.json();
    change(config);
    await route.fulfill({ response, json: config });
  });
  await page.reload();
  await page.waitForSelector('#nav:not([hidden])');
}

describe('the console takes the sender kinds from config.json', () => {
  let tenant: Tenant;
  beforeAll(async () => {
    tenant = await createTenant(system);
  });

  it("offers config.json's kinds, with each kind's address rule, example and default rate", async () => {
    const { senderKinds } = await consoleConfig();
    expect(senderKinds.map((k) => k.kind)).toEqual(['long_code', 'short_code', 'toll_free', 'alphanumeric']);
    const page = await openConsole(browser, system.config.publicUrl, tenant.api.key!);
    await page.click('a[href="#/senders"]');

    const options = await page.$$eval('#sender-kind option', (els) =>
      els.map((o) => ({ kind: o.getAttribute('value'), label: o.textContent })),
    );
    expect(options).toEqual(senderKinds.map(({ kind, label }) => ({ kind, label })));

    const alphanumeric = senderKinds.find((k) => k.kind === 'alphanumeric')!;
    await page.selectOption('#sender-kind', 'alphanumeric');
    const hint = (await page.textContent('#sender-kind-hint'))!;
    expect(hint).toContain(alphanumeric.addressRule);
    expect(hint).toContain('Contacts cannot reply');
    expect(await page.getAttribute('input[placeholder="ACME"]', 'placeholder')).toBe(alphanumeric.addressExample);
    expect(await page.$(`input[placeholder="default ${alphanumeric.defaultMps}"]`)).not.toBeNull();

    await page.selectOption('#sender-kind', 'toll_free');
    expect(await page.textContent('#sender-kind-hint')).toContain('carrier sends its own opt-out');

    // A sender registered from the form is listed under its kind's label.
    await page.selectOption('#sender-kind', 'short_code');
    await page.fill('input[placeholder="12345"]', '54321');
    await page.click('button:text("Add sender")');
    await page.waitForSelector('#senders td:text-is("54321")');
    expect(await page.textContent('#senders tbody tr:has-text("54321") td:nth-child(2)')).toBe('Short code');
    expect(pageProblems(page)).toEqual([]);
  });

  it('shows whatever kinds and labels config.json gives, in the sender form and the campaign form', async () => {
    const shortCode = String(10000 + Math.floor(Math.random() * 90000));
    expect((await tenant.api.post('/v1/senders', { kind: 'short_code', address: shortCode })).status).toBe(201);
    const page = await openConsole(browser, system.config.publicUrl, tenant.api.key!);
    await reloadWithConfig(page, (config) => {
      config.senderKinds = config.senderKinds
        .filter((k: SenderKindProfile) => k.kind !== 'alphanumeric')
        .map((k: SenderKindProfile) => (k.kind === 'short_code' ? { ...k, label: 'Dedicated short code' } : k));
    });
    await page.click('a[href="#/senders"]');
    await page.waitForSelector('#sender-kind option', { state: 'attached' });
    expect(await page.$$eval('#sender-kind option', (els) => els.map((o) => o.textContent))).toEqual([
      'Long code',
      'Dedicated short code',
      'Toll-free',
    ]);
    await page.waitForSelector('#senders td:text-is("Dedicated short code")');

    await page.click('a[href="#/campaigns"]');
    const sender = `#campaign-senders label:has-text("${shortCode}")`;
    await page.waitForSelector(sender);
    expect(await page.textContent(sender)).toContain('(Dedicated short code, 100/s)');
    expect(pageProblems(page)).toEqual([]);
  });
});
