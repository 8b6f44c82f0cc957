// The audit trail of every change made through the API: who (key id and name, or the admin token), what (resource,
// id, the row before and after, secrets dropped), when and from which address. One middleware for every route, so a
// new route is audited without doing anything; the entry is stored before the answer leaves, so a client that reads
// the trail right after its change finds it.
import type { Request, RequestHandler, Response } from 'express';
import { type AuditedTable, insertAuditEntry, loadAuditedRow } from '../db/audit-log';
import { getDncEntry, getDncGroup } from '../db/dnc';
import type { Db } from '../db/schema';
import { log } from '../log';
import { normalizePhone } from '../phones/phone-number';
import { businessUnitOf, callerOf } from './auth';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const READING_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// POSTs that compute an answer and change nothing.
const NOT_CHANGES = new Set(['/templates/preview', '/calling-lists/fields']);

// The tables behind the path's resource: their row before and after is the change. Other resources (added by later
// routes) record the answer they gave as the after.
const AUDITED_TABLES: Record<string, AuditedTable> = {
  'business-units': 'business_units',
  settings: 'business_units',
  senders: 'senders',
  'dnc-groups': 'dnc_groups',
  'calling-lists': 'calling_lists',
  templates: 'templates',
  skills: 'skills',
  campaigns: 'campaigns',
  conversations: 'conversations',
  'api-keys': 'api_keys',
};

// Column and field names that hold secrets (key hashes, carrier tokens and passwords, a key shown once).
const SECRET_NAME = /hash|token|password|secret|apikey|api_key|credential/i;

/** withoutSecrets is a value with every field whose name says secret dropped, at any depth. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => !SECRET_NAME.test(name))
      .map(([name, field]) => [name, withoutSecrets(field)]),
  );
}

/** AuditTarget is what a change request is about, read from its path. */
interface AuditTarget {
  businessUnitId: string | null;
  resource: string;
  resourceId: string | null;
  action: string;
  /** Reads the resource's state now (null: it does not exist); absent when no table is known for it. */
  load?: (businessUnitId: string, resourceId: string) => Promise<unknown>;
}

function actionOf(method: string, verb: string | undefined): string {
  if (verb) return verb;
  return { POST: 'create', PATCH: 'update', PUT: 'add', DELETE: 'remove' }[method] ?? method.toLowerCase();
}

// The middleware is mounted on /v1 and on /v1/business-units: the path as the client wrote it, less /v1.
function pathInV1(req: Request): string {
  return (req.baseUrl + req.path).replace(/^\/v1/, '').replace(/\/+$/, '');
}

// The path within /v1: /<resource>[/<id>[/<verb>]], /dnc-groups/<id>/entries/<phone>,
// /business-units/<id>/api-keys[/<keyId>] (the admin token's), /settings.
function auditTarget(db: Db, req: Request, res: Response): AuditTarget {
  const segments = pathInV1(req).split('/').filter(Boolean).map(decodeURIComponent);
  const tenant = callerOf(res)?.kind === 'api_key' ? businessUnitOf(res).id : null;
  const rowLoader = (resource: string) => {
    const table = AUDITED_TABLES[resource];
    return table && ((unitId: string, id: string) => loadAuditedRow(db, table, unitId, id));
  };
  if (segments[0] === 'business-units' && segments[2] === 'api-keys') {
    const unitId = UUID.test(segments[1]) ? segments[1] : null;
    const keyId = segments[3] ?? null;
    return {
      businessUnitId: unitId,
      resource: 'api-keys',
      resourceId: keyId,
      action: actionOf(req.method, segments[4]),
      load: rowLoader('api-keys'),
    };
  }
  if (segments[0] === 'dnc-groups' && segments[2] === 'entries' && segments[3]) {
    const phone = normalizePhone(segments[3], 'US');
    const e164 = phone.ok ? phone.e164 : segments[3];
    return {
      businessUnitId: tenant,
      resource: 'dnc-entries',
      resourceId: `${segments[1]}/${e164}`,
      action: actionOf(req.method, undefined),
      load: async (unitId) => {
        if (!UUID.test(segments[1]) || !phone.ok || !(await getDncGroup(db, unitId, segments[1]))) return null;
        return (await getDncEntry(db, segments[1], e164)) ?? null;
      },
    };
  }
  const [resource, id, verb] = segments;
  if (resource === 'settings')
    return { businessUnitId: tenant, resource, resourceId: tenant, action: 'update', load: rowLoader(resource) };
  return {
    businessUnitId: tenant,
    resource: resource ?? '',
    resourceId: id ?? null,
    action: actionOf(req.method, verb),
    load: rowLoader(resource),
  };
}

async function stateOf(target: AuditTarget, unitId: string | null, id: string | null): Promise<unknown> {
  if (!target.load || !unitId || !id || !(UUID.test(id) || target.resource === 'dnc-entries')) return null;
  return target.load(unitId, id);
}

/**
 * auditChanges records every successful change request (any method but GET/HEAD/OPTIONS) of an authenticated caller:
 * mount it after the authentication of the routes it covers.
 */
export function auditChanges(db: Db): RequestHandler {
  return async (req, res, next) => {
    const caller = callerOf(res);
    if (READING_METHODS.has(req.method) || NOT_CHANGES.has(pathInV1(req)) || !caller) return next();
    const target = auditTarget(db, req, res);
    const before = await stateOf(target, target.businessUnitId, target.resourceId);
    let answer: unknown;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      answer = body;
      return json(body);
    };
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      if (res.statusCode < 200 || res.statusCode >= 300) return end(...args);
      const created = (answer as { id?: unknown } | undefined)?.id;
      const resourceId = target.resourceId ?? (typeof created === 'string' ? created : null);
      // A new business unit is its own tenant.
      const businessUnitId = target.businessUnitId ?? (target.resource === 'business-units' ? resourceId : null);
      void (async () => {
        try {
          if (!businessUnitId) return;
          const state = await stateOf(target, businessUnitId, resourceId);
          await insertAuditEntry(db, {
            businessUnitId,
            actorKind: caller.kind,
            keyId: caller.kind === 'api_key' ? caller.key.id : null,
            keyName: caller.kind === 'api_key' ? caller.key.name : null,
            address: req.ip ?? null,
            method: req.method,
            path: req.originalUrl.split('?')[0],
            resource: target.resource,
            resourceId,
            action: target.action,
            before: withoutSecrets(before),
            after: withoutSecrets(target.load ? state : (answer ?? req.body ?? null)),
          });
        } catch (error) {
          // The change is made: its answer still goes; the missing entry is an operator's alarm.
          log.error({ err: error, path: req.path, method: req.method }, 'audit entry not stored');
        } finally {
          end(...args);
        }
      })();
      return res;
    }) as Response['end'];
    next();
  };
}
