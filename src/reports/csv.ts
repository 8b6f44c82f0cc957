import { Transform } from 'node:stream';

// RFC 4180: records end with CRLF; a field with a comma, a double quote, CR or LF is quoted, its quotes doubled. Every
// CSV the API writes (reports, the per-recipient export, the audit log) goes through here. (csv-stringify 6.9 with CRLF
// records left a bare LF inside a field unquoted, so the project writes its own.)

/** csvField writes one value as an RFC 4180 field (null and undefined as empty). */
export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** csvRecord writes one record, CRLF included. */
export function csvRecord(values: readonly unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/** csvTable writes a header and one record per row, reading each column from the row. */
export function csvTable<T>(
  columns: readonly { header: string; value: (row: T) => unknown }[],
  rows: readonly T[],
): string {
  return (
    csvRecord(columns.map((c) => c.header)) + rows.map((row) => csvRecord(columns.map((c) => c.value(row)))).join('')
  );
}

/**
 * crlfRecords turns CSV whose records end in LF (PostgreSQL's COPY … CSV, which quotes every field holding a line
 * break) into RFC 4180's CRLF, leaving line breaks inside quoted fields as they are; it keeps no more than a chunk.
 */
export function crlfRecords(): Transform {
  let quoted = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      // Quotes and LF are single bytes in UTF-8 and never part of a multi-byte character: bytes can be scanned as is.
      let start = 0;
      const parts: Buffer[] = [];
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (byte === 0x22) quoted = !quoted;
        else if (byte === 0x0a && !quoted) {
          parts.push(chunk.subarray(start, i), CRLF);
          start = i + 1;
        }
      }
      parts.push(chunk.subarray(start));
      done(null, Buffer.concat(parts));
    },
  });
}

const CRLF = Buffer.from('\r\n');
