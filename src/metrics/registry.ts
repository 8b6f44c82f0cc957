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
