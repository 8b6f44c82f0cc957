import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { storeCallingList, ImportSummary } from '../db/calling-lists';
import type { CallingList, Db } from '../db/schema';
import { CSV_FORMAT, CsvInputError, describeCsvError, headerFields, RecordPosition, utf8Validator } from './csv-input';
import { ListMapping, ListRecordInput, RowError, toListRecord } from './list-record';

/** MAX_REPORTED_ERRORS is how many row errors an import reports (the counts cover them all). */
export const MAX_REPORTED_ERRORS = 100;

/** ListImportRequest names the list and maps its columns. */
export interface ListImportRequest extends ListMapping {
  businessUnitId: string;
  name: string;
}

/**
 * importCallingList streams a CSV upload into a new calling list: the header names the fields, every data record
 * with a usable phone is kept, the others are rejected and named by row. A broken file stores nothing.
 */
export async function importCallingList(db: Db, request: ListImportRequest, csv: Readable): Promise<CallingList> {
  let header: string[] | null = null;
  // Kept by the parser itself (it reads ahead of the records we consume), so an error can name where it happened.
  const position: RecordPosition = { records: 0, lastRecordEndLine: 1, emptyLinesBefore: 0 };
  const parser = parse({
    ...CSV_FORMAT,
    columns: (names: string[]) => {
      header = checkHeader(names, request);
      return header;
    },
    on_record: (record: Record<string, string>, context) => {
      position.records = context.records;
      position.lastRecordEndLine = context.lines;
      position.emptyLinesBefore = context.empty_lines;
      return record;
    },
  });
  // The body flows into the parser before the records are read, so a broken header or first line fails the parser
  // while nobody iterates it yet: this listener keeps that from being an unhandled 'error' event (a crashed API).
  // The iteration below still throws it.
  parser.on('error', () => undefined);
  const validated = csv.pipe(utf8Validator());
  validated.on('error', (error) => parser.destroy(error));
  validated.pipe(parser);
  csv.on('error', (error) => parser.destroy(error));

  const summary: ImportSummary = { accepted: 0, rejected: 0, errors: [] };
  const report = (error: RowError) => {
    if (summary.errors.length < MAX_REPORTED_ERRORS) summary.errors.push(error);
  };
  async function* records(): AsyncGenerator<ListRecordInput> {
    let row = 0;
    try {
      for await (const fields of parser as AsyncIterable<Record<string, string>>) {
        row += 1;
        const result = toListRecord(row, fields, request);
        if ('error' in result) {
          summary.rejected += 1;
          report(result.error);
          continue;
        }
        result.warnings.forEach(report);
        summary.accepted += 1;
        yield result.record;
      }
      // A header with nothing under it is a mistake (the wrong file, or a field's name sent as the whole body).
      if (row === 0 && header) throw new CsvInputError('the file has a header row but no records', 2);
    } catch (error) {
      throw describeCsvError(error, header ? position : 'header');
    }
  }

  return storeCallingList(
    db,
    async () => {
      if (!header) throw new CsvInputError('the file is empty: it needs a header row naming the fields', 1);
      return { ...request, fields: header };
    },
    records(),
    () => summary,
  );
}

function checkHeader(names: string[], mapping: ListMapping): string[] {
  const header = headerFields(names);
  const seen = new Set(header);
  for (const [param, field] of Object.entries({
    phoneField: mapping.phoneField,
    mobileField: mapping.mobileField,
    timezoneField: mapping.timezoneField,
  })) {
    if (field && !seen.has(field)) {
      throw new CsvInputError(`${param} "${field}" is not a column of the file (columns: ${header.join(', ')})`, 1);
    }
  }
  return header;
}
