import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openConsole, openConsoleIn, pageProblems, screenshot } from '../../support/browser';
import { makeRecipients } from '../../support/campaign-fixtures';
import { agentDesk, eventuallyTextsTo, messagedByCampaign, replyAndWait } from '../../support/reply-fixtures';
import { createTenant, startTestSystem, Tenant, TestSystem } from '../../support/test-system';

// Every wait is bounded well inside the test's own time, which is long: a loaded two-core machine runs a campaign,
// two browser contexts and six replies through the ACD here.
const SEEN = { timeout: 45_000 };
const TEST_MS = 360_000;

let system: TestSystem;
let browser: Browser;
beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem({ autoDeliver: true }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await system?.shutdown();
});

async function makeAgent(tenant: Tenant, skillId: string, name: string, proficiency: number, cap: number) {
  const res = await tenant.api.post('/v1/agents', {
    name,
    skills: [{ skillId, proficiency }],
    maxConversations: cap,
  });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, key: res.body.apiKey as string };
}

const offerOf = (contact: string) => `#offers li:has(button.conversation[data-status=offered]:has-text("${contact}"))`;
const heldOf = (contact: string) => `#mine button.conversation[data-status=assigned]:has-text("${contact}")`;

async function goAvailable(page: Page) {
  await page.click('#go-available');
  await page.waitForSelector('#agent-state[data-state=available]', SEEN);
}

async function offersShown(page: Page): Promise<string[]> {
  return page.$$eval('#offers button.conversation', (buttons) =>
    buttons.map((b) => b.getAttribute('data-conversation-id') ?? ''),
  );
}

async function closeWith(page: Page, contact: string, disposition: string) {
  await page.click(`#mine button.conversation:has-text("${contact}")`);
  await page.waitForSelector('#disposition:not([hidden])', SEEN);
  await page.selectOption('#disposition', { label: disposition });
  await page.click('#close');
  await page.waitForSelector(heldOf(contact), { ...SEEN, state: 'detached' });
}

describe("the agents' live inbox in the web console", () => {
  it(
    'offers replies live to two agents in two browsers, within their caps and states, and closing frees a slot',
    async () => {
      const tenant = await createTenant(system);
      const { skillId, sender } = await agentDesk(tenant);
      // Offers wait for the agents here: a loaded machine must not make them lapse between two steps.
      expect((await tenant.api.patch('/v1/settings', { offerTimeoutSeconds: 600 })).status).toBe(200);
      expect((await tenant.api.post('/v1/dispositions', { name: 'Resolved' })).status).toBe(201);
      const { contacts } = await messagedByCampaign(system, tenant, {
        senderId: sender.id,
        skillId,
        recipients: makeRecipients(4),
      });
      const [c1, c2, c3, c4] = contacts;
      // Ada is offered first (proficiency) but holds one conversation at most; Bo holds two.
      const ada = await makeAgent(tenant, skillId, 'Ada', 10, 1);
      const bo = await makeAgent(tenant, skillId, 'Bo', 5, 2);
      const url = system.config.publicUrl;
      // Two agents in two browser contexts; Ada has two tabs open.
      const viewport = { viewport: { width: 1400, height: 900 } };
      const [adaBrowser, boBrowser] = [await browser.newContext(viewport), await browser.newContext(viewport)];
      const adaTab = await openConsoleIn(adaBrowser, url, ada.key);
      const adaSecondTab = await openConsoleIn(adaBrowser, url, ada.key);
      const boTab = await openConsoleIn(boBrowser, url, bo.key);
      const tabs = [adaTab, adaSecondTab, boTab];
      for (const tab of tabs) {
        await tab.waitForSelector('#live:has-text("Live")', SEEN);
        // An agent's key opens its own inbox and nothing of the supervisor's.
        expect(await tab.$$eval('#nav a:not([hidden])', (links) => links.map((a) => a.textContent))).toEqual(['Inbox']);
      }
      await goAvailable(adaTab);
      await adaSecondTab.waitForSelector('#agent-state[data-state=available]', SEEN);
      await goAvailable(boTab);

      // A reply arrives after the pages are open: both of Ada's tabs show the offer, without reloading.
      await replyAndWait(system, { from: c1, to: sender.address, body: 'Can I come on Friday instead?' });
      for (const tab of [adaTab, adaSecondTab]) await tab.waitForSelector(offerOf(c1), SEEN);
      expect(await offersShown(boTab)).toEqual([]);
      await adaTab.click(`${offerOf(c1)} .accept-offer`);
      // Accepted in one tab, the other tab hears it too.
      for (const tab of [adaTab, adaSecondTab]) await tab.waitForSelector(heldOf(c1), SEEN);
      await adaTab.waitForSelector('#thread li.inbound:has-text("Friday instead")', SEEN);
      await adaTab.fill('#reply', 'Friday at 9:00 is yours.');
      await adaTab.click('#send-reply');
      expect((await eventuallyTextsTo(system, sender.address, c1, 2))[1].body).toBe('Friday at 9:00 is yours.');
      await adaTab.waitForSelector('#thread li.outbound:has-text("Friday at 9:00 is yours.")', SEEN);

      // Ada is at her cap: the next reply is Bo's, and Ada is offered nothing.
      await replyAndWait(system, { from: c2, to: sender.address, body: 'Wrong number?' });
      await boTab.waitForSelector(offerOf(c2), SEEN);
      expect(await offersShown(adaTab)).toEqual([]);

      // Ada goes on a break, then closes her conversation: a free slot, but she is not available.
      await adaTab.selectOption('#unavailable-reason', 'break');
      await adaTab.click('#go-unavailable');
      for (const tab of [adaTab, adaSecondTab])
        await tab.waitForSelector('#agent-state[data-state=unavailable]:has-text("break")', SEEN);
      await closeWith(adaTab, c1, 'Resolved');
      await adaSecondTab.waitForSelector(heldOf(c1), { ...SEEN, state: 'detached' });
      // The list is redrawn in place when the next offer comes: the element a pointer may be on is the same one.
      const boFirstOffer = await boTab.waitForSelector(`${offerOf(c2)} .accept-offer`, SEEN);
      await replyAndWait(system, { from: c3, to: sender.address, body: 'Is parking free?' });
      await boTab.waitForSelector(offerOf(c3), SEEN);
      expect(await boFirstOffer.evaluate((button) => button.isConnected)).toBe(true);
      expect(await offersShown(adaTab)).toEqual([]);

      // Bo is full and Ada away: the fourth waits, until Bo closes one with a disposition and is offered it at once.
      const fourth = await replyAndWait(system, { from: c4, to: sender.address, body: 'Still there?' });
      expect((await tenant.api.get(`/v1/conversations/${fourth.conversation_id}`)).body.status).toBe('queued');
      await boTab.click(`${offerOf(c2)} .accept-offer`);
      await boTab.waitForSelector(heldOf(c2), SEEN);
      await closeWith(boTab, c2, 'Resolved');
      await boTab.waitForSelector(offerOf(c4), SEEN);
      expect(await offersShown(adaTab)).toEqual([]);
      await screenshot(boTab, 'console-agent-inbox');

      const closed = (await tenant.api.get('/v1/conversations?status=closed')).body;
      const dispositions = (await tenant.api.get('/v1/dispositions')).body;
      expect(closed.map((c: any) => [c.contact, c.dispositionId]).sort()).toEqual(
        [
          [c1, dispositions[0].id],
          [c2, dispositions[0].id],
        ].sort(),
      );
      expect((await tenant.api.get(`/v1/conversations/${fourth.conversation_id}`)).body).toMatchObject({
        status: 'offered',
        agentId: bo.id,
      });

      // The supervisor sees the skill's queue and the agents by state.
      const supervisor = await openConsole(browser, url, tenant.api.key!);
      await supervisor.click('a[href="#/queues"]');
      const row = await supervisor.waitForSelector(`#queues tr[data-skill-id="${skillId}"]`, SEEN);
      expect(await row.$eval('.agents-available', (td) => td.textContent)).toBe('1');
      await supervisor.waitForSelector(`#agents tr[data-agent-id="${ada.id}"]:has-text("unavailable: break")`, SEEN);
      await screenshot(supervisor, 'console-queues');

      for (const tab of [...tabs, supervisor]) expect(pageProblems(tab)).toEqual([]);
    },
    TEST_MS,
  );
});
