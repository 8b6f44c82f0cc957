// What the inbound benchmarks share: a carrier's keep-alive connections to the webhook, and reading percentiles.
import http from 'node:http';

// A carrier keeps only so many webhooks open at once; past this the benchmark would measure its own queue.
export const MAX_IN_FLIGHT = 256;

// node:http with a keep-alive pool, not fetch: the client shares the machine's two cores with the system it measures,
// and fetch costs it several times the CPU per request.
const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });

/**
 * postForm posts a form-encoded body and resolves with the status once the whole answer has arrived; with timeoutMs,
 * it fails when the answer has not begun by then.
 */
export function postForm(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs?: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers, timeout: timeoutMs }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.once('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.end(body);
  });
}

/** percentile reads the p-th percentile (0..100) of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
