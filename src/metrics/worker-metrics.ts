import http from 'node:http';
import net from 'node:net';
import { Runtime } from '@temporalio/worker';
import { secretsEqual } from '../auth/api-keys';
import { log } from '../log';
import { metricsRegistry } from './registry';

/** WorkerMetrics is the worker's scrape endpoint: its own counters and the Temporal SDK's, on one port. */
export interface WorkerMetrics {
  port: number;
  close(): Promise<void>;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * installTemporalMetrics makes the Temporal SDK export its worker metrics (task latencies, slots, polls) in
 * Prometheus format on a loopback port, and returns that port. It must run before any connection to Temporal.
 */
export async function installTemporalMetrics(): Promise<number> {
  const port = await freeLoopbackPort();
  Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } } } });
  return port;
}

async function temporalMetricsText(temporalPort: number | null): Promise<string> {
  if (temporalPort === null) return '';
  try {
    const res = await fetch(`http://127.0.0.1:${temporalPort}/metrics`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.text() : '';
  } catch (error) {
    // A scrape still gets the application's own metrics when the SDK's exporter is not answering.
    log.warn({ err: error }, 'Temporal SDK metrics unavailable');
    return '';
  }
}

/**
 * serveWorkerMetrics answers GET /metrics on `port` with this process's counters followed by the SDK's metrics, to
 * the bearer of `token` (METRICS_TOKEN, as the API's /metrics) only; with no token it refuses every scrape.
 */
export function serveWorkerMetrics(
  port: number,
  temporalPort: number | null,
  token: string | null,
): Promise<WorkerMetrics> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end('GET /metrics\n');
      return;
    }
    if (!token) {
      res.writeHead(403).end('metrics are disabled: set METRICS_TOKEN on the worker\n');
      return;
    }
    const given = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (!given || !secretsEqual(given, token)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end('send Authorization: Bearer <METRICS_TOKEN>\n');
      return;
    }
    Promise.all([metricsRegistry.metrics(), temporalMetricsText(temporalPort)]).then(
      ([own, temporal]) =>
        res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(`${own}\n${temporal}`),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new Error(
          `worker metrics could not listen on port ${port}: ${error.message}; set WORKER_METRICS_PORT to a free port`,
        ),
      ),
    );
    server.listen(port, process.env.HOST ?? '0.0.0.0', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
