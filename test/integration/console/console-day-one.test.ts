// Day one for a supervisor and an agent (issue 20): what a person sees in the console says what is true.
import type { Browser } from 'playwright-core';
import { createSender, makeRecipients, uploadList } from '../../support/campaign-fixtures';
import { launchBrowser, openConsole, pageProblems } from '../../support/browser';
import { agentDesk, handled, messagedByCampaign, reply } from '../../support/reply-fixtures';
import {
  createTenant,
  startTestSystem,
  Tenant,
  TestSystem,
  eventually,
  METRICS_TOKEN,
  uniquePhone,
  waitForCampaignStatus,
} from '../../support/test-system';

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

describe('campaign counts as a supervisor means them', () => {
  it('shows sent as what the carrier accepted, and what was not sent apart with its reasons', async () => {
    const unit = await createTenant(system);
    const sender = await createSender(unit, 50);
    const [ok, blocked, noOrder] = [uniquePhone(), uniquePhone(), uniquePhone()];
    const csv = `FirstName,Order,Phone\nAda,A-1,${ok}\nBen,B-2,${blocked}\nCy,,${noOrder}\n`;
    const list = await unit.api.uploadCsv('name=orders&phoneField=Phone', csv);
    expect((await unit.api.put(`/v1/dnc-groups/${unit.defaultDncGroupId}/entries/${blocked}`)).status).toBe(204);
    const base = { listId: list.body.id, senderIds: [sender.id], message: 'Hi {FirstName}, order {Order} shipped.' };
    const done = (await unit.api.post('/v1/campaigns', { ...base, name: 'Shipped' })).body.id;
    const draft = (await unit.api.post('/v1/campaigns', { ...base, name: 'Never sent' })).body.id;
    expect((await unit.api.post(`/v1/campaigns/${draft}/cancel`)).status).toBe(202);
    expect((await unit.api.post(`/v1/campaigns/${done}/start`)).status).toBe(202);
    await waitForCampaignStatus(unit, done, 'completed');
    await eventually('the delivery receipt', async () =>
      (await unit.api.get(`/v1/campaigns/${done}`)).body.counts.delivered === 1 ? true : undefined,
    );

    const page = await openConsole(browser, system.config.publicUrl, unit.api.key!);
    const row = `#campaigns tr[data-campaign-id="${done}"]`;
    await page.waitForSelector(`${row} [data-count=delivered]:text-is("1")`);
    const figures = async (selector: string) =>
      page.$$eval(`${selector} [data-count]`, (cells) =>
        Object.fromEntries(cells.map((cell) => [cell.getAttribute('data-count'), cell.textContent])),
      );
    expect(await figures(row)).toEqual({
      total: '3',
      sent: '1',
      delivered: '1',
      failed: '0',
      notSent: '2',
      pending: '0',
    });
    expect(await page.textContent(`${row} .reasons`)).toBe('1 on a DNC list · 1 missing or unusable value');
    expect(await page.textContent(`${row} .progress-text`)).toBe('3 / 3 (100%)');
    expect(await page.isVisible(`${row} .temporal-link`)).toBe(true);

    // A draft cancelled before it ran: nothing pending, nothing sent, and no workflow to follow.
    const cancelled = `#campaigns tr[data-campaign-id="${draft}"]`;
    expect(await figures(cancelled)).toEqual({
      total: '3',
      sent: '0',
      delivered: '0',
      failed: '0',
      notSent: '3',
      pending: '0',
    });
    expect(await page.textContent(`${cancelled} .reasons`)).toBe('3 cancelled before sending');
    expect(await page.isVisible(`${cancelled} .temporal-link`)).toBe(false);
    expect(await page.textContent(`${cancelled} .no-workflow`)).toBe('not started');
    expect(pageProblems(page)).toEqual([]);
  });
});

describe('the console says what it has, in words', () => {
  it('says so when a table is empty, counts in words, names a DNC group by its name, and has an icon', async () => {
    const unit = await createTenant(system);
    const page = await openConsole(browser, system.config.publicUrl, unit.api.key!);
    for (const [view, text] of [
      ['lists', 'No calling lists yet: upload one below.'],
      ['templates', 'No templates yet: write one below.'],
      ['senders', 'No senders yet: register a number below.'],
    ]) {
      await page.click(`a[href="#/${view}"]`);
      await page.waitForSelector(`#${view} tr.empty td:text-is("${text}")`);
    }

    await uploadList(unit, makeRecipients(1));
    await page.click('a[href="#/campaigns"]');
    await page.waitForSelector('#new-campaign select[name=listId] option:has-text("(1 record)")', {
      state: 'attached',
    });

    const group = (await unit.api.post('/v1/dnc-groups', { name: 'VIP opt-outs' })).body;
    const phone = uniquePhone();
    await page.click('a[href="#/dnc"]');
    await page.waitForSelector(`option[value="${group.id}"]`, { state: 'attached' });
    await page.selectOption('#view select', group.id);
    await page.fill('#view input', phone);
    await page.click('#view button[type=submit]');
    await page.waitForSelector(`#dnc-answer .not-on-dnc:text-is("${phone} is not on “VIP opt-outs”.")`);
    await page.click('#view button:text-is("Add to list")');
    const onList = await page.waitForSelector('#dnc-answer .on-dnc');
    expect(await onList.textContent()).toMatch(new RegExp(`^\\${phone} is on “VIP opt-outs” since `));
    expect(await page.textContent('#dnc-answer')).not.toContain(group.id);

    const icon = await page.getAttribute('link[rel=icon]', 'href');
    const res = await fetch(new URL(icon!, `${system.config.publicUrl}/console/`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(pageProblems(page)).toEqual([]);
  });
});

describe("the agents' inbox in context", () => {
  it('shows who wrote, to which campaign and what it said; closes only a taken conversation, and finds it again', async () => {
    const unit = await createTenant(system);
    const { skillId, sender } = await agentDesk(unit);
    const { campaignId, contacts } = await messagedByCampaign(system, unit, { senderId: sender.id, skillId });
    const campaignName = (await unit.api.get(`/v1/campaigns/${campaignId}`)).body.name;
    const [contact] = contacts;
    await reply(system, { from: contact, to: sender.address, body: 'Can we make it Friday?' });
    const page = await openConsole(browser, system.config.publicUrl, unit.api.key!, 'dana');
    await page.click('a[href="#/inbox"]');

    const item = await page.waitForSelector('#queue button[data-status=queued]', { timeout: 60_000 });
    expect(await item.textContent()).toContain('Person1');
    expect(await item.textContent()).toContain(campaignName);
    await item.click();
    await page.waitForSelector('#thread li.inbound:has-text("Friday")');
    expect(await page.$$eval('#thread li', (items) => items.map((li) => li.className))).toEqual([
      'bubble outbound campaign',
      'bubble inbound',
    ]);
    expect(await page.textContent('#thread li.campaign .text')).toBe('Your appointment is tomorrow at 10:00.');
    expect(await page.textContent('#thread li.campaign .meta')).toContain(`campaign “${campaignName}”`);
    expect(await page.textContent('.pane-head h2')).toBe(`Person1 · ${contact}`);
    // Nobody took it yet: it can be taken, not closed.
    expect(await page.isVisible('#close')).toBe(false);

    await page.click('#assign');
    await page.waitForSelector('#close:not([hidden])');
    await page.click('#close');
    await page.waitForSelector('.closed-note:not([hidden])');
    expect(await page.isVisible('#reply')).toBe(false);
    expect(await page.isDisabled('#reply')).toBe(true);
    const closed = await page.waitForSelector('#closed button[data-status=closed]');
    expect(await closed.textContent()).toContain('Person1');
    // The lists are redrawn on every poll: click through a locator, which finds the item afresh.
    await page.click('#closed button[data-status=closed]');
    await page.waitForSelector('#closed button.selected');
    await page.waitForSelector('#thread li.inbound:has-text("Friday")');
    expect(pageProblems(page)).toEqual([]);
  });
});

describe('replies that reach no agent', () => {
  it('are listed with the reason in the inbox and counted in /metrics', async () => {
    const unit = await createTenant(system);
    // The SMS channel is on, but the campaign's skill does not handle replies.
    const { skillId, sender } = await agentDesk(unit, { replyHandling: false });
    const { campaignId, contacts } = await messagedByCampaign(system, unit, { senderId: sender.id, skillId });
    const campaignName = (await unit.api.get(`/v1/campaigns/${campaignId}`)).body.name;
    const sent = await reply(system, { from: contacts[0], to: sender.address, body: 'Is anyone there?' });
    await handled(system, sent.sid);

    const page = await openConsole(browser, system.config.publicUrl, unit.api.key!);
    await page.click('a[href="#/inbox"]');
    const row = await page.waitForSelector(`#unrouted tr[data-message-sid="${sent.sid}"]`);
    expect(await row.getAttribute('data-reason')).toBe('no_reply_handling');
    const cells = await row.$$eval('td', (tds) => tds.map((td) => td.textContent));
    expect(cells[0]).toBe(contacts[0]);
    expect(cells[2]).toBe('Is anyone there?');
    expect(cells[3]).toBe(campaignName);
    expect(cells[4]).toMatch(/^The campaign that last texted the contact has no skill with reply handling/);

    const metrics = await (
      await fetch(`${system.config.publicUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toContain(`sms_replies_unrouted{business_unit_id="${unit.id}",reason="no_reply_handling"} 1`);
    expect(pageProblems(page)).toEqual([]);
  });
});

describe('setup from the console, without curl', () => {
  it('sets the SMS channel and texts, creates a skill with a cadence step and a DNC group, and a campaign with options', async () => {
    const unit = await createTenant(system);
    const sender = await createSender(unit, 50);
    await uploadList(unit, makeRecipients(1));
    const template = (await unit.api.post('/v1/templates', { name: 'Missed you', body: 'Hi {FirstName}' })).body;
    const page = await openConsole(browser, system.config.publicUrl, unit.api.key!);
    await page.click('a[href="#/setup"]');

    await page.waitForSelector('#settings textarea[name=optOutText]');
    await page.check('#settings input[name=smsChannel]');
    await page.fill('#settings textarea[name=optOutText]', 'You will get no more texts from us.');
    await page.click('#settings button[type=submit]');
    await page.waitForSelector('#settings .ok:text-is("Settings saved.")');
    expect((await unit.api.get('/v1/settings')).body).toMatchObject({
      smsChannel: true,
      optOutText: 'You will get no more texts from us.',
    });

    await page.waitForSelector(`#new-skill select[name=cadenceTemplate] option[value="${template.id}"]`, {
      state: 'attached',
    });
    await page.fill('#new-skill input[name=name]', 'Support');
    await page.selectOption('#new-skill select[name=cadenceTemplate]', template.id);
    await page.check(`#cadence-senders input[value="${sender.id}"]`);
    await page.click('#new-skill button[type=submit]');
    await page.waitForSelector('#skills td:text-is("Support")');
    const [skill] = (await unit.api.get('/v1/skills')).body;
    expect(skill).toMatchObject({
      name: 'Support',
      kind: 'agent',
      replyHandling: true,
      cadence: [{ outcome: 'answering_machine', templateId: template.id, senderIds: [sender.id] }],
    });
    expect(await page.textContent(`#skills tr[data-skill-id="${skill.id}"]`)).toContain(
      'answering machine: Missed you',
    );

    await page.fill('#new-dnc-group input[name=name]', 'Collections');
    await page.click('#new-dnc-group button[type=submit]');
    await page.waitForSelector('#dnc-groups td:has-text("Collections")');
    const group = (await unit.api.get('/v1/dnc-groups')).body.find((g: { name: string }) => g.name === 'Collections');

    await page.click('a[href="#/campaigns"]');
    await page.waitForSelector(`#new-campaign select[name=skillId] option[value="${skill.id}"]`, { state: 'attached' });
    await page.waitForSelector(`#new-campaign select[name=dncGroupId] option[value="${group.id}"]`, {
      state: 'attached',
    });
    await page.fill('#new-campaign input[name=name]', 'With options');
    await page.fill('#new-campaign textarea[name=message]', 'Hello {FirstName}');
    await page.click('#new-campaign details.options summary');
    await page.selectOption('#new-campaign select[name=skillId]', skill.id);
    await page.selectOption('#new-campaign select[name=dncGroupId]', group.id);
    await page.fill('#new-campaign input[name=startAt]', '2030-01-02T09:30');
    await page.fill('#new-campaign input[name=quietHoursStart]', '08:00');
    await page.fill('#new-campaign input[name=quietHoursEnd]', '21:00');
    await page.fill('#new-campaign input[name=validForMinutes]', '30');
    await page.click('#new-campaign button[type=submit]');
    await page.waitForSelector('#new-campaign .ok:has-text("With options")');
    const campaign = (await unit.api.get('/v1/campaigns')).body.find(
      (c: { name: string }) => c.name === 'With options',
    );
    expect(campaign).toMatchObject({
      skillId: skill.id,
      dncGroupId: group.id,
      quietHours: { start: '08:00', end: '21:00' },
      validFor: 1800,
    });
    expect(Date.parse(campaign.startAt)).toBe(new Date('2030-01-02T09:30').getTime());
    expect(pageProblems(page)).toEqual([]);
  });
});
