import type { InboundToForward } from '../../../src/db/inbound-messages';
import { takeRound } from '../../../src/replies/forwarding-order';

// Messages written as "<contact>:<body>", in arrival order; STOP, START and HELP are keywords.
function waiting(...written: string[]): InboundToForward[] {
  return written.map((w, i) => {
    const [contact, body] = w.split(':');
    return {
      messageSid: `${i}:${w}`,
      businessUnitId: 'bu',
      contact,
      keyword: ['STOP', 'START', 'HELP'].includes(body),
    };
  });
}
const names = (messages: InboundToForward[]) => messages.map((m) => m.messageSid.slice(m.messageSid.indexOf(':') + 1));

/** Whether each contact's messages in `round` are the first ones it had waiting, in the order written. */
function keepsEachContactsOrder(before: InboundToForward[], round: InboundToForward[]): boolean {
  const byContact = (messages: InboundToForward[]) =>
    messages.reduce(
      (m, x) => m.set(x.contact, [...(m.get(x.contact) ?? []), x.messageSid]),
      new Map<string, string[]>(),
    );
  const all = byContact(before);
  return [...byContact(round)].every(([contact, sids]) => sids.every((sid, i) => all.get(contact)![i] === sid));
}

describe('takeRound (which waiting replies are forwarded next)', () => {
  it('takes the oldest first when no keyword waits', () => {
    const queue = waiting('a:hi', 'b:when?', 'c:thanks');
    expect(names(takeRound(queue, 2))).toEqual(['a:hi', 'b:when?']);
    expect(names(queue)).toEqual(['c:thanks']);
  });

  it('takes keywords ahead of older questions, then fills the round with the oldest', () => {
    const queue = waiting('a:hi', 'b:when?', 'c:where?', 'd:STOP', 'e:why?', 'f:HELP');
    expect(names(takeRound(queue, 3))).toEqual(['a:hi', 'd:STOP', 'f:HELP']);
    expect(names(queue)).toEqual(['b:when?', 'c:where?', 'e:why?']);
  });

  it("brings a keyword's earlier messages from the same contact along, and leaves its later ones", () => {
    const queue = waiting('a:hi', 'b:first', 'c:where?', 'b:STOP', 'b:after', 'd:when?');
    expect(names(takeRound(queue, 2))).toEqual(['b:first', 'b:STOP']);
    expect(names(queue)).toEqual(['a:hi', 'c:where?', 'b:after', 'd:when?']);
  });

  it('never takes more than twice the round, and what it cuts keeps each contact in order', () => {
    const queue = waiting('x:1', 'x:2', 'x:3', 'x:4', 'x:5', 'y:STOP', 'x:STOP');
    const before = [...queue];
    const round = takeRound(queue, 2);
    expect(round).toHaveLength(4);
    expect(keepsEachContactsOrder(before, round)).toBe(true);
    expect(names(queue)).toEqual(['x:5', 'y:STOP', 'x:STOP']);
  });

  it('keeps every contact in order over a long mixed queue, and loses or repeats nothing', () => {
    const bodies = ['q', 'STOP', 'q', 'q', 'START', 'HELP', 'q'];
    const queue = waiting(...Array.from({ length: 300 }, (_, i) => `c${(i * 7) % 23}:${bodies[i % bodies.length]}`));
    const forwarded: InboundToForward[] = [];
    while (queue.length > 0) {
      const before = [...queue];
      const round = takeRound(queue, 10);
      expect(keepsEachContactsOrder(before, round)).toBe(true);
      forwarded.push(...round);
    }
    expect(new Set(forwarded.map((m) => m.messageSid)).size).toBe(300);
  });
});
