import { compileErrors, validate } from '@readme/openapi-parser';
import type { Express } from 'express';
import { createApp } from '../../src/api/app';
import type { ApiDeps } from '../../src/api/deps';
import { openApiPath } from '../../src/api/openapi/document';
import { API_OPERATIONS, openApiDocument } from '../../src/api/openapi/openapi-routes';
import { readConfig } from '../../src/config';
import { startTestSystem, TestSystem } from '../support/test-system';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: string;
}

// Every method and path the Express app answers, found by walking its router stack (mounted routers included).
function mountedRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) found.push(`${method} ${prefix}${layer.route.path}`);
      } else if (layer.handle.stack) {
        if (typeof layer.rawPath !== 'string') throw new Error('this Express version does not expose a mount path');
        walk(layer.handle.stack, prefix + (layer.rawPath === '/' ? '' : layer.rawPath));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found.sort();
}

describe('the OpenAPI document', () => {
  it('describes exactly the routes the Express app mounts, no more and no fewer', () => {
    // Building the routers touches no connection, so placeholders stand in for them.
    const deps = { db: {}, workflows: {}, config: readConfig({}) } as unknown as ApiDeps;
    const routes = mountedRoutes(createApp(deps));
    expect(routes.length).toBeGreaterThan(30);
    expect(API_OPERATIONS.map((o) => `${o.method} ${o.path}`).sort()).toEqual(routes);
    const documented = Object.entries(openApiDocument.paths as Record<string, object>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(
      routes.map((r) => r.replace(/ (.*)$/, (_, path: string) => ` ${openApiPath(path)}`)),
    );
  });

  it('is valid OpenAPI 3.1', async () => {
    const result = await validate(structuredClone(openApiDocument) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(openApiDocument.openapi).toBe('3.1.0');
  });

  it('documents the contract: bearer keys, error shape, CSV lists, form-encoded webhooks', () => {
    const paths = openApiDocument.paths as Record<string, Record<string, any>>;
    const schemes = (openApiDocument.components as any).securitySchemes;
    expect(schemes.apiKey).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(paths['/v1/senders'].post.security).toEqual([{ apiKey: [] }]);
    expect(paths['/healthz'].get.security).toEqual([]);
    expect(paths['/v1/calling-lists'].post.requestBody.content).toHaveProperty('text/csv');
    for (const hook of ['/webhooks/twilio/inbound', '/webhooks/twilio/status']) {
      expect(paths[hook].post.requestBody.content).toHaveProperty('application/x-www-form-urlencoded');
      expect(paths[hook].post.responses[403]).toBeDefined();
    }
    const refusal = paths['/v1/campaigns'].post.responses[422].content['application/json'].schema;
    expect(refusal).toEqual({ $ref: '#/components/schemas/Error' });
    expect(paths['/v1/senders'].get.responses[429].headers).toHaveProperty('Retry-After');
    // Request parts come from the validating schemas: the sender kinds are the route's own enum.
    const senderBody = paths['/v1/senders'].post.requestBody.content['application/json'].schema;
    expect(senderBody.properties.kind.enum).toEqual(['long_code', 'short_code', 'toll_free', 'alphanumeric']);
  });
});

describe('GET /openapi.json', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ inProcessWorker: false });
  });
  afterAll(async () => {
    await system?.shutdown();
  });

  it('serves the document without a key', async () => {
    const res = await system.anonymous.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
  });

  it('answers OPTIONS with the documented methods and any other method with 405 and Allow', async () => {
    const preview = await system.anonymous.request('OPTIONS', '/v1/templates/preview');
    expect([preview.status, preview.headers.get('allow')]).toEqual([204, 'POST, OPTIONS']);
    const wrong = await system.anonymous.delete('/v1/senders');
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'POST, GET, HEAD, OPTIONS']);
    expect(wrong.body.error.code).toBe('method_not_allowed');
    expect((await system.anonymous.get('/openapiXjson')).status).toBe(404);
  });
});
