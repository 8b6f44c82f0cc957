import { RequestHandler, Router } from 'express';
import { ApiError } from '../errors';
import { buildOpenApiDocument } from './document';
import type { ApiOperation } from './operation';
import { accessOperations } from './operations/access';
import { agentOperations } from './operations/agents';
import { audienceOperations } from './operations/audience';
import { carrierOperations } from './operations/carriers';
import { campaignOperations } from './operations/campaigns';
import { conversationOperations } from './operations/conversations';
import { platformOperations } from './operations/platform';
import { reportOperations } from './operations/reports';

/** API_OPERATIONS is every operation the app serves; a test walks the Express router to keep the two equal. */
export const API_OPERATIONS: readonly ApiOperation[] = [
  ...platformOperations,
  ...audienceOperations,
  ...carrierOperations,
  ...campaignOperations,
  ...conversationOperations,
  ...agentOperations,
  ...reportOperations,
  ...accessOperations,
];

/** openApiDocument is the published document, built once: a schema zod cannot describe fails at startup. */
export const openApiDocument = buildOpenApiDocument(API_OPERATIONS);

/** openApiRoutes is GET /openapi.json (no key): the OpenAPI 3.1 description of the whole API. */
export function openApiRoutes(): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  return router;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Each path the API serves with its Allow header; literal paths first, so /v1/templates/preview is not /v1/templates/:id.
const allowedByPath = (() => {
  const methodsByPath = new Map<string, string[]>();
  for (const { path, method } of API_OPERATIONS) methodsByPath.set(path, [...(methodsByPath.get(path) ?? []), method]);
  return [...methodsByPath]
    .map(([path, methods]) => {
      const allow = methods.map((m) => m.toUpperCase());
      if (allow.includes('GET')) allow.push('HEAD'); // Express answers HEAD with the GET route
      const params = path.split(':').length - 1;
      return {
        pattern: new RegExp(`^${escapeRegExp(path).replace(/:\w+/g, '[^/]+')}/?$`),
        params,
        allow: [...allow, 'OPTIONS'].join(', '),
      };
    })
    .sort((a, b) => a.params - b.params);
})();

function allowFor(path: string): string | undefined {
  return allowedByPath.find((route) => route.pattern.test(path))?.allow;
}

/**
 * allowedMethods answers OPTIONS with the methods the registry documents for the path (no key needed, as for a CORS
 * preflight) and any other method it does not document with 405; unknown paths go on to the 404.
 */
export function allowedMethods(): RequestHandler {
  return (req, res, next) => {
    const allow = allowFor(req.path);
    if (!allow) return next();
    if (req.method === 'OPTIONS') return void res.set('allow', allow).status(204).end();
    if (allow.split(', ').includes(req.method)) return next();
    res.set('allow', allow);
    throw new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${req.path}; allowed: ${allow}`);
  };
}
