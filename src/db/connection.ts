import { Kysely, PostgresDialect, RawBuilder, sql } from 'kysely';
import { Client, DatabaseError, Pool, types } from 'pg';
import { AlreadyExists } from '../domain-errors';
import type { Database } from './schema';

// int8 (counts, bigserial ids) arrive as strings; counts are small enough for numbers, ids stay strings in the schema.
types.setTypeParser(types.builtins.INT8, (value) => value);

const pools = new WeakMap<Kysely<Database>, Pool>();

const PREPARED_MARK = '/* prepared: ';

/**
 * prepared marks a statement that a hot path runs thousands of times a minute (a receipt batch) to be planned once per
 * connection rather than on every run: its text must be the same every time (its values all parameters). Planning the
 * receipts' statement cost PostgreSQL more CPU than running it.
 */
export function prepared(name: string): RawBuilder<unknown> {
  return sql.raw(`${PREPARED_MARK}${name} */`);
}

// A pool client that sends a statement marked by `prepared` as pg's named statement: parsed and planned on first use
// on its connection, then only bound and executed (PostgreSQL moves to a generic plan after five runs). Callers see the
// base class's overloads; this one only forwards their arguments, hence its `never`.
class PreparingClient extends Client {
  override query(...args: unknown[]): never {
    const [text, values, ...rest] = args;
    const forward = super.query.bind(this) as (...forwarded: unknown[]) => never;
    if (typeof text === 'string' && text.startsWith(PREPARED_MARK) && (values === undefined || Array.isArray(values))) {
      const name = text.slice(PREPARED_MARK.length, text.indexOf(' */'));
      return forward({ name, text, values }, ...rest);
    }
    return forward(...args);
  }
}

/** createDb opens a pooled Kysely connection to PostgreSQL. */
export function createDb(databaseUrl: string, poolSize = 10): Kysely<Database> {
  const pool = new Pool({ connectionString: databaseUrl, max: poolSize, Client: PreparingClient });
  // An idle client losing its connection (PostgreSQL restart) must not crash the process; the pool reconnects.
  pool.on('error', () => undefined);
  // Nor one that is checked out between two statements when the server goes (the pool only listens to idle ones): its
  // statement fails on its own, and the client is discarded on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

/** poolOf gives the data layer the raw pool behind a Kysely instance, for COPY, which Kysely cannot express. */
export function poolOf(db: Kysely<Database>): Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('this Kysely instance was not made by createDb');
  return pool;
}

/**
 * isDataError is true for PostgreSQL's refusal of the data itself (SQLSTATE classes 22 and 23: a value it cannot
 * store, a constraint), which belongs to one row of a batch; connection and server failures are not.
 */
export function isDataError(error: unknown): boolean {
  return error instanceof DatabaseError && /^2[23]/.test(error.code ?? '');
}

/**
 * retryDeadlockVictim runs one statement again when PostgreSQL picked it as a deadlock's victim (SQLSTATE 40P01): it
 * was rolled back whole, so running it again is safe, and a batch of receipts or send answers is not lost to it.
 */
export async function retryDeadlockVictim<T>(statement: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      if (!(error instanceof DatabaseError && error.code === '40P01') || attempt >= attempts) throw error;
    }
  }
}

/** rethrowUniqueViolation turns PostgreSQL's unique violation (23505) into the domain's AlreadyExists. */
export function rethrowUniqueViolation(error: unknown, field: string, message: string): never {
  if (error instanceof DatabaseError && error.code === '23505') throw new AlreadyExists(message, field);
  throw error;
}

/** pingDatabase resolves once PostgreSQL answers a trivial query (for /healthz). */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
