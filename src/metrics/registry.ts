import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

// One registry per process: the API serves it at /metrics, the worker on WORKER_METRICS_PORT. Names follow
// Prometheus conventions (base units, _total for counters) so dashboards need no translation.

/** metricsRegistry holds every application metric of this process. */
export const metricsRegistry = new Registry();
// The runtime's own (CPU, memory, event-loop delay, GC): a webhook answered late because the process was stalled shows
// there, not in the handlers' timings.
collectDefaultMetrics({ register: metricsRegistry });

/** carrierSends counts every send attempt that got an answer from the carrier, by sender address and outcome. */
export const carrierSends = new Counter({
  name: 'sms_carrier_sends_total',
  help: 'SMS send attempts answered by the carrier, by sender address and outcome (accepted, opted_out, rejected)',
  labelNames: ['sender', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** carrierErrors counts carrier failures by kind: transient ones (retried) and permanent refusals. */
export const carrierErrors = new Counter({
  name: 'sms_carrier_errors_total',
  help: 'Carrier errors by kind: throttled, unavailable, timeout, unreachable (retried) or invalid_number, opted_out, rejected',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

/** webhookDuration measures how long the API takes to answer a carrier webhook (the carrier's patience is short). */
export const webhookDuration = new Histogram({
  name: 'sms_webhook_duration_seconds',
  help: 'Time to answer a carrier webhook, by webhook (inbound, status) and HTTP status',
  labelNames: ['webhook', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

/** messagesByState is read from the database at scrape time, so every API replica reports the same totals. */
export const messagesByState = new Gauge({
  name: 'sms_messages',
  help: 'Outbound messages by business unit, kind (campaign, agent, confirmation, cadence) and state',
  labelNames: ['business_unit_id', 'kind', 'state'] as const,
  registers: [metricsRegistry],
});

/** conversationsByStatus is the agents' queue (queued) and work in hand (assigned), read at scrape time. */
export const conversationsByStatus = new Gauge({
  name: 'sms_conversations',
  help: 'Open conversations by business unit and status; status="queued" is the agents\' queue length',
  labelNames: ['business_unit_id', 'status'] as const,
  registers: [metricsRegistry],
});

/** inboundUnforwarded is the replies stored but not yet handed to Temporal: it grows while Temporal is away. */
export const inboundUnforwarded = new Gauge({
  name: 'sms_inbound_unforwarded',
  help: 'Inbound replies stored but not yet signalled to their conversation workflow, by business unit',
  labelNames: ['business_unit_id'] as const,
  registers: [metricsRegistry],
});

/** repliesUnrouted is the replies that reached no agent (no SMS channel, or no skill with reply handling), by reason. */
export const repliesUnrouted = new Gauge({
  name: 'sms_replies_unrouted',
  help: 'Inbound replies (not keywords) that reached no agent, by business unit and reason',
  labelNames: ['business_unit_id', 'reason'] as const,
  registers: [metricsRegistry],
});

const skillLabels = ['business_unit_id', 'skill_id'] as const;

/** skillQueueLength is the conversations waiting in each skill's queue (not yet offered). */
export const skillQueueLength = new Gauge({
  name: 'acd_queue_length',
  help: 'Conversations queued on a skill, not yet offered to an agent',
  labelNames: skillLabels,
  registers: [metricsRegistry],
});

/** skillLongestWait is how long the oldest conversation not yet accepted has waited, per skill. */
export const skillLongestWait = new Gauge({
  name: 'acd_longest_wait_seconds',
  help: 'Seconds the oldest conversation queued or offered on a skill has waited',
  labelNames: skillLabels,
  registers: [metricsRegistry],
});

/** skillAgents is the agents having a skill, by state. */
export const skillAgents = new Gauge({
  name: 'acd_agents',
  help: 'Agents having a skill, by state (available, unavailable, offline)',
  labelNames: [...skillLabels, 'state'] as const,
  registers: [metricsRegistry],
});

/** skillServiceLevel is the share accepted within the target's seconds, and the target beside it. */
export const skillServiceLevel = new Gauge({
  name: 'acd_service_level_ratio',
  help: 'Share of the conversations queued in the last 24 h and accepted that were accepted within the target seconds',
  labelNames: skillLabels,
  registers: [metricsRegistry],
});

/** serviceLevelTarget is the service level aimed at (80 % within 20 s). */
export const serviceLevelTarget = new Gauge({
  name: 'acd_service_level_target_ratio',
  help: 'The service level aimed at: this share accepted within acd_service_level_target_seconds',
  registers: [metricsRegistry],
});

/** serviceLevelTargetSeconds is the limit the service level is measured against. */
export const serviceLevelTargetSeconds = new Gauge({
  name: 'acd_service_level_target_seconds',
  help: 'A conversation accepted within this many seconds of being queued counts towards the service level',
  registers: [metricsRegistry],
});
