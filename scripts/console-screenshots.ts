// `npx tsx scripts/console-screenshots.ts <label>`: what a supervisor and an agent see on a running system (`npm start`),
// as PNGs in docs/screenshots/: the console's campaigns page and inbox, and a campaign's workflow in the Temporal Web
// UI. It makes a business unit with a finished campaign (one recipient skipped for a missing value), a cancelled
// draft, and a campaign whose contact answered an agent's skill. Needs ADMIN_TOKEN, the bundled simulator and
// Debian's chromium (CHROMIUM_PATH).
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { ProactiveSmsClient } from '../src/api-client';
import { readConfig } from '../src/config';

const config = readConfig();
const label = process.argv[2] ?? 'now';
const outDir = path.join(__dirname, '..', 'docs', 'screenshots');
const temporalUi = process.env.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const phone = (n: number) => `+1212555${String(1000 + ((Date.now() + n) % 9000)).padStart(4, '0')}`;

async function seed(api: ProactiveSmsClient) {
  const stamp = Date.now() % 1_000_000;
  const sender = await api.createSender({
    kind: 'long_code',
    address: `+1415${String(2000000 + stamp).slice(0, 7)}`,
    mps: 20,
  });
  await api.updateSettings({ smsChannel: true });
  const template = await api.createTemplate({ name: 'Order shipped', body: 'Hi {FirstName}, order {Order} shipped.' });
  const ada = phone(1);
  const list = await api.importCallingList(
    { name: 'June customers', phoneField: 'Phone' },
    `FirstName,Order,Phone\nAda,A-1,${ada}\nBob,,${phone(2)}\n`,
  );
  const shipped = await api.createCampaign({
    name: 'Shipping notice',
    listId: list.id,
    templateId: template.id,
    senderIds: [sender.id],
  });
  await api.changeCampaign(shipped.id, 'start');
  const draft = await api.createCampaign({
    name: 'Draft, cancelled',
    listId: list.id,
    message: 'Hi',
    senderIds: [sender.id],
  });
  await api.changeCampaign(draft.id, 'cancel');
  const skill = await api.createSkill({ name: 'Support', kind: 'agent', replyHandling: true });
  const contact = phone(3);
  const replyList = await api.importCallingList(
    { name: 'Appointments', phoneField: 'Phone' },
    `FirstName,Phone\nRosa,${contact}\n`,
  );
  const appointments = await api.createCampaign({
    name: 'Appointment reminder',
    listId: replyList.id,
    message: 'Hi {FirstName}, see you Friday at 10:00. Reply to change it.',
    senderIds: [sender.id],
    skillId: skill.id,
  });
  await api.changeCampaign(appointments.id, 'start');
  for (const id of [shipped.id, appointments.id])
    await until(`campaign ${id} to complete`, async () =>
      (await api.getCampaign(id)).status === 'completed' ? true : undefined,
    );
  // Rosa answers a campaign with a skill that handles replies; Ada answers one without (it reaches no agent).
  for (const [from, body] of [
    [contact, 'Could we make it Saturday instead?'],
    [ada, 'Where is my parcel?'],
  ]) {
    const res = await fetch(`${config.twilioApiUrl}/control/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, to: sender.address, body }),
    });
    if (!res.ok) throw new Error(`the simulator could not deliver the reply: ${res.status}`);
  }
  await until('the reply in the queue', async () =>
    (await api.listConversations({ status: 'queued' })).length ? true : undefined,
  );
  return { shipped };
}

async function save(page: Page, name: string) {
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${name}-${label}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(file);
}

async function main() {
  if (!config.adminToken) throw new Error('ADMIN_TOKEN is not set: use the admin token `npm start` printed');
  const admin = new ProactiveSmsClient(config.publicUrl, config.adminToken);
  const unit = await admin.createBusinessUnit({ name: `Screenshots ${label}` });
  const api = admin.withKey(unit.apiKey);
  const { shipped } = await seed(api);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${config.publicUrl}/console/`);
    await page.fill('#api-key', unit.apiKey);
    await page.click('#sign-in button[type=submit]');
    await page.waitForSelector('#campaigns tr[data-status=completed]');
    await page.waitForTimeout(2000);
    await save(page, 'console-campaigns');
    await page.fill('#agent-name', 'dana');
    await page.dispatchEvent('#agent-name', 'change');
    await page.click('a[href="#/inbox"]');
    await (await page.waitForSelector('#queue button')).click();
    await page.waitForSelector('#thread li');
    await page.waitForTimeout(2500);
    await save(page, 'console-inbox');
    await page.goto(`${temporalUi}/namespaces/${config.temporalNamespace}/workflows/campaign-${shipped.id}`);
    await page.waitForLoadState('networkidle');
    // The summary and details the workflow was started with are under User Metadata.
    const metadataTab = page.getByText('User Metadata');
    if (await metadataTab.count()) await metadataTab.first().click();
    await page.waitForTimeout(3000);
    await save(page, 'temporal-campaign');
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(`[screenshots] failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error('[screenshots] start the system with `npm start`, then run with ADMIN_TOKEN=<the printed token>.');
  process.exit(1);
});
