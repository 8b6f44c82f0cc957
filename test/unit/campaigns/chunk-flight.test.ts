import { CarrierUnavailableError, type Carrier, type OutboundSms } from '../../../src/carrier/carrier';
import { LATE_SLOT_MS, sendChunk } from '../../../src/campaigns/chunk-flight';
import type { CampaignMessage } from '../../../src/db/messages';
import { spareSlotsFor } from '../../../src/senders/send-pacer';

// A carrier that accepts everything at once and notes when each send reached it.
function recordingCarrier() {
  const sends: { to: string; at: number }[] = [];
  const carrier: Carrier = {
    async send(sms: OutboundSms) {
      sends.push({ to: sms.to, at: Date.now() });
      return { kind: 'accepted', sid: `SM${sends.length}` };
    },
    async findSent() {
      return [];
    },
  };
  return { carrier, sends };
}

function message(n: number, segments = 1): CampaignMessage {
  return {
    id: String(n),
    to_phone: `+1212555${String(n).padStart(4, '0')}`,
    body: 'Your parcel arrives today.',
    idempotency_key: `key-${n}`,
    segments,
  } as CampaignMessage;
}

const dncRead = { scope: { businessUnitId: 'bu', optOutGroupId: 'g', blockingGroupIds: ['g'] }, readAt: 0 };

// Slots that passed while the event loop was stalled: every one is later than the lateness bound.
function passedSlots(n: number): number[] {
  const start = Date.now() - 200;
  return Array.from({ length: n }, (_, i) => start + i);
}

function sparesAhead(n: number, gapMs = 5): number[] {
  const start = Date.now() + 50;
  return Array.from({ length: n }, (_, i) => start + i * gapMs);
}

describe('a chunk whose slots passed in a stall', () => {
  it('gives them up and sends nothing late when it booked no spare slots', async () => {
    const { carrier, sends } = recordingCarrier();
    const messages = [message(1), message(2), message(3)];
    const flight = sendChunk(
      { carrier, statusCallbackUrl: 'http://127.0.0.1:1/status' },
      { from: '55501', messages, slots: passedSlots(3), deadline: null, dncRead },
    );
    const answers = await flight.answers();
    expect(sends).toEqual([]);
    expect(answers.unsent).toHaveLength(3);
    expect(answers.missedSlots).toBe(3);
  });

  // Timers on a loaded machine fire late too, so a spare can be missed in turn: the tests book spares to spare.
  it('sends each late message at a spare slot, in order, never before it', async () => {
    const { carrier, sends } = recordingCarrier();
    const messages = [message(1), message(2), message(3)];
    const spares = sparesAhead(30, 20);
    const flight = sendChunk(
      { carrier, statusCallbackUrl: 'http://127.0.0.1:1/status' },
      { from: '55501', messages, slots: passedSlots(3), spareSlots: spares, deadline: null, dncRead },
    );
    expect(flight.lastSlotAt).toBe(spares[29]);
    const answers = await flight.answers();
    expect(answers.unsent).toEqual([]);
    expect(answers.results.map((r) => r.state)).toEqual(['sent', 'sent', 'sent']);
    expect(sends.map((s) => s.to)).toEqual(messages.map((m) => m.to_phone));
    // Never before a spare slot (a timer may fire a millisecond before Date.now() reaches its time), one spare each:
    // the sends are a spare's gap apart, less what a send may be late by.
    expect(sends[0].at).toBeGreaterThanOrEqual(spares[0] - 1);
    for (let i = 1; i < sends.length; i++)
      expect(sends[i].at - sends[i - 1].at).toBeGreaterThanOrEqual(20 - LATE_SLOT_MS - 1);
  });

  it('a message of two segments needs two spare slots: with one left it goes back unsent', async () => {
    const { carrier, sends } = recordingCarrier();
    const flight = sendChunk(
      { carrier, statusCallbackUrl: 'http://127.0.0.1:1/status' },
      {
        from: '55501',
        messages: [message(1, 2)],
        slots: passedSlots(1),
        spareSlots: sparesAhead(1),
        deadline: null,
        dncRead,
      },
    );
    const answers = await flight.answers();
    expect(sends).toEqual([]);
    expect(answers.unsent.map((m) => m.id)).toEqual(['1']);
  });

  it('skips spare slots that passed too', async () => {
    const { carrier, sends } = recordingCarrier();
    const spares = [Date.now() - 100, ...sparesAhead(10, 20)];
    const flight = sendChunk(
      { carrier, statusCallbackUrl: 'http://127.0.0.1:1/status' },
      { from: '55501', messages: [message(1)], slots: passedSlots(1), spareSlots: spares, deadline: null, dncRead },
    );
    await flight.answers();
    expect(sends).toHaveLength(1);
    expect(sends[0].at).toBeGreaterThanOrEqual(spares[1] - 1);
  });
});

describe('spare slots a chunk books', () => {
  it('none for a sender whose slots are longer than the lateness bound, whatever it missed', () => {
    expect(spareSlotsFor(1, 1, 1, LATE_SLOT_MS)).toBe(0);
    expect(spareSlotsFor(50, 50, 10, LATE_SLOT_MS)).toBe(0);
  });

  it('for a fast sender, as many as its last chunk missed, up to a tenth of the chunk', () => {
    expect(spareSlotsFor(500, 50, 0, LATE_SLOT_MS)).toBe(0);
    expect(spareSlotsFor(500, 50, 3, LATE_SLOT_MS)).toBe(3);
    expect(spareSlotsFor(500, 50, 30, LATE_SLOT_MS)).toBe(5);
  });
});

describe('whether the carrier is failing a chunk', () => {
  // A carrier that fails the sends whose number (1-based) `fail` picks, with the given error, and accepts the rest.
  function failingCarrier(fail: (n: number) => boolean, error: () => Error) {
    let n = 0;
    const carrier: Carrier = {
      async send() {
        n += 1;
        if (fail(n)) throw error();
        return { kind: 'accepted', sid: `SM${n}` };
      },
      async findSent() {
        return [];
      },
    };
    return carrier;
  }
  const unavailable = () => new CarrierUnavailableError('carrier unavailable (503): test', { status: 503 });

  async function flyFive(carrier: Carrier) {
    const messages = [1, 2, 3, 4, 5].map((n) => message(n));
    // Spares to spare: on a loaded machine a timer can fire late, and a send then takes a spare slot (the failing
    // carrier counts its calls, so which message a call carries does not matter).
    const slots = sparesAhead(35, 20);
    const flight = sendChunk(
      { carrier, statusCallbackUrl: 'http://127.0.0.1:1/status' },
      { from: '55501', messages, slots: slots.slice(0, 5), spareSlots: slots.slice(5), deadline: null, dncRead },
    );
    const answers = await flight.answers();
    return { answers, failing: flight.carrierFailing() };
  }

  it('is not, when it fails one send of five: that one goes again and the sender keeps its pace', async () => {
    const { answers, failing } = await flyFive(failingCarrier((n) => n === 2, unavailable));
    expect(answers.unsent).toHaveLength(1);
    expect(answers).toMatchObject({ retried: true, carrierFailing: false, retryAfterMs: null });
    expect(failing).toBe(false);
  });

  it('is, when it fails at least as many sends as it answers', async () => {
    const { answers } = await flyFive(failingCarrier((n) => n <= 3, unavailable));
    expect(answers.unsent).toHaveLength(3);
    expect(answers).toMatchObject({ retried: true, carrierFailing: true });
  });

  it('is, when it asks to slow down with Retry-After, however few sends that hit; the longest wait is kept', async () => {
    const waits = [2000, 5000];
    const throttled = () =>
      new CarrierUnavailableError('carrier busy (20429): test', { status: 429, retryAfterMs: waits.shift() });
    const { answers } = await flyFive(failingCarrier((n) => n === 1 || n === 4, throttled));
    expect(answers).toMatchObject({ retried: true, carrierFailing: true, retryAfterMs: 5000 });
  });

  it('tells the sender the moment the carrier asks for quiet, and only then (a 503 among answers does not)', async () => {
    const stopped: number[] = [];
    let n = 0;
    const throttleThird: Carrier = {
      async send() {
        n += 1;
        if (n === 2) throw unavailable();
        if (n === 3) throw new CarrierUnavailableError('busy (20429)', { status: 429, retryAfterMs: 1000 });
        return { kind: 'accepted', sid: `SM${n}` };
      },
      async findSent() {
        return [];
      },
    };
    const slots = sparesAhead(5, 20);
    const flight = sendChunk(
      { carrier: throttleThird, statusCallbackUrl: 'http://127.0.0.1:1/status' },
      {
        from: '55501',
        messages: [1, 2, 3, 4, 5].map((m) => message(m)),
        slots,
        deadline: null,
        dncRead,
        // As the sender's loop does: every chunk under way stops, this one too.
        onSenderStopped: () => {
          stopped.push(n);
          flight.halt();
        },
      },
    );
    const answers = await flight.answers();
    expect(stopped).toEqual([3]);
    // The two sends booked after the throttled one never went.
    expect(n).toBe(3);
    expect(answers.unsent).toHaveLength(4);
  });
});
