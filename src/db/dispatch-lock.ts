import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { poolOf } from './connection';
import type { Db } from './schema';

// One sending run of a campaign at a time. Temporal may start a new attempt of a batch while the old one still runs
// (its heartbeat timed out across a Temporal restart: the old attempt hears of it only at its next heartbeat), and
// both would take the same pending rows and send them twice, with the same key, which real carriers ignore. A
// PostgreSQL advisory lock held by the run's own connection excludes that and goes with the process: a killed worker's
// connection closes and its lock with it.
const LOCK_SPACE = 'campaign_dispatch';
const RETRY_MS = 250;

/** DispatchLockLost says the lock's connection closed under a run (a PostgreSQL restart): the run must stop. */
export class DispatchLockLost extends Error {
  override readonly name = 'DispatchLockLost';
}

/** HeldLock lets a run check, between its steps, that it still holds the lock. */
export interface HeldLock {
  /** stillHeld throws DispatchLockLost once the lock's connection has closed. */
  stillHeld(): void;
}

/**
 * withDispatchLock runs `run` while holding the campaign's dispatch lock, waiting for it first (calling `waiting`
 * between tries: the activity's heartbeat, which throws when the attempt is cancelled). The lock is held on a
 * connection of its own, not one of the pool's: a run holds it for minutes, and as many runs as the pool has
 * connections would leave none for their statements. A PostgreSQL restart closes that connection and frees the lock
 * while the run's pool reconnects unnoticed: the run must check `stillHeld` between steps and stop when it is lost,
 * or the next attempt would send beside it.
 */
export async function withDispatchLock<T>(
  db: Db,
  campaignId: string,
  waiting: () => void,
  run: (lock: HeldLock) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: poolOf(db).options.connectionString });
  let lost = false;
  client.on('error', () => void (lost = true));
  client.on('end', () => void (lost = true));
  const lock: HeldLock = {
    stillHeld() {
      if (lost) throw new DispatchLockLost(`campaign ${campaignId}: the dispatch lock's connection closed`);
    },
  };
  await client.connect();
  try {
    for (;;) {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked',
        [LOCK_SPACE, campaignId],
      );
      if (rows[0].locked) break;
      waiting();
      await sleep(RETRY_MS);
    }
    // Closing the connection releases the lock: no unlock statement that could fail on its own.
    return await run(lock);
  } finally {
    await client.end().catch(() => undefined);
  }
}
