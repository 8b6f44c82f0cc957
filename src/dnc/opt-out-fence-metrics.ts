import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '../metrics/registry';

/** optOutFenceAcks measures how long after a fence was announced each listening worker acked it. */
export const optOutFenceAcks = new Histogram({
  name: 'sms_opt_out_fence_ack_seconds',
  help: "Time from an opt-out fence's announcement to each sending worker's ack (the opt-out's webhook waits for all)",
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  registers: [metricsRegistry],
});

/** optOutFenceUnacked counts workers that had not acked a fence by its bound (the opt-out was answered anyway). */
export const optOutFenceUnacked = new Counter({
  name: 'sms_opt_out_fence_unacked_total',
  help: 'Sending workers that had not acked an opt-out fence by its bound: the webhook was answered without them',
  registers: [metricsRegistry],
});
