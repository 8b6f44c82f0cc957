// Operations outside /v1: health, this document, metrics, the console's entry points and the carrier's webhooks.
import { z } from 'zod';
import { inboundWebhookSchema, statusWebhookSchema } from '../../schemas';
import type { ApiOperation } from '../operation';
import { healthResponse } from '../resources';

const TWIML = { mediaType: 'text/xml', schema: { type: 'string' } };
const formBody = (schema: z.ZodType) => ({ mediaType: 'application/x-www-form-urlencoded' as const, schema });

/** platformOperations are the routes that need no business unit key. */
export const platformOperations: ApiOperation[] = [
  {
    operationId: 'getHealth',
    method: 'get',
    path: '/healthz',
    summary: 'Whether the API reaches PostgreSQL and Temporal',
    tag: 'platform',
    security: 'none',
    responses: {
      200: { description: 'Both answer.', schema: healthResponse },
      503: { description: 'Something is missing; `missing` names it.', schema: healthResponse },
    },
  },
  {
    operationId: 'getOpenApi',
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tag: 'platform',
    security: 'none',
    responses: { 200: { description: 'The document.', otherContent: { mediaType: 'application/json', schema: {} } } },
  },
  {
    operationId: 'getMetrics',
    method: 'get',
    path: '/metrics',
    summary: "Prometheus metrics of the API and the database's message and conversation counts",
    tag: 'platform',
    security: 'metricsToken',
    responses: {
      200: { description: 'Prometheus text format.', otherContent: { mediaType: 'text/plain', schema: {} } },
    },
  },
  {
    operationId: 'openConsole',
    method: 'get',
    path: '/',
    summary: 'Redirects to the web console',
    tag: 'console',
    security: 'none',
    responses: {
      302: {
        description: 'To /console/.',
        headers: { Location: { description: 'The console.', schema: { type: 'string' } } },
      },
    },
  },
  {
    operationId: 'getConsoleConfig',
    method: 'get',
    path: '/console/config.json',
    summary:
      "The console's settings (no secrets): Temporal Web UI link, which campaign actions each status allows, " +
      'every sender kind with its default rate, address rule and whether contacts can reply, how much of a CSV ' +
      "file's start the fields endpoint reads, and the longest agent reply",
    tag: 'console',
    security: 'none',
    responses: { 200: { description: 'The settings.', otherContent: { mediaType: 'application/json', schema: {} } } },
  },
  {
    operationId: 'receiveDeliveryReceipt',
    method: 'post',
    path: '/webhooks/twilio/status',
    summary: "The carrier's delivery receipt for a message it accepted (idempotent on MessageSid)",
    tag: 'webhooks',
    security: 'twilioSignature',
    body: formBody(statusWebhookSchema),
    responses: { 200: { description: 'Applied (or already known).', otherContent: TWIML } },
  },
  {
    operationId: 'receiveInboundMessage',
    method: 'post',
    path: '/webhooks/twilio/inbound',
    summary: 'A message a contact sent to one of the senders (idempotent on MessageSid)',
    tag: 'webhooks',
    security: 'twilioSignature',
    body: formBody(inboundWebhookSchema),
    responses: {
      200: {
        description: 'Stored; the contact’s conversation workflow handles it from there (also while Temporal is away).',
        otherContent: TWIML,
      },
    },
  },
];
