import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { type AuditEntryRow, readAuditTrail, streamAuditTrail } from '../../db/audit-log';
import { csvRecord } from '../../reports/csv';
import type { Answer } from '../answer';
import { auditQuerySchema } from '../access-schemas';
import type { auditEntryResponse, auditTrailResponse } from '../openapi/access-resources';
import { businessUnitOf } from '../auth';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors';
import { parseInput } from '../validation';

const DEFAULT_SPAN_MS = 30 * 24 * 60 * 60 * 1000;

function presentEntry(row: AuditEntryRow): Answer<typeof auditEntryResponse> {
  return {
    id: row.id,
    at: row.at,
    actor: { kind: row.actor_kind, keyId: row.key_id, keyName: row.key_name },
    address: row.address,
    resource: row.resource,
    resourceId: row.resource_id,
    action: row.action,
    before: row.before,
    after: row.after,
  };
}

const CSV_COLUMNS = [
  'id',
  'at',
  'actorKind',
  'keyId',
  'keyName',
  'address',
  'resource',
  'resourceId',
  'action',
  'before',
  'after',
];

function csvValues(row: AuditEntryRow): unknown[] {
  const json = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value));
  return [
    row.id,
    row.at.toISOString(),
    row.actor_kind,
    row.key_id ?? '',
    row.key_name ?? '',
    row.address ?? '',
    row.resource,
    row.resource_id ?? '',
    row.action,
    json(row.before),
    json(row.after),
  ];
}

/** auditRoutes is GET /audit: the business unit's changes, as JSON or streamed CSV (Accept: text/csv). */
export function auditRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.get('/audit', async (req, res) => {
    const input = parseInput(auditQuerySchema, req.query);
    const to = input.to ? new Date(input.to) : new Date();
    const from = input.from ? new Date(input.from) : new Date(to.getTime() - DEFAULT_SPAN_MS);
    if (from > to) throw new ApiError(400, 'invalid_request', 'from: must not be after to');
    const query = { businessUnitId: businessUnitOf(res).id, from, to, resource: input.resource ?? null };
    if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      res.type('text/csv; charset=utf-8');
      // Every entry of the range, a page at a time, at the pace the client reads; RFC 4180 records (CRLF, a field with
      // a line break quoted) written by the one CSV writer every export uses.
      const records = Readable.from(
        (async function* () {
          yield csvRecord(CSV_COLUMNS);
          for await (const row of streamAuditTrail(db, query)) yield csvRecord(csvValues(row));
        })(),
      );
      await pipeline(records, res);
      return;
    }
    const limit = input.limit ?? 1000;
    const rows = await readAuditTrail(db, { ...query, limit: limit + 1 });
    const answer: Answer<typeof auditTrailResponse> = {
      entries: rows.slice(0, limit).map(presentEntry),
      truncated: rows.length > limit,
    };
    res.json(answer);
  });
  return router;
}
