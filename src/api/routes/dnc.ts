import { Router } from 'express';
import {
  addDncEntry,
  getDncAudit,
  getDncEntry,
  getDncGroup,
  insertDncGroup,
  listDncGroups,
  removeDncEntry,
} from '../../db/dnc';
import type { DncGroup } from '../../db/schema';
import { normalizePhone } from '../../phones/phone-number';
import { pendingOptOut } from '../../replies/pending-opt-outs';
import type { Answer } from '../answer';
import { businessUnitOf } from '../auth';
import type { dncGroupResponse } from '../openapi/resources';
import type { ApiDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { createDncGroupSchema, dncEntryParamsSchema } from '../schemas';
import { parseInput } from '../validation';

function presentGroup(group: DncGroup): Answer<typeof dncGroupResponse> {
  return { id: group.id, name: group.name, createdAt: group.created_at };
}

/** dncRoutes manages DNC groups and their entries; phones are normalised to E.164 before any lookup. */
export function dncRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.post('/dnc-groups', async (req, res) => {
    const input = parseInput(createDncGroupSchema, req.body);
    res.status(201).json(presentGroup(await insertDncGroup(db, businessUnitOf(res).id, input.name)));
  });

  router.get('/dnc-groups', async (_req, res) => {
    res.json((await listDncGroups(db, businessUnitOf(res).id)).map(presentGroup));
  });

  async function resolveEntry(params: unknown, businessUnitId: string) {
    const { id, phone } = parseInput(dncEntryParamsSchema, params);
    const group = await getDncGroup(db, businessUnitId, id);
    if (!group) throw notFound('DNC group', id);
    const normalized = normalizePhone(phone, 'US');
    if (!normalized.ok) throw new ApiError(400, 'invalid_request', `phone: ${normalized.message}`);
    return { group, phone: normalized.e164 };
  }

  router.put('/dnc-groups/:id/entries/:phone', async (req, res) => {
    const { group, phone } = await resolveEntry(req.params, businessUnitOf(res).id);
    await addDncEntry(db, group.id, phone, { source: 'api' });
    res.status(204).end();
  });

  router.delete('/dnc-groups/:id/entries/:phone', async (req, res) => {
    const { group, phone } = await resolveEntry(req.params, businessUnitOf(res).id);
    await removeDncEntry(db, group.id, phone, { source: 'api' });
    res.status(204).end();
  });

  router.get('/dnc-groups/:id/entries/:phone', async (req, res) => {
    const { group, phone } = await resolveEntry(req.params, businessUnitOf(res).id);
    const [entry, history] = await Promise.all([getDncEntry(db, group.id, phone), getDncAudit(db, group.id, phone)]);
    const audit = history.map((h) => ({
      action: h.action,
      source: h.source,
      rule: h.rule,
      messageSid: h.message_sid,
      at: h.created_at,
    }));
    // A STOP the webhook stored is on the group from that moment, though its workflow may not have applied it yet.
    const pending = entry ? null : await pendingOptOut(db, businessUnitOf(res).id, group.id, phone);
    if (pending) {
      res.json({ phone, source: pending.source, createdAt: pending.createdAt, history: audit });
      return;
    }
    // A contact who opted back in is not on the group, but who took them off and why is still part of the answer.
    if (!entry)
      throw new ApiError(404, 'not_found', `${phone} is not on DNC group "${group.name}" (${group.id})`, {
        history: audit,
      });
    res.json({ phone: entry.phone, source: entry.source, createdAt: entry.created_at, history: audit });
  });
  return router;
}
