import type { RequestListener } from 'node:http';
import express, { Express, Router } from 'express';
import { apiKeyRateLimit, securityHeaders, uploadConcurrency } from './abuse-limits';
import { auditChanges } from './audit-trail';
import { requireAdmin, requireApiKey } from './auth';
import type { ApiDeps } from './deps';
import { ApiError, errorHandler } from './errors';
import { adminApiKeyRoutes, apiKeyRoutes } from './routes/api-keys';
import { agentRoutes } from './routes/agents';
import { eventRoutes } from './routes/events';
import { auditRoutes } from './routes/audit';
import { businessUnitRoutes, settingsRoutes } from './routes/business-units';
import { carrierRoutes } from './routes/carriers';
import { cadenceEventRoutes } from './routes/cadence-events';
import { callingListRoutes } from './routes/calling-lists';
import { campaignRoutes } from './routes/campaigns';
import { conversationRoutes } from './routes/conversations';
import { dncRoutes } from './routes/dnc';
import { healthRoutes } from './routes/health';
import { senderRoutes } from './routes/senders';
import { skillRoutes } from './routes/skills';
import { skillGroupRoutes } from './routes/skill-groups';
import { reportRoutes } from './routes/reports';
import { templateRoutes } from './routes/templates';
import { CarrierWebhooks, carrierWebhooks } from './routes/webhooks';
import { allowedMethods, openApiRoutes } from './openapi/openapi-routes';
import { consoleRoutes } from './routes/console';
import { metricsRoutes, observeWebhookDuration } from './routes/metrics';

/**
 * createRequestListener is what the API's HTTP server runs: the app, behind the lean path of the carrier's status
 * callbacks (two per message sent, the API's busiest request).
 */
export function createRequestListener(deps: ApiDeps): RequestListener {
  const webhooks = carrierWebhooks(deps);
  return webhooks.withLeanStatusPath(createApp(deps, webhooks));
}

/** createApp assembles the HTTP API: health, carrier webhooks, the admin route and the per-business-unit /v1 routes. */
export function createApp(deps: ApiDeps, webhooks: CarrierWebhooks = carrierWebhooks(deps)): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders({ except: '/webhooks/' }), allowedMethods());
  // The carrier's webhooks are the busiest path (hundreds a second in a reply storm): they go first, and their answer
  // (TwiML, to a carrier, not a browser) skips the security headers' dozen middleware steps.
  app.use('/webhooks', observeWebhookDuration(), webhooks.routes);
  app.use(healthRoutes(deps), openApiRoutes());
  app.use(metricsRoutes(deps.db, deps.config.metricsToken), consoleRoutes(deps.config));

  const v1 = Router();
  // CSV uploads are streamed by their own route; every other body is small JSON.
  v1.use(express.json({ limit: '1mb' }));
  // The operators' routes: the admin token, and every change they make in the audit trail.
  v1.use('/business-units', requireAdmin(deps.config.adminToken), auditChanges(deps.db));
  v1.use(businessUnitRoutes(deps), adminApiKeyRoutes(deps));
  const { ratePerMinute, csvUploadConcurrency } = deps.config.apiLimits;
  v1.use(requireApiKey(deps.db), apiKeyRateLimit(deps.db, ratePerMinute), auditChanges(deps.db));
  v1.use(uploadConcurrency(deps.db, csvUploadConcurrency, 'POST /calling-lists'));
  for (const routes of [
    settingsRoutes,
    senderRoutes,
    carrierRoutes,
    dncRoutes,
    callingListRoutes,
    templateRoutes,
    skillRoutes,
    skillGroupRoutes,
    reportRoutes,
    campaignRoutes,
    cadenceEventRoutes,
    conversationRoutes,
    agentRoutes,
    eventRoutes,
    apiKeyRoutes,
    auditRoutes,
  ]) {
    v1.use(routes(deps));
  }
  app.use('/v1', v1);
  app.use((req) => {
    throw new ApiError(404, 'not_found', `no route ${req.method} ${req.path}`);
  });
  app.use(errorHandler);
  return app;
}
