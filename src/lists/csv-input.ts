import { isUtf8 } from 'node:buffer';
import { Transform, TransformCallback } from 'node:stream';
import { CsvError, Options as CsvOptions, parse } from 'csv-parse';

/** CsvInputError is a problem with the uploaded file itself, located by its line. */
export class CsvInputError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(message);
  }
}

/** CSV_FORMAT is how every calling list file is read: a BOM is dropped, blank lines are skipped, cells kept as written. */
export const CSV_FORMAT = { bom: true, skip_empty_lines: true, trim: false } as const satisfies CsvOptions;

/** CSV_HEADER_READ_BYTES is how much of a file's start readCsvHeader takes: more than any real header row needs. */
export const CSV_HEADER_READ_BYTES = 64 * 1024;

/**
 * utf8Validator passes bytes through unchanged and fails with the line number at the first line that is not UTF-8
 * (or holds a NUL byte), because a list saved in another encoding would silently turn names into mojibake.
 */
export function utf8Validator(): Transform {
  let line = 1;
  let first = true;
  // The start of a character split between two chunks waits for the rest of it.
  let pending = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (first && startsAsUtf16(chunk)) return callback(utf16Error());
      first = false;
      const bytes = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      const end = completeCharactersLength(bytes);
      const whole = bytes.subarray(0, end);
      // isUtf8 accepts NUL, but no text file has one (UTF-16 without a BOM does) and PostgreSQL text cannot store it.
      if (!isUtf8(whole) || whole.includes(0)) return callback(notUtf8Error(whole, line));
      line += countNewlines(whole);
      pending = Buffer.from(bytes.subarray(end));
      callback(null, whole);
    },
    flush(callback: TransformCallback) {
      if (pending.length > 0)
        return callback(new CsvInputError(`line ${line} ends in the middle of a UTF-8 character`, line));
      callback();
    },
  });
}

function startsAsUtf16(bytes: Buffer): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}

function utf16Error(): CsvInputError {
  return new CsvInputError('the file is UTF-16; save it as UTF-8 (with or without BOM)', 1);
}

// Bytes up to the last complete character: a trailing lead byte and its continuation bytes wait for the next chunk.
function completeCharactersLength(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 4); i--) {
    const byte = bytes[i];
    if ((byte & 0xc0) === 0x80) continue;
    if (byte < 0xc0) return bytes.length;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return bytes.length - i >= needed ? bytes.length : i;
  }
  return bytes.length;
}

function notUtf8Error(bytes: Buffer, firstLine: number): CsvInputError {
  let line = firstLine;
  for (let start = 0; start < bytes.length; line++) {
    const newline = bytes.indexOf(10, start);
    const text = bytes.subarray(start, newline === -1 ? bytes.length : newline);
    if (text.includes(0))
      return new CsvInputError(`line ${line} holds NUL bytes: the file looks like UTF-16; save it as UTF-8`, line);
    if (!isUtf8(text)) {
      return new CsvInputError(
        `line ${line} is not valid UTF-8 (Latin-1 or Windows-1252, perhaps); save the file as UTF-8`,
        line,
      );
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  return new CsvInputError(`line ${line} is not valid UTF-8; save the file as UTF-8`, line);
}

function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

/** RecordPosition is where the parser is: the data records read so far and the line the last one ended on. */
export interface RecordPosition {
  records: number;
  lastRecordEndLine: number;
  emptyLinesBefore: number;
}

type ParseFailure = CsvError & { lines?: number; empty_lines?: number; record?: string[]; columns?: unknown[] };

/**
 * headerFields reads a header row as the list's field names: trimmed, each named and none twice (the import and
 * readCsvHeader both apply it, so the fields a person is offered are the ones an upload will have).
 */
export function headerFields(names: string[]): string[] {
  const header = names.map((n) => n.trim());
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (!name) throw new CsvInputError(`header column ${i + 1} has no name`, 1);
    if (seen.has(name)) throw new CsvInputError(`header names the field "${name}" twice`, 1);
    seen.add(name);
  });
  return header;
}

/**
 * readCsvHeader reads the field names from the start of a file (the first CSV_HEADER_READ_BYTES or fewer), parsed
 * exactly as the import parses them; a record or character cut off at the end of that start does not matter.
 */
export async function readCsvHeader(fileStart: Buffer): Promise<string[]> {
  if (startsAsUtf16(fileStart)) throw utf16Error();
  const whole = fileStart.subarray(0, completeCharactersLength(fileStart));
  if (!isUtf8(whole) || whole.includes(0)) throw notUtf8Error(whole, 1);
  // Only the first record is parsed: what follows may be cut anywhere, even inside a quoted field.
  const records = await new Promise<string[][]>((resolve, reject) =>
    parse(whole, { ...CSV_FORMAT, to: 1 }, (error, output: string[][] | undefined) =>
      error ? reject(describeCsvError(error, 'header')) : resolve(output ?? []),
    ),
  );
  if (records.length === 0) throw new CsvInputError('the file is empty: it needs a header row naming the fields', 1);
  return headerFields(records[0]);
}

/**
 * describeCsvError turns csv-parse's error into one that names the line where the broken record starts, and its row
 * ('header' when the header row itself is broken).
 */
export function describeCsvError(error: unknown, position: RecordPosition | 'header'): unknown {
  if (!(error instanceof CsvError)) return error;
  const failure = error as ParseFailure;
  // Blank lines before the broken record are skipped, so they are counted in.
  const line =
    position === 'header'
      ? 1 + (failure.empty_lines ?? 0)
      : position.lastRecordEndLine + 1 + Math.max(0, (failure.empty_lines ?? 0) - position.emptyLinesBefore);
  const where = position === 'header' ? `line ${line} (the header)` : `line ${line} (row ${position.records + 1})`;
  switch (failure.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new CsvInputError(
        `${where}: a quoted field is never closed; the file ends inside it at line ${failure.lines}`,
        line,
      );
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
      return new CsvInputError(
        `${where}: the record has ${failure.record?.length ?? '?'} fields but the header has ${failure.columns?.length ?? '?'}`,
        line,
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'INVALID_OPENING_QUOTE':
      return new CsvInputError(
        `${where}: a quote in the middle of a field; quote the whole field and write a quote inside it as ""`,
        line,
      );
    default:
      return new CsvInputError(`${where}: ${error.message}`, line);
  }
}
