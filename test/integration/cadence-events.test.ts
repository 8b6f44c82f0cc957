import { createSender } from '../support/campaign-fixtures';
import { replyAndWait } from '../support/reply-fixtures';
import { createTenant, eventually, Tenant, uniquePhone, useTestSystem } from '../support/test-system';

const system = useTestSystem();

const TEMPLATE = 'Hi {FirstName}, we just tried to call you about {Topic|your account}. Reply here or call us back.';

interface Row {
  firstName: string;
  phone?: string;
  mobile: string;
  topic?: string;
}

/** cadenceSetup makes a skill whose answering-machine step sends TEMPLATE, and a list with Phone and Mobile columns. */
async function cadenceSetup(
  tenant: Tenant,
  rows: Row[],
  options: { senders?: number; mobileField?: boolean; body?: string; replyHandling?: boolean } = {},
) {
  const senders = await Promise.all(Array.from({ length: options.senders ?? 1 }, () => createSender(tenant, 50)));
  const template = await tenant.api.post('/v1/templates', { name: 'Missed call', body: options.body ?? TEMPLATE });
  const skill = await tenant.api.post('/v1/skills', {
    name: 'Outbound sales',
    kind: 'agent',
    replyHandling: options.replyHandling ?? true,
    cadence: [{ outcome: 'answering_machine', templateId: template.body.id, senderIds: senders.map((s) => s.id) }],
  });
  expect(skill.status).toBe(201);
  const csv = [
    'FirstName,Topic,Phone,Mobile',
    ...rows.map((r) => `${r.firstName},${r.topic ?? ''},${r.phone ?? uniquePhone()},${r.mobile}`),
  ].join('\n');
  const mapping = options.mobileField === false ? '' : '&mobileField=Mobile';
  const list = await tenant.api.uploadCsv(`name=Leads&phoneField=Phone${mapping}`, csv);
  expect(list.status).toBe(201);
  return {
    senders,
    skillId: skill.body.id as string,
    listId: list.body.id as string,
    templateId: template.body.id as string,
  };
}

function reportOutcome(tenant: Tenant, event: { skillId: string; listId: string; row: number; outcome?: string }) {
  return tenant.api.post('/v1/cadence-events', { outcome: 'answering_machine', ...event });
}

const sentTo = (phone: string) => system.sentMessages().filter((m) => m.to === phone);

describe('an answering machine triggers the cadence SMS to the record’s mobile', () => {
  it('sends the personalised message to the mobile, not the dialled phone, from the step’s sender', async () => {
    const tenant = await createTenant(system);
    const [phone, mobile] = [uniquePhone(), uniquePhone()];
    const setup = await cadenceSetup(tenant, [{ firstName: 'Dana', phone, mobile, topic: 'your renewal' }]);
    const res = await reportOutcome(tenant, { skillId: setup.skillId, listId: setup.listId, row: 1 });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      action: 'sms',
      to: mobile,
      senderId: setup.senders[0].id,
      workflowId: `cadence-${setup.skillId}-${setup.listId}-row1-answering_machine`,
      duplicate: false,
    });
    const [message] = await eventually('the cadence SMS', async () =>
      sentTo(mobile).length > 0 ? sentTo(mobile) : undefined,
    );
    expect(message).toMatchObject({
      from: setup.senders[0].address,
      body: 'Hi Dana, we just tried to call you about your renewal. Reply here or call us back.',
    });
    expect(sentTo(phone)).toEqual([]);
    const stored = await eventually('the message to be recorded as sent', async () => {
      const row = await system.db.selectFrom('messages').selectAll().where('to_phone', '=', mobile).executeTakeFirst();
      return row?.state === 'sent' ? row : undefined;
    });
    expect(stored).toMatchObject({
      kind: 'cadence',
      skill_id: setup.skillId,
      campaign_id: null,
      carrier_sid: message.sid,
    });
  });

  it('uses the fallback for an empty value', async () => {
    const tenant = await createTenant(system);
    const mobile = uniquePhone();
    const setup = await cadenceSetup(tenant, [{ firstName: 'Eli', mobile }]);
    expect((await reportOutcome(tenant, { skillId: setup.skillId, listId: setup.listId, row: 1 })).body.action).toBe(
      'sms',
    );
    const [message] = await eventually('the cadence SMS', async () =>
      sentTo(mobile).length > 0 ? sentTo(mobile) : undefined,
    );
    expect(message.body).toBe('Hi Eli, we just tried to call you about your account. Reply here or call us back.');
  });

  it('sends once when the same event is reported twice, at once or later', async () => {
    const tenant = await createTenant(system);
    const mobile = uniquePhone();
    const setup = await cadenceSetup(tenant, [{ firstName: 'Fay', mobile }]);
    const event = { skillId: setup.skillId, listId: setup.listId, row: 1 };
    const both = await Promise.all([reportOutcome(tenant, event), reportOutcome(tenant, event)]);
    expect(both.map((r) => r.status)).toEqual([202, 202]);
    expect(both.map((r) => r.body.action)).toEqual(['sms', 'sms']);
    await eventually('the cadence SMS', async () => (sentTo(mobile).length > 0 ? true : undefined));
    const later = await reportOutcome(tenant, event);
    expect(later.body).toMatchObject({ action: 'sms', duplicate: true });
    await new Promise((r) => setTimeout(r, 1000));
    expect(sentTo(mobile)).toHaveLength(1);
    const rows = await system.db.selectFrom('messages').select('id').where('to_phone', '=', mobile).execute();
    expect(rows).toHaveLength(1);
  });

  it('sends nothing to a contact who opts out between the event and the send', async () => {
    const tenant = await createTenant(system);
    const mobile = uniquePhone();
    const setup = await cadenceSetup(tenant, [{ firstName: 'Pat', mobile }]);
    await system.stopWorker();
    let workflowId: string;
    try {
      const res = await reportOutcome(tenant, { skillId: setup.skillId, listId: setup.listId, row: 1 });
      expect(res.body.action).toBe('sms');
      workflowId = res.body.workflowId;
      await tenant.api.put(`/v1/dnc-groups/${tenant.defaultDncGroupId}/entries/${encodeURIComponent(mobile)}`);
    } finally {
      await system.startWorker();
    }
    const result = await system.temporal.workflow.getHandle(workflowId).result();
    expect(result).toEqual({ action: 'none', reason: 'the mobile number of row 1 is on a DNC list' });
    expect(sentTo(mobile)).toEqual([]);
  });

  it('handles the carrier’s opt-out (21610) as a campaign does: the contact goes on DNC and gets nothing more', async () => {
    const tenant = await createTenant(system);
    const mobile = uniquePhone();
    const setup = await cadenceSetup(tenant, [
      { firstName: 'Lee', mobile },
      { firstName: 'Lee', mobile },
    ]);
    system.sim.state.mode.optedOutNumbers.add(mobile);
    try {
      const first = await reportOutcome(tenant, { skillId: setup.skillId, listId: setup.listId, row: 1 });
      const result = await system.temporal.workflow.getHandle(first.body.workflowId).result();
      expect(result).toMatchObject({ action: 'sms', state: 'opted_out' });
    } finally {
      system.sim.state.mode.optedOutNumbers.delete(mobile);
    }
    const entry = await tenant.api.get(
      `/v1/dnc-groups/${tenant.defaultDncGroupId}/entries/${encodeURIComponent(mobile)}`,
    );
    expect(entry.status).toBe(200);
    expect(entry.body).toMatchObject({ phone: mobile, source: 'carrier' });
    // The carrier accepts again, but the contact stays opted out: the next call outcome sends nothing.
    const second = await reportOutcome(tenant, { skillId: setup.skillId, listId: setup.listId, row: 2 });
    expect(second.body).toEqual({ action: 'none', reason: 'the mobile number of row 2 is on a DNC list' });
    expect(sentTo(mobile)).toEqual([]);
  });

  it('sends a contact every cadence message from the same sender of the step (sticky)', async () => {
    const tenant = await createTenant(system);
    const mobile = uniquePhone();
    const setup = await cadenceSetup(
      tenant,
      [
        { firstName: 'Gus', mobile },
        { firstName: 'Gus', mobile },
        { firstName: 'Gus', mobile },
      ],
      { senders: 3 },
    );
    const answers = [];
    for (const row of [1, 2, 3])
      answers.push((await reportOutcome(tenant, { skillId: setup.skillId, listId: setup.listId, row })).body);
    expect(new Set(answers.map((a) => a.senderId)).size).toBe(1);
    const messages = await eventually('three cadence messages', async () =>
      sentTo(mobile).length === 3 ? sentTo(mobile) : undefined,
    );
    expect(new Set(messages.map((m) => m.from)).size).toBe(1);
    expect(setup.senders.map((s) => s.address)).toContain(messages[0].from);
  });
});

describe('a reply to a cadence SMS', () => {
  it.each([
    [true, 'routed'],
    [false, 'not_routed:no_reply_handling'],
  ])('reaches the agents only when the skill handles replies (replyHandling %s)', async (replyHandling, outcome) => {
    const tenant = await createTenant(system);
    await tenant.api.patch('/v1/settings', { smsChannel: true });
    const mobile = uniquePhone();
    const setup = await cadenceSetup(tenant, [{ firstName: 'Quinn', mobile }], { replyHandling });
    await reportOutcome(tenant, { skillId: setup.skillId, listId: setup.listId, row: 1 });
    await eventually('the cadence SMS', async () => (sentTo(mobile).length > 0 ? true : undefined));
    await eventually('the message to be recorded as sent', async () => {
      const row = await system.db
        .selectFrom('messages')
        .select('sent_at')
        .where('to_phone', '=', mobile)
        .executeTakeFirst();
      return row?.sent_at ? true : undefined;
    });
    const inbound = await replyAndWait(system, { from: mobile, to: setup.senders[0].address, body: 'Who is this?' });
    expect(inbound.outcome).toBe(outcome);
    const queued = (await tenant.api.get('/v1/conversations?status=queued')).body;
    expect(queued.map((c: { contact: string }) => c.contact)).toEqual(replyHandling ? [mobile] : []);
  });
});

describe('a cadence event that sends nothing says why', () => {
  it.each([
    ['the record has no mobile', { mobile: '' }, {}, 'has no usable mobile number in "Mobile"'],
    ['the mobile is unusable', { mobile: 'ask at front desk' }, {}, 'has no usable mobile number'],
    ['the list maps no mobile field', {}, { mobileField: false }, 'maps no mobile field'],
    [
      'a value has no fallback',
      {},
      { body: 'Hi {FirstName}, about {Topic}' },
      'row 1 has no value for {Topic} and the template gives no fallback',
    ],
    ['the template merges to an empty message', {}, { body: '{Topic|}' }, 'row 1 merges to an empty message'],
  ])('%s', async (_what, row, options, reason) => {
    const tenant = await createTenant(system);
    const mobile = uniquePhone();
    const setup = await cadenceSetup(tenant, [{ firstName: 'Hal', mobile, ...row }], options);
    const res = await reportOutcome(tenant, { skillId: setup.skillId, listId: setup.listId, row: 1 });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ action: 'none', reason: expect.stringContaining(reason) });
  });

  it('the mobile is on the business unit’s DNC list', async () => {
    const tenant = await createTenant(system);
    const mobile = uniquePhone();
    const setup = await cadenceSetup(tenant, [{ firstName: 'Ida', mobile }]);
    await tenant.api.put(`/v1/dnc-groups/${tenant.defaultDncGroupId}/entries/${encodeURIComponent(mobile)}`);
    const res = await reportOutcome(tenant, { skillId: setup.skillId, listId: setup.listId, row: 1 });
    expect(res.body).toEqual({ action: 'none', reason: 'the mobile number of row 1 is on a DNC list' });
    await new Promise((r) => setTimeout(r, 500));
    expect(sentTo(mobile)).toEqual([]);
  });

  it('the skill has no cadence step for that outcome', async () => {
    const tenant = await createTenant(system);
    const setup = await cadenceSetup(tenant, [{ firstName: 'Jo', mobile: uniquePhone() }]);
    const res = await reportOutcome(tenant, { skillId: setup.skillId, listId: setup.listId, row: 1, outcome: 'busy' });
    expect(res.body).toEqual({
      action: 'none',
      reason: 'skill "Outbound sales" has no cadence step for the outcome busy',
    });
  });

  it('no sender of the step is active', async () => {
    const tenant = await createTenant(system);
    const setup = await cadenceSetup(tenant, [{ firstName: 'Kim', mobile: uniquePhone() }]);
    await tenant.api.patch(`/v1/senders/${setup.senders[0].id}`, { status: 'suspended' });
    const res = await reportOutcome(tenant, { skillId: setup.skillId, listId: setup.listId, row: 1 });
    expect(res.body).toEqual({
      action: 'none',
      reason: `no sender of the cadence step can send: ${setup.senders[0].address} is suspended`,
    });
  });
});

describe('a cadence event naming nothing is refused', () => {
  it('answers 404 naming row for a row that does not exist or was rejected at import', async () => {
    const tenant = await createTenant(system);
    const setup = await cadenceSetup(tenant, [
      { firstName: 'Lou', mobile: uniquePhone() },
      { firstName: 'Bad', phone: 'nope', mobile: uniquePhone() },
    ]);
    for (const row of [2, 3]) {
      const res = await reportOutcome(tenant, { skillId: setup.skillId, listId: setup.listId, row });
      expect(res.status).toBe(404);
      expect(res.body.error.message).toMatch(
        new RegExp(`^row: calling list ${setup.listId} has no record at row ${row}`),
      );
    }
  });

  it('answers 404 naming skillId or listId for an unknown one or another business unit’s', async () => {
    const [tenant, stranger] = [await createTenant(system), await createTenant(system)];
    const setup = await cadenceSetup(tenant, [{ firstName: 'Max', mobile: uniquePhone() }]);
    const theirs = await cadenceSetup(stranger, [{ firstName: 'Ned', mobile: uniquePhone() }]);
    const wrongSkill = await reportOutcome(tenant, { skillId: theirs.skillId, listId: setup.listId, row: 1 });
    expect(wrongSkill.status).toBe(404);
    expect(wrongSkill.body.error.message).toMatch(/^skillId: /);
    const wrongList = await reportOutcome(tenant, { skillId: setup.skillId, listId: theirs.listId, row: 1 });
    expect(wrongList.status).toBe(404);
    expect(wrongList.body.error.message).toMatch(/^listId: /);
  });

  it('answers 400 for a malformed event', async () => {
    const tenant = await createTenant(system);
    const setup = await cadenceSetup(tenant, [{ firstName: 'Oz', mobile: uniquePhone() }]);
    const res = await tenant.api.post('/v1/cadence-events', { skillId: setup.skillId, listId: setup.listId, row: 0 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('row');
    expect(res.body.error.message).toContain('outcome');
  });
});
