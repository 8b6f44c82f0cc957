import { matchOffers } from '../../../src/db/offer-queued';
import { oneRoundAtATime } from '../../../src/replies/one-round-at-a-time';

describe('matching a batch of queued conversations to free agents', () => {
  it('offers by proficiency, then idle time, and sends an agent given an offer behind its equals', () => {
    const agents = [
      { id: 'expert', proficiency: 20, free: 1 },
      { id: 'idle-longest', proficiency: 10, free: 2 },
      { id: 'idle-less', proficiency: 10, free: 2 },
      { id: 'novice', proficiency: 1, free: 3 },
    ];
    const matches = matchOffers(['c1', 'c2', 'c3', 'c4', 'c5', 'c6'], agents);
    expect(matches.map((m) => `${m.conversationId}:${m.agentId}`)).toEqual([
      'c1:expert',
      'c2:idle-longest',
      'c3:idle-less',
      'c4:idle-longest',
      'c5:idle-less',
      'c6:novice',
    ]);
  });

  it('never offers an agent more than its free slots, and leaves the rest queued', () => {
    const matches = matchOffers(
      ['c1', 'c2', 'c3'],
      [
        { id: 'full', proficiency: 20, free: 0 },
        { id: 'one', proficiency: 5, free: 1 },
      ],
    );
    expect(matches).toEqual([{ conversationId: 'c1', agentId: 'one' }]);
  });
});

describe('one routing round at a time per skill', () => {
  it('runs one round at a time, and answers a call made during a round with the next one', async () => {
    const started: number[] = [];
    let release: () => void = () => undefined;
    let round = 0;
    const route = oneRoundAtATime(async () => {
      started.push(++round);
      if (round === 1) await new Promise<void>((resolve) => (release = resolve));
      return round;
    });
    const first = route('skill');
    const during = [route('skill'), route('skill')];
    expect(started).toEqual([1]);
    release();
    expect(await first).toBe(1);
    expect(await Promise.all(during)).toEqual([2, 2]);
    expect(await route('other')).toBe(3);
  });

  it('hands a failed round to the calls it served, and the next call runs again', async () => {
    let fail = true;
    const route = oneRoundAtATime(async () => {
      if (fail) throw new Error('database gone');
      return 'ok';
    });
    await expect(route('skill')).rejects.toThrow('database gone');
    fail = false;
    expect(await route('skill')).toBe('ok');
  });
});
