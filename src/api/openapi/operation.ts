// The operation registry's vocabulary: each HTTP operation the API serves, described with the very zod schemas its
// route validates with, so the published OpenAPI document cannot drift from what the server accepts.
import type { z } from 'zod';

/** HttpMethod is an operation's method, lower case as OpenAPI writes it. */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Security is who may call an operation: a business unit's key, the admin token, the metrics scraper's token, the
 * carrier (signed), anyone.
 */
export type Security = 'apiKey' | 'adminToken' | 'metricsToken' | 'twilioSignature' | 'none';

/** BodyMediaType is what an operation's request body is. */
export type BodyMediaType = 'application/json' | 'text/csv' | 'application/x-www-form-urlencoded';

/** ApiLink tells a client (and schemathesis' stateful phase) which later operation takes a value of this answer. */
export interface ApiLink {
  operationId: string;
  parameters: Record<string, string>;
}

/** ApiResponseSpec is one documented answer of an operation. */
export interface ApiResponseSpec {
  description: string;
  /** A JSON body: a schema registered in resourceRegistry. */
  schema?: z.ZodType;
  /** A body of another media type (XML for the carrier, Prometheus text), with its JSON Schema. */
  otherContent?: { mediaType: string; schema: Record<string, unknown> };
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
  links?: Record<string, ApiLink>;
}

/** ApiOperation is one route of the Express app as the OpenAPI document publishes it. */
export interface ApiOperation {
  operationId: string;
  method: HttpMethod;
  /** The Express path, e.g. /v1/senders/:id (the document writes /v1/senders/{id}). */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  security: Security;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: { mediaType: BodyMediaType; schema: z.ZodType };
  /** The successful answers. */
  responses: Record<number, ApiResponseSpec>;
  /** Refusals particular to this operation (404, 409, 422, ...); the ones implied by its security and input are added. */
  errors?: number[];
}

/** ERROR_DESCRIPTIONS says what each refusal of API.md means; every one has the contract's error body. */
export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: the message names the field (or the CSV row and column).',
  401: 'Missing or unknown key.',
  403: 'Refused: a readonly key on a change, a bad webhook signature, or admin routes disabled (no ADMIN_TOKEN).',
  404: 'Unknown id, or one of another business unit.',
  409: 'A state change that is not allowed now.',
  413: 'The request body is too large.',
  415: 'The request body has the wrong media type.',
  422: 'Well-formed but impossible (e.g. a template variable the list has no field for).',
  429: 'Too many requests for this key: wait for Retry-After seconds.',
};

/** impliedErrors are the refusals any operation with this security and input can answer. */
export function impliedErrors(operation: ApiOperation): number[] {
  const statuses = new Set(operation.errors ?? []);
  if (operation.security === 'apiKey') [401, 429].forEach((s) => statuses.add(s));
  // A readonly key may read, never change.
  if (operation.security === 'apiKey' && operation.method !== 'get') statuses.add(403);
  if (operation.security === 'adminToken' || operation.security === 'metricsToken')
    [401, 403].forEach((s) => statuses.add(s));
  if (operation.security === 'twilioSignature') statuses.add(403);
  if (operation.params || operation.query) statuses.add(400);
  if (operation.body) [400, 413].forEach((s) => statuses.add(s));
  if (operation.body?.mediaType === 'text/csv') statuses.add(415);
  return [...statuses].sort((a, b) => a - b);
}

/** jsonBody is a JSON request body validated by `schema`. */
export function jsonBody(schema: z.ZodType): ApiOperation['body'] {
  return { mediaType: 'application/json', schema };
}

/** linksById links an answer's `id` to the `{id}` of each named later operation. */
export function linksById(...operationIds: string[]): Record<string, ApiLink> {
  return Object.fromEntries(
    operationIds.map((operationId) => [operationId, { operationId, parameters: { id: '$response.body#/id' } }]),
  );
}
