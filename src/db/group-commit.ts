// Group commit: writes that arrive while one is being committed wait for it, then go to the database together, in one
// statement and one transaction. A steady stream of small writes (carrier webhooks) then costs a round trip and a
// commit (a WAL flush on a durable server) per batch instead of per write; under load that is what keeps each write
// quick, where one statement per write queues behind the others. No write waits for a timer: with nothing being
// written it goes at once, alone.

/** BatchWriter writes items together and gives each one's result, in the items' order. */
export type BatchWriter<Item, Result> = (items: Item[]) => Promise<Result[]>;

/** GroupCommitOptions bound a batch and say which failures belong to one item rather than to the whole batch. */
export interface GroupCommitOptions {
  /** Items written in one statement at most. */
  maxBatch: number;
  /**
   * True when a failed batch may have failed for one item's sake (bad data): its items are then written one by one,
   * so only that item's write fails. Any other failure (the database is away) fails the whole batch at once.
   */
  isItemError: (error: unknown) => boolean;
  /**
   * Under a stream of writes (more arrived while a batch was being written), wait this long before writing the next
   * batch so that it takes more of them: a statement's fixed cost (planning, triggers, the commit) is then shared by
   * more items. A write that arrives while nothing is being written still goes at once. Default 0: no wait.
   */
  gatherMs?: number;
}

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * groupCommit returns a write function for single items that batches them. Batches are written one after another, so
 * items are committed in the order they were given; each caller's promise settles with its own item's result.
 */
export function groupCommit<Item, Result>(
  writeBatch: BatchWriter<Item, Result>,
  options: GroupCommitOptions,
): (item: Item) => Promise<Result> {
  const queue: Waiting<Item, Result>[] = [];
  let writing = false;

  async function settle(batch: Waiting<Item, Result>[]): Promise<void> {
    try {
      const results = await writeBatch(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]));
    } catch (error) {
      if (batch.length > 1 && options.isItemError(error)) {
        for (const waiting of batch) await settle([waiting]);
      } else {
        for (const waiting of batch) waiting.reject(error);
      }
    }
  }

  async function drain(): Promise<void> {
    writing = true;
    let streaming = false;
    while (queue.length > 0) {
      if (streaming && options.gatherMs && queue.length < options.maxBatch)
        await new Promise((resolve) => setTimeout(resolve, options.gatherMs));
      await settle(queue.splice(0, options.maxBatch));
      streaming = true;
    }
    writing = false;
  }

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!writing) void drain();
    });
}
