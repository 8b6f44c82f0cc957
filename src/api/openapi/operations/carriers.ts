// Operations on a business unit's carriers (issue 15): Twilio-compatible REST or SMPP 3.4, secrets write-only.
import { createCarrierSchema, updateCarrierSchema } from '../../carrier-schemas';
import { idParamSchema } from '../../schemas';
import { carrierResponse } from '../carrier-resources';
import { ApiOperation, jsonBody, linksById } from '../operation';
import { listOf } from '../resources';

const v1 = { security: 'apiKey' } as const;

/** carrierOperations are POST/GET /carriers and PATCH/DELETE /carriers/:id. */
export const carrierOperations: ApiOperation[] = [
  {
    ...v1,
    operationId: 'createCarrier',
    method: 'post',
    path: '/v1/carriers',
    summary: 'Add a carrier (Twilio-compatible REST or SMPP 3.4); its secret is stored encrypted and never returned',
    tag: 'carriers',
    body: jsonBody(createCarrierSchema),
    errors: [409],
    responses: {
      201: { description: 'Added.', schema: carrierResponse, links: linksById('updateCarrier', 'deleteCarrier') },
    },
  },
  {
    ...v1,
    operationId: 'listCarriers',
    method: 'get',
    path: '/v1/carriers',
    summary: "The business unit's carriers, without their secrets",
    tag: 'carriers',
    responses: { 200: { description: 'The carriers.', schema: listOf(carrierResponse) } },
  },
  {
    ...v1,
    operationId: 'updateCarrier',
    method: 'patch',
    path: '/v1/carriers/:id',
    summary: "Change a carrier's settings or secret (not its kind)",
    tag: 'carriers',
    params: idParamSchema,
    body: jsonBody(updateCarrierSchema),
    errors: [404, 409],
    responses: { 200: { description: 'The carrier.', schema: carrierResponse } },
  },
  {
    ...v1,
    operationId: 'deleteCarrier',
    method: 'delete',
    path: '/v1/carriers/:id',
    summary: 'Remove a carrier no sender uses (409 while one does)',
    tag: 'carriers',
    params: idParamSchema,
    errors: [404, 409],
    responses: { 204: { description: 'Removed.' } },
  },
];
