import { buffer } from 'node:stream/consumers';
import { Request, Router } from 'express';
import { getCallingList, listCallingLists } from '../../db/calling-lists';
import type { CallingList } from '../../db/schema';
import { CSV_HEADER_READ_BYTES, readCsvHeader } from '../../lists/csv-input';
import { importCallingList } from '../../lists/import-calling-list';
import { limitedUpload } from '../abuse-limits';
import { businessUnitOf } from '../auth';
import type { ApiDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { callingListQuerySchema, idParamSchema } from '../schemas';
import { parseInput } from '../validation';

function presentList(list: CallingList) {
  return {
    id: list.id,
    name: list.name,
    fields: list.fields,
    phoneField: list.phone_field,
    mobileField: list.mobile_field,
    timezoneField: list.timezone_field,
    region: list.region,
    accepted: list.accepted,
    rejected: list.rejected,
    errors: list.errors,
    createdAt: list.created_at,
  };
}

function requireCsv(req: Request): void {
  if (!req.is('text/csv')) throw new ApiError(415, 'unsupported_media_type', 'Content-Type: the body must be text/csv');
}

/**
 * callingListRoutes is POST /calling-lists (streamed text/csv), POST /calling-lists/fields (a file's header row),
 * GET /calling-lists and GET /calling-lists/:id.
 */
export function callingListRoutes({ db, config }: ApiDeps): Router {
  const router = Router();
  router.post('/calling-lists', async (req, res) => {
    const query = parseInput(callingListQuerySchema, req.query);
    requireCsv(req);
    // The body is never buffered: the request stream goes through the CSV parser straight into COPY.
    const csv = limitedUpload(req, res, config.apiLimits.csvUploadBytes);
    const list = await importCallingList(
      db,
      {
        businessUnitId: businessUnitOf(res).id,
        name: query.name,
        phoneField: query.phoneField,
        mobileField: query.mobileField ?? null,
        timezoneField: query.timezoneField ?? null,
        region: query.region,
      },
      csv,
    );
    res.status(201).json(presentList(list));
  });

  // The start of a file is enough: a person picks the phone column before the whole file is sent.
  router.post('/calling-lists/fields', async (req, res) => {
    requireCsv(req);
    const fileStart = await buffer(limitedUpload(req, res, CSV_HEADER_READ_BYTES, 'send only the start of the file'));
    res.json({ fields: await readCsvHeader(fileStart) });
  });

  router.get('/calling-lists', async (_req, res) => {
    res.json((await listCallingLists(db, businessUnitOf(res).id)).map(presentList));
  });

  router.get('/calling-lists/:id', async (req, res) => {
    const { id } = parseInput(idParamSchema, req.params);
    const list = await getCallingList(db, businessUnitOf(res).id, id);
    if (!list) throw notFound('calling list', id);
    res.json(presentList(list));
  });
  return router;
}
