import { Router } from 'express';
import { changeCarrier, createCarrier, removeCarrier } from '../../carrier/carrier-registry';
import { listCarriers } from '../../db/carriers';
import type { CarrierRow } from '../../db/schema';
import type { Answer } from '../answer';
import { businessUnitOf } from '../auth';
import { createCarrierSchema, updateCarrierSchema } from '../carrier-schemas';
import type { ApiDeps } from '../deps';
import type { carrierResponse } from '../openapi/carrier-resources';
import { idParamSchema } from '../schemas';
import { parseInput } from '../validation';

/** presentCarrier is a carrier on the wire: its settings, never its secrets (the row keeps them sealed apart). */
export function presentCarrier(carrier: CarrierRow): Answer<typeof carrierResponse> {
  return {
    ...carrier.settings,
    id: carrier.id,
    name: carrier.name,
    kind: carrier.kind as 'twilio' | 'smpp',
    createdAt: carrier.created_at,
    updatedAt: carrier.updated_at,
  };
}

/** carrierRoutes is POST/GET /carriers and PATCH/DELETE /carriers/:id. */
export function carrierRoutes({ db, config }: ApiDeps): Router {
  const router = Router();
  const key = config.carrierSecretsKey;
  const hosts = config.carrierHostsAllowed;
  router.post('/carriers', async (req, res) => {
    const input = parseInput(createCarrierSchema, req.body);
    res.status(201).json(presentCarrier(await createCarrier(db, key, businessUnitOf(res).id, input, hosts)));
  });

  router.get('/carriers', async (_req, res) => {
    res.json((await listCarriers(db, businessUnitOf(res).id)).map(presentCarrier));
  });

  router.patch('/carriers/:id', async (req, res) => {
    const { id } = parseInput(idParamSchema, req.params);
    const input = parseInput(updateCarrierSchema, req.body);
    res.json(presentCarrier(await changeCarrier(db, key, businessUnitOf(res).id, id, input, hosts)));
  });

  router.delete('/carriers/:id', async (req, res) => {
    const { id } = parseInput(idParamSchema, req.params);
    await removeCarrier(db, businessUnitOf(res).id, id);
    res.status(204).end();
  });
  return router;
}
