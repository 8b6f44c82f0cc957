import { Router, type RequestHandler } from 'express';
import { messageCountsByState, openConversationCounts, unforwardedInboundCounts } from '../../db/metrics';
import { unroutedReplyCounts } from '../../db/unrouted-replies';
import { unroutedReason } from '../../replies/unrouted-replies';
import { skillQueueFigures } from '../../db/queue-summary';
import { SERVICE_LEVEL_TARGET, serviceLevel } from '../../replies/service-level';
import type { Db } from '../../db/schema';
import { requireBearerToken } from '../auth';
import {
  conversationsByStatus,
  inboundUnforwarded,
  messagesByState,
  metricsRegistry,
  repliesUnrouted,
  serviceLevelTarget,
  serviceLevelTargetSeconds,
  skillAgents,
  skillLongestWait,
  skillQueueLength,
  skillServiceLevel,
  webhookDuration,
} from '../../metrics/registry';

/**
 * refreshDatabaseGauges sets the gauges that are facts in the database (messages by state, the agents' queue, the
 * replies waiting to be forwarded, the replies that reached no agent).
 */
export async function refreshDatabaseGauges(db: Db): Promise<void> {
  const [messages, conversations, unforwarded, unrouted, queues] = await Promise.all([
    messageCountsByState(db),
    openConversationCounts(db),
    unforwardedInboundCounts(db),
    unroutedReplyCounts(db),
    skillQueueFigures(db, SERVICE_LEVEL_TARGET.seconds),
  ]);
  refreshQueueGauges(queues);
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

// The supervisor's figures per skill (issue 16), the same rows GET /queue answers.
function refreshQueueGauges(queues: Awaited<ReturnType<typeof skillQueueFigures>>): void {
  for (const gauge of [skillQueueLength, skillLongestWait, skillAgents, skillServiceLevel]) gauge.reset();
  serviceLevelTarget.set(SERVICE_LEVEL_TARGET.share);
  serviceLevelTargetSeconds.set(SERVICE_LEVEL_TARGET.seconds);
  for (const q of queues) {
    const skill = { business_unit_id: q.business_unit_id, skill_id: q.skill_id };
    skillQueueLength.set(skill, q.queued);
    skillLongestWait.set(skill, q.longest_wait_seconds ?? 0);
    for (const state of ['available', 'unavailable', 'offline'] as const)
      skillAgents.set({ ...skill, state }, q[state]);
    const measured = serviceLevel(q.accepted, q.within_service_level);
    if (measured !== null) skillServiceLevel.set(skill, measured);
  }
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

/** startWebhookTimer starts timing one carrier webhook; the returned function records it with its answer's status. */
export function startWebhookTimer(path: string): (status: number) => void {
  const end = webhookDuration.startTimer();
  // The last path segment names the webhook (inbound, status); anything else is grouped so labels stay few.
  const webhook = /\/twilio\/(inbound|status)$/.exec(path)?.[1] ?? 'other';
  return (status) => end({ webhook, status: String(status) });
}

/** observeWebhookDuration times every carrier webhook from arrival to the last byte of its answer. */
export function observeWebhookDuration(): RequestHandler {
  return (req, res, next) => {
    const done = startWebhookTimer(req.path);
    res.once('finish', () => done(res.statusCode));
    next();
  };
}
