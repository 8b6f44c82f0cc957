// `npm run demo`: plays the three stories of DESIGN.md against the running system (`npm start`) and prints what
// happened. The API is PUBLIC_URL (or http://127.0.0.1:$PORT), the admin token ADMIN_TOKEN, and the carrier must be
// the bundled simulator: the demo texts made-up numbers and answers as the customer through the simulator.
import { randomInt } from 'node:crypto';
import { ApiError, CreateCampaign, ProactiveSmsClient } from '../src/api-client';
import { readConfig } from '../src/config';

const config = readConfig();
const say = (line = '') => console.log(line);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** simulator reads what the carrier simulator accepted and plays a customer's reply through it. */
const simulator = {
  async messagesSince(since: number): Promise<Json[]> {
    const res = await fetch(`${config.twilioApiUrl}/control/messages?since=${since}`);
    return (await res.json()) as Json[];
  },
  async total(): Promise<number> {
    const res = await fetch(`${config.twilioApiUrl}/control/messages?limit=1`);
    if (!res.ok) throw new Error(`no carrier simulator at ${config.twilioApiUrl}`);
    return Number(res.headers.get('x-total-count') ?? 0);
  },
  async reply(from: string, to: string, body: string): Promise<void> {
    const headers = { 'content-type': 'application/json' };
    const res = await fetch(`${config.twilioApiUrl}/control/inbound`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ from, to, body }),
    });
    if (!res.ok) throw new Error(`the simulator could not deliver the reply: ${res.status} ${await res.text()}`);
  },
};

/** until polls a check every 250 ms until it returns a value, or gives up after the timeout naming what it waited for. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}; is the worker running?`);
}

// Made-up numbers in New York's 212 area with exchanges 200-999, so they look real to the phone library.
const phone = () => `+1212${randomInt(200, 1000)}${String(randomInt(0, 10_000)).padStart(4, '0')}`;

async function newSender(api: ProactiveSmsClient) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await api.createSender({ kind: 'long_code', address: phone().replace('+1212', '+1415'), mps: 20 });
    } catch (error) {
      // A number an earlier demo took: draw another.
      if (attempt > 5 || !(error instanceof ApiError && error.status === 409)) throw error;
    }
  }
}

async function runCampaign(api: ProactiveSmsClient, body: CreateCampaign) {
  const campaign = await api.createCampaign(body);
  await api.changeCampaign(campaign.id, 'start');
  const done = await until(`campaign "${body.name}" to complete`, async () => {
    const now = await api.getCampaign(campaign.id);
    return now.status === 'completed' ? now : undefined;
  });
  say(`  campaign "${body.name}" (${done.workflowId}): ${JSON.stringify(done.counts)}`);
  return done;
}

async function printTexts(since: number, from: string) {
  for (const m of (await simulator.messagesSince(since)).filter((m) => m.from === from))
    say(`    ${m.from} → ${m.to}: ${m.body}`);
}

async function storyBroadcast(api: ProactiveSmsClient, since: number) {
  say('\nStory 1 — a manager broadcasts a different message to the floor agents each time');
  const sender = await newSender(api);
  const agents = ['Aisha', 'Ben', 'Chen'].map((name) => `${name},${phone()}`);
  const list = await api.importCallingList(
    { name: 'Floor agents', phoneField: 'Phone' },
    `FirstName,Phone\n${agents.join('\n')}\n`,
  );
  say(`  list "${list.name}": ${list.accepted} agents`);
  for (const message of ['Huddle moved to 14:30, room B.', 'Maintenance tonight, {FirstName}: log off by 22:00.']) {
    await runCampaign(api, {
      name: `Broadcast: ${message.slice(0, 20)}…`,
      listId: list.id,
      message,
      senderIds: [sender.id],
    });
  }
  await printTexts(since, sender.address);
}

async function storyFixedNotice(api: ProactiveSmsClient, since: number) {
  say('\nStory 2 — an internal-affairs lead sends the same saved notice again and again');
  const sender = await newSender(api);
  const investigators = ['Dana', 'Eli'].map((name) => `${name},${phone()}`);
  const list = await api.importCallingList(
    { name: 'Investigators', phoneField: 'Phone' },
    `FirstName,Phone\n${investigators.join('\n')}\n`,
  );
  const template = await api.createTemplate({
    name: 'Weekly report',
    body: '{FirstName}: weekly case report due Friday 17:00.',
  });
  say(
    `  template "${template.name}": ${template.encoding}, ${template.segments} segment(s), variables ${template.variables.join(', ')}`,
  );
  for (const week of [1, 2])
    await runCampaign(api, {
      name: `Report notice, week ${week}`,
      listId: list.id,
      templateId: template.id,
      senderIds: [sender.id],
    });
  await printTexts(since, sender.address);
}

async function storyCadence(api: ProactiveSmsClient, since: number) {
  say('\nStory 3 — an answering machine, a personalised SMS to the mobile, and a reply an agent answers');
  await api.updateSettings({ smsChannel: true });
  const sender = await newSender(api);
  const template = await api.createTemplate({
    name: 'Missed you',
    body: 'Hi {FirstName}, Northwind here about your {Product} quote. Reply to chat with us.',
  });
  const skill = await api.createSkill({
    name: 'Sales',
    kind: 'agent',
    replyHandling: true,
    cadence: [{ outcome: 'answering_machine', templateId: template.id, senderIds: [sender.id] }],
  });
  const mobile = phone();
  const csv = `FirstName,Product,Home,Cell\nRosa,solar panel,${phone()},${mobile}\nTed,heat pump,${phone()},\n`;
  const list = await api.importCallingList({ name: 'Leads', phoneField: 'Home', mobileField: 'Cell' }, csv);
  for (const row of [1, 2]) {
    const answer = await api.reportCadenceEvent({
      skillId: skill.id,
      listId: list.id,
      row,
      outcome: 'answering_machine',
    });
    say(`  dialer: answering machine at row ${row} → ${JSON.stringify(answer)}`);
  }
  const [text] = await until('the cadence SMS', async () => {
    const texts = (await simulator.messagesSince(since)).filter((m) => m.from === sender.address);
    return texts.length > 0 ? texts : undefined;
  });
  say(`    ${text.from} → ${text.to}: ${text.body}`);
  await simulator.reply(mobile, sender.address, 'Can someone call me after 6pm?');
  say(`    ${mobile} → ${sender.address}: Can someone call me after 6pm?`);
  const [conversation] = await until('the reply in the agents’ queue', async () => {
    const queued = await api.listConversations({ status: 'queued' });
    return queued.length > 0 ? queued : undefined;
  });
  say(`  agents' queue: conversation ${conversation.id} with ${conversation.contact}`);
  await api.assignConversation(conversation.id, { agent: 'sam' });
  await api.replyToConversation(conversation.id, { body: 'Sure Rosa, Sam will call you at 6:15pm.' });
  const answer = await until('the agent’s answer', async () => {
    const texts = (await simulator.messagesSince(since)).filter((m) => m.from === sender.address);
    return texts.length > 1 ? texts[1] : undefined;
  });
  say(`    ${answer.from} → ${answer.to}: ${answer.body}   (agent sam)`);
}

async function main(): Promise<void> {
  if (!config.adminToken) throw new Error('ADMIN_TOKEN is not set: use the admin token `npm start` printed');
  const admin = new ProactiveSmsClient(config.publicUrl, config.adminToken);
  const health = await admin.health();
  if (!health.ok)
    throw new Error(`the API at ${config.publicUrl} is not healthy: ${JSON.stringify(health.missing ?? health)}`);
  const since = await simulator.total();
  const unit = await admin.createBusinessUnit({ name: `Demo contact centre ${new Date().toISOString()}` });
  say(`Business unit "${unit.name}" (${unit.id}) at ${config.publicUrl}; carrier simulator at ${config.twilioApiUrl}`);
  const api = admin.withKey(unit.apiKey);
  await storyBroadcast(api, since);
  await storyFixedNotice(api, since);
  await storyCadence(api, since);
  say(
    '\nAll three stories played. Each campaign is a workflow in the Temporal UI (http://127.0.0.1:8233): filter on CampaignId.',
  );
}

main().catch((error: unknown) => {
  console.error(`[demo] failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error(
    '[demo] start the system with `npm start`, then run `ADMIN_TOKEN=<the printed token> npm run demo` (PORT or PUBLIC_URL if not 3000).',
  );
  process.exit(1);
});
