import type { Readable } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';
import { poolOf } from './connection';
import type { Db } from './schema';

// COPY takes no parameters: the only values written into it are a campaign id the caller loaded (a uuid) and the
// list's field names, each as a quoted literal and a quoted identifier.
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
const identifier = (text: string) => `"${text.replace(/"/g, '""')}"`;
const isoTime = (column: string) => `to_json(${column}) #>> '{}'`;
const yesNo = (condition: string) => `CASE WHEN ${condition} THEN 'true' ELSE 'false' END`;

/**
 * campaignRecipientsCsv streams one CSV record per recipient of a campaign (COPY … TO STDOUT, so memory stays flat
 * whatever the campaign's size), in the list's row order: row, phone, the list's fields, state, error code, sent and
 * delivered times, whether the contact replied to it and whether they opted out in answer to it. Records end in LF.
 */
export async function campaignRecipientsCsv(
  db: Db,
  campaignId: string,
  listFields: readonly string[],
): Promise<Readable> {
  if (!/^[0-9a-f-]{36}$/i.test(campaignId)) throw new Error(`campaign id ${campaignId} is not a uuid`);
  const fields = listFields.map((f) => `lr.fields ->> ${literal(f)} AS ${identifier(f)}`);
  const query = `COPY (
    SELECT lr.row_number AS "row", m.to_phone AS phone, ${fields.map((f) => `${f}, `).join('')}
           m.state, m.error_code AS "errorCode", ${isoTime('m.sent_at')} AS "sentAt",
           CASE WHEN m.state = 'delivered' THEN ${isoTime('m.updated_at')} END AS "deliveredAt",
           ${yesNo('coalesce(i.replied, false)')} AS replied, ${yesNo('coalesce(i.opted_out, false)')} AS "optedOut"
      FROM messages m
      LEFT JOIN list_records lr ON lr.id = m.record_id
      LEFT JOIN (
        SELECT from_phone, bool_or(classification = 'message') AS replied, bool_or(classification = 'opt_out') AS opted_out
          FROM inbound_messages WHERE campaign_id = ${literal(campaignId)} GROUP BY from_phone) i
        ON i.from_phone = m.to_phone
     WHERE m.campaign_id = ${literal(campaignId)} AND m.kind = 'campaign'
     ORDER BY m.record_id
  ) TO STDOUT WITH (FORMAT csv, HEADER)`;
  const client = await poolOf(db).connect();
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    // A COPY cut off half-way leaves the connection mid-protocol: it is closed rather than handed to the next caller.
    client.release(error);
  };
  const stream = client.query(copyTo(query));
  stream.on('end', () => release());
  stream.on('error', (error) => release(error));
  stream.on('close', () => release(new Error('export closed before its end')));
  return stream;
}
