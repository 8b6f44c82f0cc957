import { Router, type RequestHandler } from 'express';
import { messageCountsByState, openConversationCounts, unforwardedInboundCounts } from '../../db/metrics';
import { unroutedReplyCounts } from '../../db/unrouted-replies';
import { unroutedReason } from '../../replies/unrouted-replies';
import type { Db } from '../../db/schema';
import { requireBearerToken } from '../auth';
import {
  conversationsByStatus,
  inboundUnforwarded,
  messagesByState,
  metricsRegistry,
  repliesUnrouted,
  webhookDuration,
} from '../../metrics/registry';

/**
 * refreshDatabaseGauges sets the gauges that are facts in the database (messages by state, the agents' queue, the
 * replies waiting to be forwarded, the replies that reached no agent).
 */
export async function refreshDatabaseGauges(db: Db): Promise<void> {
  const [messages, conversations, unforwarded, unrouted] = await Promise.all([
    messageCountsByState(db),
    openConversationCounts(db),
    unforwardedInboundCounts(db),
    unroutedReplyCounts(db),
  ]);
  // Reset first: a state that no message is in any more must drop to absent, not keep its last value.
  messagesByState.reset();
  for (const row of messages)
    messagesByState.set({ business_unit_id: row.business_unit_id, kind: row.kind, state: row.state }, row.n);
  conversationsByStatus.reset();
  for (const row of conversations)
    conversationsByStatus.set({ business_unit_id: row.business_unit_id, status: row.status }, row.n);
  inboundUnforwarded.reset();
  for (const row of unforwarded) inboundUnforwarded.set({ business_unit_id: row.business_unit_id }, row.n);
  repliesUnrouted.reset();
  for (const row of unrouted)
    repliesUnrouted.set(
      { business_unit_id: row.business_unit_id, reason: unroutedReason(row.outcome) ?? row.outcome },
      row.n,
    );
}

/**
 * metricsRoutes is GET /metrics in Prometheus' text format, for the bearer of METRICS_TOKEN only: its samples are
 * labelled with business unit ids and count every tenant's messages.
 */
export function metricsRoutes(db: Db, metricsToken: string | null): Router {
  const router = Router();
  router.get('/metrics', requireBearerToken(metricsToken, 'METRICS_TOKEN'), async (_req, res) => {
    await refreshDatabaseGauges(db);
    res.set('content-type', metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  return router;
}

/** observeWebhookDuration times every carrier webhook from arrival to the last byte of its answer. */
export function observeWebhookDuration(): RequestHandler {
  return (req, res, next) => {
    const end = webhookDuration.startTimer();
    res.once('finish', () => {
      // The last path segment names the webhook (inbound, status); anything else is grouped so labels stay few.
      const webhook = /\/twilio\/(inbound|status)$/.exec(req.path)?.[1] ?? 'other';
      end({ webhook, status: String(res.statusCode) });
    });
    next();
  };
}
