import { measureSms } from '../../src/templates';
import { createCampaign, createSender } from '../support/campaign-fixtures';
import { createTenant, Tenant, uniquePhone, useTestSystem, waitForCampaignStatus } from '../support/test-system';

const system = useTestSystem();

const LRI = '\u2066';
const PDI = '\u2069';

/** runCampaign uploads rows, sends the template or message to them and returns what the carrier received, by phone. */
async function runCampaign(tenant: Tenant, csv: string, body: Record<string, unknown>) {
  const sender = await createSender(tenant, 100);
  const list = await tenant.api.uploadCsv('name=People&phoneField=Phone', csv);
  expect(list.status).toBe(201);
  const campaignId = await createCampaign(tenant, { listId: list.body.id, senderIds: [sender.id], ...body });
  expect((await tenant.api.post(`/v1/campaigns/${campaignId}/start`)).status).toBe(202);
  const done = await waitForCampaignStatus(tenant, campaignId, 'completed');
  const received = new Map(
    system
      .sentMessages()
      .filter((m) => m.from === sender.address)
      .map((m) => [m.to, m.body]),
  );
  const rows = await system.db
    .selectFrom('messages')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .orderBy('record_id')
    .execute();
  return { campaignId, counts: done.counts, received, rows };
}

describe('templates: variables, fallbacks and literal braces', () => {
  it('stores a template with its variables, encoding and segments, and shows it again on GET', async () => {
    const tenant = await createTenant(system);
    const res = await tenant.api.post('/v1/templates', {
      name: 'Reminder',
      body: 'Hi {FirstName|there}, your code is {{{Code}}}. {FirstName}!',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Reminder',
      variables: ['FirstName', 'Code'],
      encoding: 'GSM-7',
      segments: 1,
      smartEncoding: false,
    });
    expect((await tenant.api.get(`/v1/templates/${res.body.id}`)).body).toEqual(res.body);
  });

  it('refuses a malformed body with 400 naming body and the column', async () => {
    const tenant = await createTenant(system);
    const res = await tenant.api.post('/v1/templates', { name: 'Broken', body: 'Hi {FirstName, welcome' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^body: Unclosed '\{' at column 4/);
  });

  it('accepts a template of exactly 10 segments and refuses one of 11', async () => {
    const tenant = await createTenant(system);
    expect((await tenant.api.post('/v1/templates', { name: 'Ten', body: 'a'.repeat(1530) })).body).toMatchObject({
      segments: 10,
    });
    const eleven = await tenant.api.post('/v1/templates', { name: 'Eleven', body: 'a'.repeat(1531) });
    expect(eleven.status).toBe(400);
    expect(eleven.body.error.message).toBe('body: the template is 11 segments long; the limit is 10');
    const arabic = await tenant.api.post('/v1/templates', { name: 'Long Arabic', body: 'م'.repeat(671) });
    expect(arabic.status).toBe(400);
    expect(arabic.body.error.message).toContain('11 segments');
  });

  it('refuses an over-long one-off campaign message with 400 naming message', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant);
    const list = await tenant.api.uploadCsv('name=L&phoneField=Phone', `Phone\n${uniquePhone()}\n`);
    const res = await tenant.api.post('/v1/campaigns', {
      name: 'Long',
      listId: list.body.id,
      message: '€'.repeat(800),
      senderIds: [sender.id],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^message: the template is 11 segments long/);
  });

  it('refuses with 422 a campaign whose template or message names a field the list lacks, fallback or not', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant);
    const list = await tenant.api.uploadCsv('name=L&phoneField=Phone', `FirstName,Phone\nAda,${uniquePhone()}\n`);
    const template = await tenant.api.post('/v1/templates', {
      name: 'T',
      body: 'Hi {FirstName}, you owe {Balance|nothing}',
    });
    const byTemplate = await tenant.api.post('/v1/campaigns', {
      name: 'C',
      listId: list.body.id,
      templateId: template.body.id,
      senderIds: [sender.id],
    });
    expect(byTemplate.status).toBe(422);
    expect(byTemplate.body.error).toMatchObject({ code: 'unknown_variable', details: { missing: ['Balance'] } });
    expect(byTemplate.body.error.message).toMatch(/^templateId: the list has no field for \{Balance\}/);
    const byMessage = await tenant.api.post('/v1/campaigns', {
      name: 'C',
      listId: list.body.id,
      message: 'Hi {Nickname}',
      senderIds: [sender.id],
    });
    expect(byMessage.status).toBe(422);
    expect(byMessage.body.error.message).toMatch(/^message: the list has no field for \{Nickname\}/);
  });
});

describe('the preview shows the merged text, its encoding and its segments', () => {
  it('merges values and fallbacks', async () => {
    const tenant = await createTenant(system);
    const res = await tenant.api.post('/v1/templates/preview', {
      body: 'Hi {FirstName|there}, {{not a variable}} {Code}',
      fields: { Code: 'X1' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      text: 'Hi there, {not a variable} X1',
      encoding: 'GSM-7',
      segments: 1,
      characters: 29,
      variables: ['FirstName', 'Code'],
    });
  });

  it('answers 422 naming the field when a value without fallback is missing', async () => {
    const tenant = await createTenant(system);
    const res = await tenant.api.post('/v1/templates/preview', { body: 'Hi {FirstName}', fields: { FirstName: '  ' } });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('fields.FirstName');
  });

  it("names every variable once, in order, from the server's own parser, and in a 422 too", async () => {
    const tenant = await createTenant(system);
    const body = '{{{ First Name }}} {Code|none} {{Code}} {First Name|x} {id} {ID}';
    const res = await tenant.api.post('/v1/templates/preview', {
      body,
      fields: { 'First Name': 'Ann', id: '1', ID: '2' },
    });
    expect(res.body).toMatchObject({
      text: '{Ann} none {Code} Ann 1 2',
      variables: ['First Name', 'Code', 'id', 'ID'],
    });
    const refused = await tenant.api.post('/v1/templates/preview', { body: 'Hi {A} {B|b}', fields: { A: ' ' } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual({ variable: 'A', variables: ['A', 'B'] });
  });

  it('merges a variable the fields do not mention as its own name when absentAsName is set', async () => {
    const tenant = await createTenant(system);
    const res = await tenant.api.post('/v1/templates/preview', {
      body: 'Hi {First Name}, code {Code|none}, {Day}',
      fields: { 'first name': 'Ann', Day: '' },
      absentAsName: true,
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toMatchObject({ variable: 'Day' });
    const named = await tenant.api.post('/v1/templates/preview', {
      body: 'Hi {First Name}, code {Code|none}',
      fields: { 'first name': 'Ann' },
      absentAsName: true,
    });
    expect(named.body).toMatchObject({ text: 'Hi Ann, code Code', variables: ['First Name', 'Code'] });
  });

  it('measures a literal body as written, braces and all, without the template segment limit', async () => {
    const tenant = await createTenant(system);
    const literal = await tenant.api.post('/v1/templates/preview', { body: 'Use {code} or {{x}', literal: true });
    expect(literal.body).toEqual({
      text: 'Use {code} or {{x}',
      encoding: 'GSM-7',
      segments: 1,
      characters: 18,
      variables: [],
    });
    // An agent's reply may be up to 1600 characters; a template stops at 10 segments.
    const reply = '日'.repeat(1000);
    expect((await tenant.api.post('/v1/templates/preview', { body: reply })).status).toBe(400);
    const long = await tenant.api.post('/v1/templates/preview', { body: reply, literal: true });
    expect(long.body).toMatchObject({ text: reply, encoding: 'UCS-2', segments: measureSms(reply).segments });
    expect(long.body.segments).toBeGreaterThan(10);
  });

  it('counts a typographic apostrophe as UCS-2, and smart encoding brings it back to GSM-7', async () => {
    const tenant = await createTenant(system);
    const body = 'Your order’s on its way – {Name}';
    const plain = await tenant.api.post('/v1/templates/preview', { body, fields: { Name: 'Ann' } });
    expect(plain.body).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    const smart = await tenant.api.post('/v1/templates/preview', {
      body,
      fields: { Name: 'Ann' },
      smartEncoding: true,
    });
    expect(smart.body).toEqual({
      text: "Your order's on its way - Ann",
      encoding: 'GSM-7',
      segments: 1,
      characters: 29,
      variables: ['Name'],
    });
  });

  it('wraps Latin values in isolates inside an Arabic body and counts them', async () => {
    const tenant = await createTenant(system);
    const res = await tenant.api.post('/v1/templates/preview', {
      body: 'مرحبا {FirstName}',
      fields: { FirstName: 'John' },
    });
    expect(res.body).toEqual({
      text: `مرحبا ${LRI}John${PDI}`,
      encoding: 'UCS-2',
      segments: 1,
      characters: 12,
      variables: ['FirstName'],
    });
  });
});

describe('merging a campaign per recipient', () => {
  it('uses the fallback for an empty value and skips, with its reason, a record missing a value that has none', async () => {
    const tenant = await createTenant(system);
    const [ada, anon, nobody] = [uniquePhone(), uniquePhone(), uniquePhone()];
    const csv = `FirstName,Slot,Phone\nAda,9:00,${ada}\n,10:30,${anon}\nBo,,${nobody}\n`;
    const run = await runCampaign(tenant, csv, { message: 'Hi {FirstName|there}, your slot is {Slot}.' });
    expect(run.counts).toMatchObject({ total: 3, sent: 2, skippedInvalid: 1, pending: 0 });
    expect(run.received.get(ada)).toBe('Hi Ada, your slot is 9:00.');
    expect(run.received.get(anon)).toBe('Hi there, your slot is 10:30.');
    expect(run.received.has(nobody)).toBe(false);
    const skipped = run.rows.find((r) => r.to_phone === nobody)!;
    expect(skipped).toMatchObject({ state: 'skipped_invalid', error_code: 'missing_value' });
    expect(skipped.error_message).toBe('row 3 has no value for {Slot} and the template gives no fallback');
  });

  it('sends a smart-encoded template with straight quotes, as one GSM-7 segment', async () => {
    const tenant = await createTenant(system);
    const template = await tenant.api.post('/v1/templates', {
      name: 'Smart',
      body: '“{Name}”, it’s ready',
      smartEncoding: true,
    });
    expect(template.body).toMatchObject({ smartEncoding: true, encoding: 'GSM-7' });
    const phone = uniquePhone();
    const run = await runCampaign(tenant, `Name,Phone\nO’Neil,${phone}\n`, { templateId: template.body.id });
    expect(run.received.get(phone)).toBe('"O\'Neil", it\'s ready');
    expect(run.rows[0].segments).toBe(1);
  });
});

describe('Arabic templates with Latin names and digits, end to end', () => {
  it('reaches the phone with left-to-right values isolated, counted as UCS-2 segments', async () => {
    const tenant = await createTenant(system);
    const body = 'مرحبا {FirstName}، موعدك يوم {Date} الساعة {Time}. رقم الحجز: {Ref}';
    const template = await tenant.api.post('/v1/templates', { name: 'موعد', body, direction: 'rtl' });
    expect(template.status).toBe(201);
    expect(template.body).toMatchObject({
      direction: 'rtl',
      encoding: 'UCS-2',
      variables: ['FirstName', 'Date', 'Time', 'Ref'],
    });
    const [john, mohammed] = [uniquePhone(), uniquePhone()];
    const csv = `FirstName,Date,Time,Ref,Phone\nJohn Smith,2026-12-01,10:30,AB-1234,${john}\nمحمد,٢٠٢٦-١٢-٠٢,11:00,XY-99,${mohammed}\n`;
    const run = await runCampaign(tenant, csv, { templateId: template.body.id });
    expect(run.counts).toMatchObject({ total: 2, sent: 2 });

    const toJohn = run.received.get(john)!;
    expect(toJohn).toBe(
      `مرحبا ${LRI}John Smith${PDI}، موعدك يوم ${LRI}2026-12-01${PDI} الساعة ${LRI}10:30${PDI}. رقم الحجز: ${LRI}AB-1234${PDI}`,
    );
    // An Arabic name and Arabic-Indic digits already read right to left: they are not wrapped.
    expect(run.received.get(mohammed)).toBe(
      `مرحبا محمد، موعدك يوم ٢٠٢٦-١٢-٠٢ الساعة ${LRI}11:00${PDI}. رقم الحجز: ${LRI}XY-99${PDI}`,
    );

    const measured = measureSms(toJohn);
    expect(measured.encoding).toBe('UCS-2');
    expect(measured.characters).toBeGreaterThan(70);
    expect(run.rows.find((r) => r.to_phone === john)!.segments).toBe(measured.segments);
    expect(measured.segments).toBe(2);
  });
});
