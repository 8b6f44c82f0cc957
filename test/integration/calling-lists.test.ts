import { createCampaign, createSender } from '../support/campaign-fixtures';
import { createTenant, Tenant, uniquePhone, useTestSystem, waitForCampaignStatus } from '../support/test-system';

const system = useTestSystem();

async function storedRecords(listId: string) {
  return system.db.selectFrom('list_records').selectAll().where('list_id', '=', listId).orderBy('row_number').execute();
}

async function listsOf(tenant: Tenant) {
  return system.db.selectFrom('calling_lists').select('id').where('business_unit_id', '=', tenant.id).execute();
}

describe('a calling list upload reads real-world CSV', () => {
  it('reads UTF-8 with a byte-order mark: the first header is the field name, accents and Arabic intact', async () => {
    const tenant = await createTenant(system);
    const [a, b] = [uniquePhone(), uniquePhone()];
    const res = await tenant.api.uploadCsv(
      'name=Accents&phoneField=Phone',
      `\uFEFFFirstName,Phone\nJosé Zoë,${a}\nمحمد,${b}\n`,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Accents',
      fields: ['FirstName', 'Phone'],
      accepted: 2,
      rejected: 0,
      errors: [],
    });
    const records = await storedRecords(res.body.id);
    expect(records.map((r) => r.fields.FirstName)).toEqual(['José Zoë', 'محمد']);
    expect(records.map((r) => r.phone)).toEqual([a, b]);
  });

  it('keeps quoted fields with commas, quotes and line breaks, numbering rows by data record, not by line', async () => {
    const tenant = await createTenant(system);
    const phones = [uniquePhone(), uniquePhone(), uniquePhone()];
    const csv = [
      'FirstName,Note,Phone',
      `Ada,"call after 5pm,\nweekdays only",${phones[0]}`,
      `Bob,"says ""hi"", often",${phones[1]}`,
      'Cy,"two\r\nlines",not-a-phone',
      `Dee,,${phones[2]}`,
    ].join('\n');
    const res = await tenant.api.uploadCsv('name=Quoted&phoneField=Phone', csv);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ accepted: 3, rejected: 1 });
    expect(res.body.errors).toEqual([
      { row: 3, field: 'Phone', message: expect.stringContaining('not a phone number') },
    ]);
    const records = await storedRecords(res.body.id);
    expect(records.map((r) => r.row_number)).toEqual([1, 2, 4]);
    expect(records.map((r) => r.fields.Note)).toEqual(['call after 5pm,\nweekdays only', 'says "hi", often', '']);
  });

  it('reads numbers written the way people write them and answers with the list on GET', async () => {
    const tenant = await createTenant(system);
    const csv = 'Name,Phone\nA,(415) 555-2671\nB,415.555.2672\nC,1 415 555 2673\nD,+1 415-555-2674\n';
    const res = await tenant.api.uploadCsv('name=Formats&phoneField=Phone', csv);
    expect(res.body).toMatchObject({ accepted: 4, rejected: 0 });
    expect((await storedRecords(res.body.id)).map((r) => r.phone)).toEqual([
      '+14155552671',
      '+14155552672',
      '+14155552673',
      '+14155552674',
    ]);
    const again = await tenant.api.get(`/v1/calling-lists/${res.body.id}`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      id: res.body.id,
      name: 'Formats',
      fields: ['Name', 'Phone'],
      accepted: 4,
      rejected: 0,
      errors: [],
    });
  });

  it('reads national numbers in the list region, and refuses a region that is not a country code', async () => {
    const tenant = await createTenant(system);
    const res = await tenant.api.uploadCsv(
      'name=London&phoneField=Phone&region=gb',
      'Name,Phone\nA,020 7946 0958\nB,07400 123456\nC,+1 415 555 2671\n',
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ region: 'GB', accepted: 3 });
    expect((await storedRecords(res.body.id)).map((r) => r.phone)).toEqual([
      '+442079460958',
      '+447400123456',
      '+14155552671',
    ]);
    const bad = await tenant.api.uploadCsv('name=X&phoneField=Phone&region=USA', 'Name,Phone\nA,+14155552671\n');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('region');
  });
});

describe('a calling list keeps what it can and names what it rejects', () => {
  it.each([
    ['an empty phone', ''],
    ['letters', 'call me'],
    ['too few digits', '555-0123'],
    ['an extension', '+1 415 555 2671 ext. 12'],
    ['an area code nobody has', '+1 111 555 0100'],
  ])('rejects a row with %s and names its row and column', async (_what, phone) => {
    const tenant = await createTenant(system);
    const good = uniquePhone();
    const res = await tenant.api.uploadCsv('name=Bad&phoneField=Phone', `Name,Phone\nGood,${good}\nBad,"${phone}"\n`);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(res.body.errors).toEqual([{ row: 2, field: 'Phone', message: expect.stringMatching(/^phone number /) }]);
    expect((await storedRecords(res.body.id)).map((r) => r.phone)).toEqual([good]);
  });

  it('counts every rejected row but lists the first 100', async () => {
    const tenant = await createTenant(system);
    const rows = Array.from({ length: 150 }, (_, i) => `Bad${i},12345`);
    const res = await tenant.api.uploadCsv(
      'name=Many&phoneField=Phone',
      ['Name,Phone', `Good,${uniquePhone()}`, ...rows].join('\n'),
    );
    expect(res.body).toMatchObject({ accepted: 1, rejected: 150 });
    expect(res.body.errors).toHaveLength(100);
    expect(res.body.errors[99]).toMatchObject({ row: 101 });
  });

  it('maps the mobile and time-zone columns, keeping a record whose mobile or zone is unusable with a warning', async () => {
    const tenant = await createTenant(system);
    const [p1, p2, p3, m1] = [uniquePhone(), uniquePhone(), uniquePhone(), uniquePhone()];
    const csv = `Name,Home,Cell,TZ\nA,${p1},${m1},America/Chicago\nB,${p2},,\nC,${p3},not a number,Mars/Olympus\n`;
    const res = await tenant.api.uploadCsv('name=Mapped&phoneField=Home&mobileField=Cell&timezoneField=TZ', csv);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      phoneField: 'Home',
      mobileField: 'Cell',
      timezoneField: 'TZ',
      accepted: 3,
      rejected: 0,
    });
    expect(res.body.errors).toEqual([
      { row: 3, field: 'Cell', message: expect.stringContaining('kept the record without a mobile') },
      { row: 3, field: 'TZ', message: expect.stringContaining('unknown time zone') },
    ]);
    const records = await storedRecords(res.body.id);
    expect(records.map((r) => [r.phone, r.mobile, r.timezone])).toEqual([
      [p1, m1, 'America/Chicago'],
      [p2, null, null],
      [p3, null, null],
    ]);
  });

  it.each([['phoneField'], ['mobileField'], ['timezoneField']])(
    'refuses a %s that is not a column, naming it',
    async (param) => {
      const tenant = await createTenant(system);
      const query = `name=X&phoneField=${param === 'phoneField' ? 'Tel' : 'Phone'}${param === 'phoneField' ? '' : `&${param}=Nope`}`;
      const res = await tenant.api.uploadCsv(query, `Name,Phone\nA,${uniquePhone()}\n`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(param);
      expect(await listsOf(tenant)).toEqual([]);
    },
  );

  it('messages a phone that appears twice once per campaign: the later record is marked duplicate', async () => {
    const tenant = await createTenant(system);
    const sender = await createSender(tenant, 100);
    const [twice, once] = ['+14155552671', uniquePhone()];
    const csv = `Name,Phone\nFirst,${twice}\nOther,${once}\nSecond,(415) 555-2671\n`;
    const list = await tenant.api.uploadCsv('name=Dupes&phoneField=Phone', csv);
    expect(list.body).toMatchObject({ accepted: 3, rejected: 0 });
    expect((await storedRecords(list.body.id)).map((r) => [r.row_number, r.duplicate])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    const campaignId = await createCampaign(tenant, {
      listId: list.body.id,
      message: 'Hello {Name}',
      senderIds: [sender.id],
    });
    await tenant.api.post(`/v1/campaigns/${campaignId}/start`);
    const done = await waitForCampaignStatus(tenant, campaignId, 'completed');
    expect(done.counts).toMatchObject({ total: 2, sent: 2 });
    const sent = system.sentMessages().filter((m) => m.from === sender.address);
    expect(sent.filter((m) => m.to === twice).map((m) => m.body)).toEqual(['Hello First']);
  });
});

describe('a broken or wrongly encoded file gets 400 naming the line, and nothing is stored', () => {
  const latin1 = Buffer.concat([
    Buffer.from(`Name,Phone\nAda,${'+14155552671'}\nJos`),
    Buffer.from([0xe9]),
    Buffer.from(',+14155552672\n'),
  ]);
  it.each([
    ['Latin-1 bytes', latin1, /^line 3 is not valid UTF-8/],
    ['UTF-16', Buffer.from('\uFEFFName,Phone\nAda,+14155552671\n', 'utf16le'), /UTF-16/],
    [
      'an unclosed quote',
      'Name,Phone\nAda,+14155552671\nBob,"+1415555\n2672\n',
      /^line 3 \(row 2\): a quoted field is never closed/,
    ],
    [
      'a record with too many fields',
      'Name,Phone\nAda,+14155552671\nBob,+14155552672,extra\n',
      /^line 3 \(row 2\): the record has 3 fields but the header has 2/,
    ],
    [
      'a stray quote inside a field',
      'Name,Phone\n"Ada" Lovelace,+14155552671\n',
      /^line 2 \(row 1\): a quote in the middle of a field/,
    ],
    ['a header naming a field twice', 'Phone,Phone\n+14155552671,+14155552672\n', /twice/],
    ['a broken quote in the header', 'Name,"Phone\nAda,+14155552671\n', /^line 1 \(the header\): a quoted field/],
    ['an empty file', '', /empty/],
    ['a header with no records', 'Name,Phone\n', /header row but no records/],
  ])('%s', async (_what, body, message) => {
    const tenant = await createTenant(system);
    const res = await tenant.api.uploadCsv('name=Broken&phoneField=Phone', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_csv', message: expect.stringMatching(message) });
    expect(await listsOf(tenant)).toEqual([]);
  });

  it('names the line of a record that breaks after multi-line records and blank lines', async () => {
    const tenant = await createTenant(system);
    const csv = 'Name,Note,Phone\nAda,"one\ntwo",+14155552671\n\nBob,ok,+14155552672,x\n';
    const res = await tenant.api.uploadCsv('name=Broken&phoneField=Phone', csv);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^line 5 \(row 2\)/);
    expect(res.body.error.details).toEqual({ line: 5 });
  });

  it('refuses a body that is not text/csv with 415', async () => {
    const tenant = await createTenant(system);
    const res = await tenant.api.request(
      'POST',
      '/v1/calling-lists?name=X&phoneField=Phone',
      'Name,Phone\n',
      'text/plain',
    );
    expect(res.status).toBe(415);
  });
});

describe("a file's fields are read by the server before the file is sent (POST /calling-lists/fields)", () => {
  const readFields = (tenant: Tenant, fileStart: string | Uint8Array, contentType = 'text/csv') =>
    tenant.api.request('POST', '/v1/calling-lists/fields', fileStart, contentType);

  it('reads a quoted header with a comma, a BOM and padded names, from a start cut inside a quoted record', async () => {
    const tenant = await createTenant(system);
    const res = await readFields(tenant, '\uFEFF"Last, First", Mobile Phone ,Zone\r\nLovelace,"+1 415 555 26');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ fields: ['Last, First', 'Mobile Phone', 'Zone'] });
  });

  it('names the same fields the import then stores, and a header spanning lines in quotes is one header', async () => {
    const tenant = await createTenant(system);
    const csv = `"Note\non two lines",Phone\nhello,${uniquePhone()}\n`;
    const fields = await readFields(tenant, csv);
    const list = await tenant.api.uploadCsv('name=Same&phoneField=Phone', csv);
    expect(fields.body.fields).toEqual(['Note\non two lines', 'Phone']);
    expect(list.body.fields).toEqual(fields.body.fields);
  });

  it('reads a start that ends in the middle of a UTF-8 character', async () => {
    const tenant = await createTenant(system);
    const bytes = Buffer.from('Name,Phone\nJosé,+14155552671\n');
    const cut = bytes.subarray(0, bytes.indexOf(Buffer.from('é')) + 1);
    expect(await readFields(tenant, cut)).toMatchObject({ status: 200, body: { fields: ['Name', 'Phone'] } });
  });

  it.each([
    ['a column without a name', 'Phone,,Name\n', /^header column 2 has no name$/],
    ['a field named twice', 'Phone,Name,Phone\n', /^header names the field "Phone" twice$/],
    ['a broken quote', 'Name,"Phone\n', /^line 1 \(the header\): a quoted field is never closed/],
    ['a stray quote', 'Name,Pho"ne"\n', /^line 1 \(the header\): a quote in the middle of a field/],
    ['Latin-1 bytes', Buffer.from([0x4e, 0xe9, 0x2c, 0x50, 0x0a]), /^line 1 is not valid UTF-8/],
    ['UTF-16', Buffer.from('\uFEFFName,Phone\n', 'utf16le'), /UTF-16/],
    ['nothing', '\n\n', /the file is empty/],
  ])('refuses %s with 400 naming the problem, as the import would', async (_what, fileStart, message) => {
    const tenant = await createTenant(system);
    const res = await readFields(tenant, fileStart);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_csv', message: expect.stringMatching(message) });
  });

  it('refuses more than the start of a file with 413, and a body that is not text/csv with 415', async () => {
    const tenant = await createTenant(system);
    const big = await readFields(tenant, `Name,Phone\n${'x,1\n'.repeat(20_000)}`);
    expect(big.status).toBe(413);
    expect(big.body.error.message).toContain('send only the start of the file');
    expect((await readFields(tenant, 'Name,Phone\n', 'text/plain')).status).toBe(415);
  });
});
