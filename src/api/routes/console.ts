import path from 'node:path';
import express, { Router } from 'express';
import { allowedFrom, CampaignAction } from '../../campaigns/campaign-status';
import type { AppConfig } from '../../config';
import { CSV_HEADER_READ_BYTES } from '../../lists/csv-input';
import { AGENT_REPLY_MAX_LENGTH } from '../schemas';
import { transportCodeKindProfiles, TransportCodeKindProfile } from '../../senders/transport-codes';

/** CONSOLE_DIR holds the console's static files: plain HTML, CSS and ES modules, served as they are. */
export const CONSOLE_DIR = path.join(__dirname, '..', '..', 'console', 'public');

// Chart.js's browser build, from the installed package: the console's charts never come from a CDN.
const CHART_JS_DIR = path.dirname(require.resolve('chart.js'));

/** ConsoleConfig is what the page cannot know by itself: where the Temporal Web UI is and which namespace to open. */
export interface ConsoleConfig {
  temporalUiUrl: string | null;
  temporalNamespace: string;
  /** Which campaign statuses each button is offered in: the server's own rule, so page and API never disagree. */
  campaignActionsFrom: Record<CampaignAction, string[]>;
  /** Every sender kind with its default rate, address rule, replies and opt-out texts, as the server validates them. */
  senderKinds: TransportCodeKindProfile[];
  /** How much of a file's start POST /v1/calling-lists/fields reads, so the page sends that and no more. */
  csvHeaderReadBytes: number;
  /** The longest reply POST /v1/conversations/:id/messages accepts, so the composer stops there. */
  agentReplyMaxLength: number;
}

const CAMPAIGN_ACTIONS: CampaignAction[] = ['start', 'pause', 'resume', 'cancel'];

/** consoleConfig is the page's view of the configuration; it carries no secret, so it is served without a key. */
export function consoleConfig(config: AppConfig): ConsoleConfig {
  return {
    temporalUiUrl: config.temporalUiUrl,
    temporalNamespace: config.temporalNamespace,
    campaignActionsFrom: Object.fromEntries(CAMPAIGN_ACTIONS.map((action) => [action, allowedFrom(action)])) as Record<
      CampaignAction,
      string[]
    >,
    senderKinds: transportCodeKindProfiles(),
    csvHeaderReadBytes: CSV_HEADER_READ_BYTES,
    agentReplyMaxLength: AGENT_REPLY_MAX_LENGTH,
  };
}

/** consoleRoutes serves the web console under /console (no key: the page signs in with the API key itself). */
export function consoleRoutes(config: AppConfig): Router {
  const router = Router();
  router.get('/', (_req, res) => res.redirect(302, '/console/'));
  router.get('/console/config.json', (_req, res) => {
    res.set('cache-control', 'no-store').json(consoleConfig(config));
  });
  // no-cache: a browser revalidates (cheap 304s) so an upgraded API never runs with yesterday's scripts.
  router.use(
    '/console',
    express.static(CONSOLE_DIR, { index: 'index.html', cacheControl: true, maxAge: 0, etag: true }),
  );
  router.use('/console/vendor', express.static(CHART_JS_DIR, { index: false, maxAge: 0, etag: true }));
  return router;
}
