import { ACCOUNT_SID, startSimulator, type RunningSimulator } from '../carrier/harness';
import { basicAuth, getTwilio, listAll, MESSAGES, sendAt } from './twilio-api';

const ALICE = '+15551230001';
const BOB = '+15551230002';
const SENDER = '+15559870001';
const OTHER_SENDER = '+15559870002';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ autoDeliver: false });
});
afterAll(() => sim.close());
beforeEach(() => sim.control('POST', '/reset'));

const list = (query: string) => getTwilio(sim, `${MESSAGES}.json?${query}`);
const sidsOf = (reply: { json: { messages: { sid: string }[] } }) => reply.json.messages.map((m) => m.sid);

describe('the Messages list and fetch require Basic auth like the send', () => {
  it("answers 401 with Twilio's error body without credentials or with the wrong token, 404 for another account", async () => {
    const sid = (await sim.send({ To: ALICE, From: SENDER, Body: 'hi' })).json.sid;
    for (const path of [`${MESSAGES}.json`, `${MESSAGES}/${sid}.json`]) {
      for (const authorization of ['', basicAuth(ACCOUNT_SID, 'not-the-token')]) {
        const refused = await getTwilio(sim, path, authorization);
        expect(refused.status).toBe(401);
        expect(refused.json).toEqual({
          code: 20003,
          message: 'Authenticate',
          more_info: 'https://www.twilio.com/docs/errors/20003',
          status: 401,
        });
      }
      const elsewhere = path.replace(ACCOUNT_SID, 'AC11111111111111111111111111111111');
      expect((await getTwilio(sim, elsewhere)).json).toMatchObject({ code: 20404, status: 404 });
    }
  });
});

describe("the Messages list filters by To, From and DateSent like Twilio's", () => {
  let sids: string[];
  beforeEach(() => {
    sids = [
      sendAt(sim, '2026-03-01T10:00:00Z', ALICE),
      sendAt(sim, '2026-03-02T09:00:00Z', ALICE),
      sendAt(sim, '2026-03-02T23:59:59Z', ALICE, OTHER_SENDER),
      sendAt(sim, '2026-03-03T00:00:00Z', BOB),
      sendAt(sim, '2026-03-04T12:00:00Z', ALICE),
    ];
  });
  const expectSids = async (query: string, positions: number[]) => {
    const reply = await list(query);
    expect(reply.status).toBe(200);
    expect(sidsOf(reply)).toEqual(positions.map((p) => sids[p]));
  };

  it('lists every message newest first, or those to one number, or from one sender too', async () => {
    await expectSids('', [4, 3, 2, 1, 0]);
    await expectSids(`To=${encodeURIComponent(ALICE)}`, [4, 2, 1, 0]);
    await expectSids(`To=${encodeURIComponent(ALICE)}&From=${encodeURIComponent(SENDER)}`, [4, 1, 0]);
    await expectSids(`From=${encodeURIComponent(OTHER_SENDER)}`, [2]);
    await expectSids(`To=${encodeURIComponent('+15550000000')}`, []);
  });

  it('reads DateSent>= as on or after, DateSent<= as on or before, a bare DateSent as that day', async () => {
    await expectSids('DateSent>=2026-03-02', [4, 3, 2, 1]);
    // The same key percent-encoded, as URLSearchParams writes it.
    await expectSids(new URLSearchParams({ 'DateSent>': '2026-03-02' }).toString(), [4, 3, 2, 1]);
    await expectSids('DateSent>=2026-03-02T12:00:00Z', [4, 3, 2]);
    // A bare date stands for its midnight: on or before the start of 3 March.
    await expectSids('DateSent<=2026-03-03', [3, 2, 1, 0]);
    await expectSids('DateSent<=2026-03-02T09:00:00Z', [1, 0]);
    await expectSids('DateSent=2026-03-02', [2, 1]);
    await expectSids(`To=${encodeURIComponent(ALICE)}&DateSent>=2026-03-02&DateSent<=2026-03-04`, [2, 1]);
  });

  it('sends the filters the carrier adapter sends (To, From, PageSize) and gets the match', async () => {
    const query = new URLSearchParams({ To: ALICE, From: SENDER, PageSize: '50' });
    await expectSids(query.toString(), [4, 1, 0]);
  });

  it('leaves a message still queued (no date_sent) out of any DateSent filter, and lists it without one', async () => {
    const queued = (await sim.send({ To: ALICE, From: SENDER, Body: 'still queued' })).json;
    expect(queued).toMatchObject({ status: 'queued', date_sent: null });
    const today = new Date().toISOString().slice(0, 10);
    expect(sidsOf(await list(`To=${encodeURIComponent(ALICE)}&DateSent>=${today}`))).toEqual([]);
    expect(sidsOf(await list(`To=${encodeURIComponent(ALICE)}`))[0]).toBe(queued.sid);
  });

  it("answers a date it cannot read with 400 and Twilio's error body", async () => {
    for (const query of ['DateSent>=yesterday', 'DateSent=2026-13-45', 'PageSize=0', 'PageSize=1001', 'Page=-1']) {
      const reply = await list(query);
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({
        code: 20001,
        message: expect.any(String),
        more_info: expect.any(String),
        status: 400,
      });
    }
  });
});

describe('each listed message is a Twilio Message resource', () => {
  it('with its status and error code as its latest status callback left them, and fetchable by sid', async () => {
    const callback = 'http://127.0.0.1:1/webhooks/twilio/status?messageId=42';
    const sent = await sim.send({ To: ALICE, From: SENDER, Body: 'Ünïcode körper', StatusCallback: callback });
    const sid = sent.json.sid;
    // The callback cannot be delivered (nothing listens on port 1), the message's status changes all the same.
    await sim.control('POST', '/status', { sid, status: 'undelivered', errorCode: 30006 });
    const [listed] = (await list(`To=${encodeURIComponent(ALICE)}`)).json.messages;
    expect(listed).toEqual({
      account_sid: ACCOUNT_SID,
      api_version: '2010-04-01',
      body: 'Ünïcode körper',
      date_created: sent.json.date_created,
      date_sent: sent.json.date_created,
      date_updated: expect.stringMatching(/ \+0000$/),
      direction: 'outbound-api',
      error_code: 30006,
      error_message: 'Landline or unreachable carrier',
      from: SENDER,
      messaging_service_sid: null,
      num_media: '0',
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid,
      status: 'undelivered',
      subresource_uris: {
        media: `${MESSAGES}/${sid}/Media.json`,
        feedback: `${MESSAGES}/${sid}/Feedback.json`,
      },
      to: ALICE,
      uri: `${MESSAGES}/${sid}.json`,
    });
    expect(Date.parse(listed.date_created)).toBeLessThanOrEqual(Date.now());
    const fetched = await getTwilio(sim, listed.uri);
    expect(fetched.status).toBe(200);
    expect(fetched.json).toEqual(listed);
    // The StatusCallback is kept exactly as it was sent.
    expect((await sim.control('GET', `/messages/${sid}`)).json.statusCallback).toBe(callback);
  });

  it("answers an unknown sid with 404 and Twilio's error body", async () => {
    const reply = await getTwilio(sim, `${MESSAGES}/SM00000000000000000000000000000000.json`);
    expect(reply.status).toBe(404);
    expect(reply.json).toMatchObject({ code: 20404, status: 404, more_info: expect.any(String) });
  });
});

describe('the Messages list is paged like Twilio', () => {
  const sendMany = async (count: number, to = ALICE) => {
    const sids: string[] = [];
    for (let i = 0; i < count; i++) sids.push((await sim.send({ To: to, From: SENDER, Body: `m${i}` })).json.sid);
    return sids;
  };

  it('follows next_page_uri to the last page, which has none', async () => {
    const sids = await sendMany(7);
    await sendMany(2, BOB);
    const { pages, sids: listed } = await listAll(sim, `To=${encodeURIComponent(ALICE)}&PageSize=3`);
    expect(listed).toEqual([...sids].reverse());
    expect(pages.map((p) => p.json.messages.length)).toEqual([3, 3, 1]);
    expect(pages.map((p) => p.json.page)).toEqual([0, 1, 2]);
    expect(pages.map((p) => [p.json.start, p.json.end])).toEqual([
      [0, 2],
      [3, 5],
      [6, 6],
    ]);
    const [first, second, last] = pages.map((p) => p.json);
    expect(first).toMatchObject({ page_size: 3, previous_page_uri: null });
    expect(first.uri).toBe(`${MESSAGES}.json?To=%2B15551230001&PageSize=3&Page=0`);
    expect(first.first_page_uri).toBe(first.uri);
    expect(second.first_page_uri).toBe(first.uri);
    expect(first.next_page_uri).toMatch(/^\/2010-04-01\/Accounts\/AC\w+\/Messages\.json\?.*&Page=1&PageToken=PASM/);
    expect(last.next_page_uri).toBeNull();
    // previous_page_uri leads back to the page before.
    expect(sidsOf(await getTwilio(sim, second.previous_page_uri))).toEqual(sidsOf(pages[0]));
  });

  it('keeps paging by token steady while new messages arrive, and pages by number without one', async () => {
    const sids = await sendMany(5);
    const first = await list(`To=${encodeURIComponent(ALICE)}&PageSize=2`);
    const newer = await sendMany(3);
    const rest: string[] = [];
    for (let next = first.json.next_page_uri; next;) {
      const page = await getTwilio(sim, next);
      rest.push(...sidsOf(page));
      next = page.json.next_page_uri;
    }
    expect([...sidsOf(first), ...rest]).toEqual([...sids].reverse());
    // Page=1 alone counts from the newest message now.
    expect(sidsOf(await list(`To=${encodeURIComponent(ALICE)}&PageSize=2&Page=1`))).toEqual([newer[0], sids[4]]);
    expect(sidsOf(await list('PageSize=50'))).toHaveLength(8);
  });

  it('answers a page token it never issued with 400', async () => {
    const reply = await list('PageToken=PASM00000000000000000000000000000000');
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ code: 20001, status: 400 });
  });
});
