import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openConsole, pageProblems } from '../../support/browser';
import { createTenant, startTestSystem, Tenant, TestSystem, uniquePhone } from '../../support/test-system';

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

interface ConsoleConfig {
  senderKinds: SenderKindProfile[];
  csvHeaderReadBytes: number;
}

async function consoleConfig(): Promise<ConsoleConfig> {
  return (await (await fetch(`${system.config.publicUrl}/console/config.json`)).json()) as ConsoleConfig;
}

async function optionsOf(page: Page, select: string): Promise<(string | null)[]> {
  return page.$$eval(`${select} option`, (els) => els.map((o) => o.getAttribute('value')));
}

// A file as the person picks it in the upload form.
async function chooseFile(page: Page, csv: string): Promise<void> {
  await page.setInputFiles('#list-file', { name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
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

describe("the console's column pickers offer the fields the server reads from the chosen file", () => {
  let tenant: Tenant;
  beforeAll(async () => {
    tenant = await createTenant(system);
  });

  it('offers a quoted header with a comma as one field, and uploads with the phone, mobile and time-zone columns', async () => {
    const page = await openConsole(browser, system.config.publicUrl, tenant.api.key!);
    await page.click('a[href="#/lists"]');
    const [phone, mobile] = [uniquePhone(), uniquePhone()];
    await chooseFile(
      page,
      `\uFEFF"Last, First",Home Phone,Mobile,Zone\n"Lovelace, Ada",${phone},${mobile},America/New_York\n`,
    );
    await page.waitForSelector('#list-phone-field option', { state: 'attached' });
    expect(await optionsOf(page, '#list-phone-field')).toEqual(['Last, First', 'Home Phone', 'Mobile', 'Zone']);
    expect(await optionsOf(page, '#list-mobile-field')).toEqual(['', 'Last, First', 'Home Phone', 'Mobile', 'Zone']);
    expect(await optionsOf(page, '#list-timezone-field')).toEqual(['', 'Last, First', 'Home Phone', 'Mobile', 'Zone']);
    expect(await page.inputValue('#list-phone-field')).toBe('Home Phone');

    await page.selectOption('#list-mobile-field', 'Mobile');
    await page.selectOption('#list-timezone-field', 'Zone');
    await page.click('button:text("Upload")');
    await page.waitForSelector('p.ok:has-text("1 accepted, 0 rejected")');
    const [list] = (await tenant.api.get('/v1/calling-lists')).body;
    expect(list).toMatchObject({
      name: 'customers',
      fields: ['Last, First', 'Home Phone', 'Mobile', 'Zone'],
      phoneField: 'Home Phone',
      mobileField: 'Mobile',
      timezoneField: 'Zone',
    });
    expect(pageProblems(page)).toEqual([]);
  });

  it("sends only the file's start that config.json names, and shows the server's refusal of a header as a sentence", async () => {
    const { csvHeaderReadBytes } = await consoleConfig();
    const page = await openConsole(browser, system.config.publicUrl, tenant.api.key!);
    await page.click('a[href="#/lists"]');

    // The server refuses more than csvHeaderReadBytes with 413: the fields can only come from the file's start.
    const csv = `Name,Phone\n${`Ada,${uniquePhone()}\n`.repeat(20_000)}`;
    expect(csv.length).toBeGreaterThan(csvHeaderReadBytes * 4);
    await chooseFile(page, csv);
    await page.waitForSelector('#list-phone-field option', { state: 'attached' });
    expect(await optionsOf(page, '#list-phone-field')).toEqual(['Name', 'Phone']);

    await chooseFile(page, 'Phone,Name,Phone\n+14155552671,Ada,+14155552672\n');
    await page.waitForSelector('#list-file-error:not([hidden])');
    expect(await page.textContent('#list-file-error')).toBe(
      'This file cannot be used: Header names the field "Phone" twice.',
    );
    expect(await optionsOf(page, '#list-phone-field')).toEqual([]);
    expect(pageProblems(page)).toEqual([]);
  });
});

describe("the template editor's sample fields are the variables the server's preview names", () => {
  let tenant: Tenant;
  beforeAll(async () => {
    tenant = await createTenant(system);
  });

  async function variablesOffered(page: Page): Promise<(string | null)[]> {
    return page.$$eval('#template-samples input', (els) => els.map((input) => input.getAttribute('data-variable')));
  }

  it('offers one sample per variable, merges the samples, and says why a preview is refused in a sentence', async () => {
    const page = await openConsole(browser, system.config.publicUrl, tenant.api.key!);
    await page.click('a[href="#/templates"]');
    await page.fill('#template-body', 'Hi {{you}} {First Name}, {Code|none}');
    await page.waitForSelector('#preview-text:text-is("Hi {you} First Name, Code")');
    expect(await variablesOffered(page)).toEqual(['First Name', 'Code']);

    await page.fill('#template-samples input[data-variable="First Name"]', 'Sara');
    await page.waitForSelector('#preview-text:text-is("Hi {you} Sara, Code")');

    // An empty sample is what a recipient without the value gets: the server refuses, and still names the variables.
    await page.fill('#template-samples input[data-variable="First Name"]', '');
    await page.fill('#template-body', 'Hi {{you}} {First Name}, {Code|none} {Day}');
    await page.waitForSelector('#template-samples input[data-variable="Day"]');
    expect(await variablesOffered(page)).toEqual(['First Name', 'Code', 'Day']);
    expect(await page.textContent('#preview-error')).toBe(
      '{First Name} has no sample value, and the template gives it no fallback.',
    );

    await page.fill('#template-body', 'Hi {First');
    await page.waitForSelector('#preview-error:has-text("Unclosed")');
    expect(await page.textContent('#preview-error')).toBe(
      "Unclosed '{' at column 4: end the variable with '}', or write '{{' for a literal '{'.",
    );
    expect(pageProblems(page)).toEqual([]);
  });

  it("shows the variables the server's answer names, whatever the body looks like to the page", async () => {
    const page = await openConsole(browser, system.config.publicUrl, tenant.api.key!);
    await page.route('**/v1/templates/preview', async (route) => {
      const response = await route.fetch();
      const preview = await response.json();
      await route.fulfill({ response, json: { ...preview, variables: [...preview.variables, 'Told by the server'] } });
    });
    await page.click('a[href="#/templates"]');
    await page.fill('#template-body', 'Hello {Name}');
    await page.waitForSelector('#template-samples input[data-variable="Told by the server"]');
    expect(await variablesOffered(page)).toEqual(['Name', 'Told by the server']);
    expect(pageProblems(page)).toEqual([]);
  });
});
