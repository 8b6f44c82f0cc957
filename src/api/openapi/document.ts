// Builds the OpenAPI 3.1 document from the operation registry with zod's own JSON Schema converter (draft 2020-12,
// which is OpenAPI 3.1's dialect): request parts from the schemas the routes validate with, answers from resources.ts.
import { z } from 'zod';
import { ApiOperation, ERROR_DESCRIPTIONS, impliedErrors } from './operation';
import { errorResponse, resourceRegistry } from './resources';

type JsonObject = Record<string, unknown>;

const COMPONENT_PREFIX = '#/components/schemas/';

/** openApiPath turns an Express path (/v1/senders/:id) into an OpenAPI one (/v1/senders/{id}). */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

// zod writes a standalone JSON Schema; inside an OpenAPI document the dialect and ids come from the document.
function embedded(schema: JsonObject): JsonObject {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

function inputSchema(schema: z.ZodType): JsonObject {
  return embedded(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonObject);
}

function refTo(schema: z.ZodType): JsonObject {
  const id = resourceRegistry.get(schema)?.id;
  if (!id) throw new Error('an answer schema must be registered in resourceRegistry (src/api/openapi/resources.ts)');
  return { $ref: COMPONENT_PREFIX + id };
}

function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined): JsonObject[] {
  if (!schema) return [];
  const json = inputSchema(schema) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

const RETRY_AFTER = {
  description: 'Seconds to wait before the next request.',
  schema: { type: 'integer', minimum: 0 },
};

function responses(operation: ApiOperation): JsonObject {
  const answers: JsonObject = {};
  for (const [status, spec] of Object.entries(operation.responses)) {
    // A JSON answer may also come in another media type the client asks for (a report as CSV).
    const content = (spec.schema || spec.otherContent) && {
      ...(spec.schema && { 'application/json': { schema: refTo(spec.schema) } }),
      ...(spec.otherContent && { [spec.otherContent.mediaType]: { schema: spec.otherContent.schema } }),
    };
    answers[status] = {
      description: spec.description,
      ...(content && { content }),
      ...(spec.headers && { headers: spec.headers }),
      ...(spec.links && { links: spec.links }),
    };
  }
  for (const status of impliedErrors(operation)) {
    answers[status] = {
      description: ERROR_DESCRIPTIONS[status],
      content: { 'application/json': { schema: refTo(errorResponse) } },
      ...(status === 429 && { headers: { 'Retry-After': RETRY_AFTER } }),
    };
  }
  return answers;
}

function operationObject(operation: ApiOperation): JsonObject {
  const { body } = operation;
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description && { description: operation.description }),
    tags: [operation.tag],
    security: operation.security === 'none' ? [] : [{ [operation.security]: [] }],
    parameters: [...parameters('path', operation.params), ...parameters('query', operation.query)],
    ...(body && {
      requestBody: { required: true, content: { [body.mediaType]: { schema: inputSchema(body.schema) } } },
    }),
    responses: responses(operation),
  };
}

/** buildOpenApiDocument describes every registered operation as one OpenAPI 3.1 document. */
export function buildOpenApiDocument(operations: readonly ApiOperation[]): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const operation of operations) {
    const path = openApiPath(operation.path);
    if (paths[path]?.[operation.method]) throw new Error(`${operation.method} ${path} is registered twice`);
    paths[path] = { ...paths[path], [operation.method]: operationObject(operation) };
  }
  const { schemas } = z.toJSONSchema(resourceRegistry, {
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => COMPONENT_PREFIX + id,
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Proactive SMS',
      version: '1',
      description:
        'Outbound SMS campaigns for contact centres. Every /v1 route takes `Authorization: Bearer <key>`; ' +
        'errors are `{ "error": { "code", "message", "details" } }`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [...new Set(operations.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, embedded(schema as JsonObject)])),
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: "A business unit's API key (psms_...)." },
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The ADMIN_TOKEN of the API, for creating tenants and managing their keys.',
        },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'The METRICS_TOKEN of the API, for scrapers.' },
        twilioSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Twilio-Signature',
          description: 'Base64 HMAC-SHA1 of PUBLIC_URL + path + sorted form fields, keyed by TWILIO_AUTH_TOKEN.',
        },
      },
    },
  };
}
