// Operations that set a business unit up: the tenant itself, its settings, senders, DNC groups and calling lists.
import { z } from 'zod';
import {
  callingListQuerySchema,
  createBusinessUnitSchema,
  createDncGroupSchema,
  createSenderSchema,
  dncEntryParamsSchema,
  idParamSchema,
  updateSenderSchema,
  updateSettingsSchema,
} from '../../schemas';
import { ApiOperation, jsonBody, linksById } from '../operation';
import { CSV_HEADER_READ_BYTES } from '../../../lists/csv-input';
import {
  businessUnitCreated,
  callingListFieldsResponse,
  callingListResponse,
  dncEntryResponse,
  dncGroupResponse,
  listOf,
  senderResponse,
  settingsResponse,
} from '../resources';

const v1 = { security: 'apiKey' } as const;

/** audienceOperations are business units, settings, senders, DNC groups and calling lists. */
export const audienceOperations: ApiOperation[] = [
  {
    operationId: 'createBusinessUnit',
    method: 'post',
    path: '/v1/business-units',
    summary: 'Create a business unit (tenant); its API key is shown once',
    tag: 'business units',
    security: 'adminToken',
    body: jsonBody(createBusinessUnitSchema),
    responses: { 201: { description: 'Created; only the key’s hash is kept.', schema: businessUnitCreated } },
  },
  ...(['get', 'patch'] as const).map((method): ApiOperation => ({
    ...v1,
    operationId: `${method}Settings`,
    method,
    path: '/v1/settings',
    summary: method === 'get' ? "The business unit's settings" : 'Change the SMS channel and the confirmation texts',
    tag: 'business units',
    ...(method === 'patch' && { body: jsonBody(updateSettingsSchema) }),
    responses: { 200: { description: 'The settings.', schema: settingsResponse } },
  })),
  {
    ...v1,
    operationId: 'createSender',
    method: 'post',
    path: '/v1/senders',
    summary: 'Register a sender (long code, short code, toll-free or alphanumeric)',
    tag: 'senders',
    body: jsonBody(createSenderSchema),
    errors: [409],
    responses: { 201: { description: 'Registered.', schema: senderResponse, links: linksById('updateSender') } },
  },
  {
    ...v1,
    operationId: 'listSenders',
    method: 'get',
    path: '/v1/senders',
    summary: "The business unit's senders",
    tag: 'senders',
    responses: { 200: { description: 'The senders.', schema: listOf(senderResponse) } },
  },
  {
    ...v1,
    operationId: 'updateSender',
    method: 'patch',
    path: '/v1/senders/:id',
    summary: "Change a sender's rate, status or confirmation texts (toll-free: not opt-out/opt-in texts)",
    tag: 'senders',
    params: idParamSchema,
    body: jsonBody(updateSenderSchema),
    errors: [404],
    responses: { 200: { description: 'The sender.', schema: senderResponse } },
  },
  {
    ...v1,
    operationId: 'createDncGroup',
    method: 'post',
    path: '/v1/dnc-groups',
    summary: 'Create a Do-Not-Contact group',
    tag: 'dnc',
    body: jsonBody(createDncGroupSchema),
    errors: [409],
    responses: {
      201: {
        description: 'Created.',
        schema: dncGroupResponse,
        links: linksById('addDncEntry', 'getDncEntry', 'removeDncEntry'),
      },
    },
  },
  {
    ...v1,
    operationId: 'listDncGroups',
    method: 'get',
    path: '/v1/dnc-groups',
    summary: "The business unit's DNC groups",
    tag: 'dnc',
    responses: { 200: { description: 'The groups.', schema: listOf(dncGroupResponse) } },
  },
  ...(
    [
      ['put', 'addDncEntry', 'Put a phone on the group', 204],
      ['delete', 'removeDncEntry', 'Take a phone off the group', 204],
      ['get', 'getDncEntry', 'Whether a phone is on the group, with the audit of every change', 200],
    ] as const
  ).map(([method, operationId, summary, status]): ApiOperation => ({
    ...v1,
    operationId,
    method,
    path: '/v1/dnc-groups/:id/entries/:phone',
    summary,
    tag: 'dnc',
    params: dncEntryParamsSchema,
    errors: [404],
    responses:
      status === 204
        ? { 204: { description: 'Done (also when nothing changed).' } }
        : { 200: { description: 'On the group.', schema: dncEntryResponse } },
  })),
  {
    ...v1,
    operationId: 'importCallingList',
    method: 'post',
    path: '/v1/calling-lists',
    summary: 'Import a calling list from CSV (header row; streamed, so a million rows is fine)',
    description: 'Rows with an unusable phone are rejected and the first 100 are named; the rest are kept.',
    tag: 'calling lists',
    query: callingListQuerySchema,
    body: { mediaType: 'text/csv', schema: z.string() },
    responses: {
      201: { description: 'Imported.', schema: callingListResponse, links: linksById('getCallingList') },
    },
  },
  {
    ...v1,
    operationId: 'readCallingListFields',
    method: 'post',
    path: '/v1/calling-lists/fields',
    summary: "The fields a CSV file's header row names, read as an import would read them",
    description:
      `The body is the start of the file (at most ${CSV_HEADER_READ_BYTES} bytes; a record or character cut off at ` +
      'its end does not matter). A header that an import would refuse (a column without a name, a field named ' +
      'twice, a broken quote, not UTF-8) gets the same 400.',
    tag: 'calling lists',
    body: { mediaType: 'text/csv', schema: z.string() },
    responses: { 200: { description: 'The fields, in file order.', schema: callingListFieldsResponse } },
  },
  {
    ...v1,
    operationId: 'listCallingLists',
    method: 'get',
    path: '/v1/calling-lists',
    summary: "The business unit's calling lists",
    tag: 'calling lists',
    responses: { 200: { description: 'The lists.', schema: listOf(callingListResponse) } },
  },
  {
    ...v1,
    operationId: 'getCallingList',
    method: 'get',
    path: '/v1/calling-lists/:id',
    summary: 'One calling list',
    tag: 'calling lists',
    params: idParamSchema,
    errors: [404],
    responses: { 200: { description: 'The list.', schema: callingListResponse } },
  },
];
