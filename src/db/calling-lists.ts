import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { ListRecordInput, RowError } from '../lists/list-record';
import { poolOf } from './connection';
import type { CallingList, Database, ListRecord } from './schema';

const COPY_CHUNK_CHARS = 64 * 1024;

/** NewCallingList is the list's header: who owns it, its columns and their mapping. */
export interface NewCallingList {
  businessUnitId: string;
  name: string;
  fields: string[];
  phoneField: string;
  mobileField: string | null;
  timezoneField: string | null;
  region: string;
}

/** ImportSummary is what the import counted once every record has been read. */
export interface ImportSummary {
  accepted: number;
  rejected: number;
  errors: RowError[];
}

/**
 * storeCallingList writes a list and streams its records in with COPY inside one transaction, so a file that breaks
 * half-way leaves nothing behind. `header` resolves once the CSV header has been read.
 */
export async function storeCallingList(
  db: Kysely<Database>,
  header: () => Promise<NewCallingList>,
  records: AsyncIterable<ListRecordInput>,
  summary: () => ImportSummary,
): Promise<CallingList> {
  const client = await poolOf(db).connect();
  try {
    await client.query('BEGIN');
    const recordLines = records[Symbol.asyncIterator]();
    // Pull the first record before inserting the list so the header (and its validation) is known.
    const first = await recordLines.next();
    const list = await header();
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO calling_lists (business_unit_id, name, fields, phone_field, mobile_field, timezone_field, region)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [list.businessUnitId, list.name, list.fields, list.phoneField, list.mobileField, list.timezoneField, list.region],
    );
    const listId = rows[0].id;
    // Lines go to COPY in chunks of about 64 kB: one socket write per record would cost more than the parsing.
    async function* copyChunks() {
      let chunk = first.done ? '' : copyLine(listId, first.value);
      for (let next = await recordLines.next(); !next.done; next = await recordLines.next()) {
        chunk += copyLine(listId, next.value);
        if (chunk.length >= COPY_CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    await pipeline(
      Readable.from(copyChunks()),
      client.query(copyFrom('COPY list_records (list_id, row_number, phone, mobile, timezone, fields) FROM STDIN')),
    );
    // A phone that appears twice is messaged once per campaign: later records are marked duplicate.
    await client.query(
      `UPDATE list_records r SET duplicate = true
         FROM (SELECT id, row_number() OVER (PARTITION BY phone ORDER BY id) AS n FROM list_records WHERE list_id = $1) d
        WHERE r.id = d.id AND d.n > 1`,
      [listId],
    );
    const counts = summary();
    const done = await client.query(
      `UPDATE calling_lists SET status = 'ready', accepted = $2, rejected = $3, errors = $4 WHERE id = $1 RETURNING *`,
      [listId, counts.accepted, counts.rejected, JSON.stringify(counts.errors)],
    );
    await client.query('COMMIT');
    return done.rows[0] as CallingList;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function copyLine(listId: string, record: ListRecordInput): string {
  const cols = [
    listId,
    String(record.row),
    record.phone,
    record.mobile,
    record.timezone,
    JSON.stringify(record.fields),
  ];
  return cols.map(copyText).join('\t') + '\n';
}

// COPY's text format: \N is NULL; backslash, tab, newline and carriage return are escaped.
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

/** getCallingList loads a list only if it belongs to the business unit. */
export async function getCallingList(
  db: Kysely<Database>,
  businessUnitId: string,
  id: string,
): Promise<CallingList | undefined> {
  return db
    .selectFrom('calling_lists')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** nextCampaignRecords pages the recipients of a list by keyset, leaving out duplicate phones. */
export async function nextCampaignRecords(
  db: Kysely<Database>,
  listId: string,
  afterId: string,
  limit: number,
): Promise<ListRecord[]> {
  return db
    .selectFrom('list_records')
    .selectAll()
    .where('list_id', '=', listId)
    .where('id', '>', afterId)
    .where('duplicate', '=', false)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** getListRecordByRow finds a record by its 1-based row number in the uploaded file. */
export async function getListRecordByRow(
  db: Kysely<Database>,
  listId: string,
  row: number,
): Promise<ListRecord | undefined> {
  return db
    .selectFrom('list_records')
    .selectAll()
    .where('list_id', '=', listId)
    .where('row_number', '=', row)
    .executeTakeFirst();
}

/** countListRecords is the number of stored records of a list (duplicates included). */
export async function countListRecords(db: Kysely<Database>, listId: string): Promise<number> {
  const row = await db
    .selectFrom('list_records')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('list_id', '=', listId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** listCallingLists returns a business unit's calling lists, newest first. */
export async function listCallingLists(db: Kysely<Database>, businessUnitId: string): Promise<CallingList[]> {
  return db
    .selectFrom('calling_lists')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}
