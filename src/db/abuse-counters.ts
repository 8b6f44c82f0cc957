import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';

/** WindowCount is a counter's hits in its current window and when that window ends. */
export interface WindowCount {
  hits: number;
  resetAt: Date;
}

/**
 * countRequest adds one hit to `counter` in the current fixed window of `windowSeconds` and returns the count: one
 * statement, the row lock orders concurrent hits from every API replica, and the database's clock starts the windows.
 */
export async function countRequest(db: Kysely<Database>, counter: string, windowSeconds: number): Promise<WindowCount> {
  const { rows } = await sql<{ hits: number; window_start: Date }>`
    INSERT INTO api_request_counts AS c (counter, window_start, hits)
    VALUES (${counter}, to_timestamp(floor(extract(epoch FROM now()) / ${windowSeconds}) * ${windowSeconds}), 1)
    ON CONFLICT (counter) DO UPDATE
      SET hits = CASE WHEN c.window_start = excluded.window_start THEN c.hits + 1 ELSE 1 END,
          window_start = excluded.window_start
    RETURNING hits, window_start
  `.execute(db);
  const [row] = rows;
  return { hits: row.hits, resetAt: new Date(row.window_start.getTime() + windowSeconds * 1000) };
}

/** uncountRequest takes one hit back (a request the limiter should not have counted). */
export async function uncountRequest(db: Kysely<Database>, counter: string): Promise<void> {
  await db
    .updateTable('api_request_counts')
    .set((eb) => ({ hits: eb('hits', '-', 1) }))
    .where('counter', '=', counter)
    .where('hits', '>', 0)
    .execute();
}

/** resetRequestCount forgets a counter's window. */
export async function resetRequestCount(db: Kysely<Database>, counter: string): Promise<void> {
  await db.deleteFrom('api_request_counts').where('counter', '=', counter).execute();
}

/**
 * takeUploadLease takes one of a business unit's `limit` upload places for `leaseSeconds`, or returns null when all
 * are held. Expired leases (an API that died mid-upload) are cleared first. The transaction-scoped advisory lock on
 * the business unit serialises two replicas counting at once, so neither sees room the other just took.
 */
export async function takeUploadLease(
  db: Kysely<Database>,
  businessUnitId: string,
  limit: number,
  leaseSeconds: number,
): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('upload_leases'), hashtext(${businessUnitId}))`.execute(trx);
    await trx
      .deleteFrom('upload_leases')
      .where('business_unit_id', '=', businessUnitId)
      .where('expires_at', '<', sql<Date>`now()`)
      .execute();
    const { held } = await trx
      .selectFrom('upload_leases')
      .select((eb) => eb.fn.countAll<string>().as('held'))
      .where('business_unit_id', '=', businessUnitId)
      .executeTakeFirstOrThrow();
    if (Number(held) >= limit) return null;
    const lease = await trx
      .insertInto('upload_leases')
      .values({
        business_unit_id: businessUnitId,
        expires_at: sql<Date>`now() + make_interval(secs => ${leaseSeconds})`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return lease.id;
  });
}

/** renewUploadLease keeps an upload's lease for another `leaseSeconds`. */
export async function renewUploadLease(db: Kysely<Database>, leaseId: string, leaseSeconds: number): Promise<void> {
  await db
    .updateTable('upload_leases')
    .set({ expires_at: sql<Date>`now() + make_interval(secs => ${leaseSeconds})` })
    .where('id', '=', leaseId)
    .execute();
}

/** releaseUploadLease gives an upload's place back. */
export async function releaseUploadLease(db: Kysely<Database>, leaseId: string): Promise<void> {
  await db.deleteFrom('upload_leases').where('id', '=', leaseId).execute();
}
