import { groupCommit } from '../../../src/db/group-commit';

class BadItem extends Error {}

/** A batch writer that records each batch and holds it until released, as a database round trip would. */
function slowWriter(fail: (items: string[]) => Error | null = () => null) {
  const batches: string[][] = [];
  const releases: (() => void)[] = [];
  const write = (items: string[]) => {
    batches.push(items);
    return new Promise<string[]>((resolve, reject) => {
      releases.push(() => {
        const error = fail(items);
        if (error) reject(error);
        else resolve(items.map((item) => `stored ${item}`));
      });
    });
  };
  // Lets every write in flight finish, and the ones they start, until nothing is waiting.
  const releaseAll = async () => {
    for (let i = 0; i < 100 && releases.length > 0; i++) {
      releases.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { write, batches, releaseAll };
}

describe('groupCommit', () => {
  it('writes the first item at once, alone, and the ones that arrive meanwhile together, in order', async () => {
    const writer = slowWriter();
    const store = groupCommit(writer.write, { maxBatch: 100, isItemError: () => false });
    const first = store('a');
    expect(writer.batches).toEqual([['a']]);
    const later = ['b', 'c', 'd'].map(store);
    await writer.releaseAll();
    expect(await first).toBe('stored a');
    expect(await Promise.all(later)).toEqual(['stored b', 'stored c', 'stored d']);
    expect(writer.batches).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('under a stream waits gatherMs before the next batch, which takes what arrived meanwhile; a lone item goes at once', async () => {
    const writer = slowWriter();
    const store = groupCommit(writer.write, { maxBatch: 100, isItemError: () => false, gatherMs: 50 });
    const first = store('a');
    expect(writer.batches).toEqual([['a']]);
    const second = store('b');
    await writer.releaseAll();
    // 'b' arrived while 'a' was being written: its batch waits, and 'c' joins it.
    expect(writer.batches).toEqual([['a']]);
    const third = store('c');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await writer.releaseAll();
    expect(await Promise.all([first, second, third])).toEqual(['stored a', 'stored b', 'stored c']);
    expect(writer.batches).toEqual([['a'], ['b', 'c']]);
    // Nothing is being written now: the next item goes at once again.
    const alone = store('d');
    expect(writer.batches).toEqual([['a'], ['b', 'c'], ['d']]);
    await writer.releaseAll();
    expect(await alone).toBe('stored d');
  });

  it('writes at most maxBatch items in one batch, one batch after another', async () => {
    const writer = slowWriter();
    const store = groupCommit(writer.write, { maxBatch: 2, isItemError: () => false });
    const all = ['a', 'b', 'c', 'd', 'e'].map(store);
    await writer.releaseAll();
    await Promise.all(all);
    expect(writer.batches).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('fails only the bad item when a batch fails for one item, writing the others one by one', async () => {
    const writer = slowWriter((items) => (items.includes('bad') ? new BadItem('bad item') : null));
    const store = groupCommit(writer.write, { maxBatch: 100, isItemError: (e) => e instanceof BadItem });
    const first = store('a');
    const later = ['b', 'bad', 'c'].map((item) => store(item).catch((error: Error) => error.message));
    await writer.releaseAll();
    expect(await first).toBe('stored a');
    expect(await Promise.all(later)).toEqual(['stored b', 'bad item', 'stored c']);
    expect(writer.batches.slice(1)).toEqual([['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });

  it("fails the whole batch at once when the failure is not an item's (the database is away)", async () => {
    const writer = slowWriter((items) => (items.length > 1 ? new Error('connection refused') : null));
    const store = groupCommit(writer.write, { maxBatch: 100, isItemError: (e) => e instanceof BadItem });
    const first = store('a');
    const later = ['b', 'c'].map((item) => store(item).catch((error: Error) => error.message));
    await writer.releaseAll();
    await first;
    expect(await Promise.all(later)).toEqual(['connection refused', 'connection refused']);
    expect(writer.batches).toEqual([['a'], ['b', 'c']]);
  });

  it('goes on writing after a failed batch', async () => {
    let failNext = true;
    const writer = slowWriter(() => (failNext ? ((failNext = false), new Error('connection reset')) : null));
    const store = groupCommit(writer.write, { maxBatch: 100, isItemError: () => false });
    const failed = store('a').catch((error: Error) => error.message);
    await writer.releaseAll();
    expect(await failed).toBe('connection reset');
    const next = store('b');
    await writer.releaseAll();
    expect(await next).toBe('stored b');
  });
});
