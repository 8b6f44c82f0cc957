// `npm start`: the whole system on one machine, in the foreground. PostgreSQL (unless DATABASE_URL is set) and the
// Temporal dev server (unless TEMPORAL_ADDRESS is set) run from .data/; then migrations, the carrier simulator
// (unless TWILIO_API_URL is set), the worker and the API. Ctrl-C or SIGTERM stops everything it started.
// `npm run start:cluster` (--cluster) is the production shape instead: a multi-node Temporal cluster on PostgreSQL
// (scripts/lib/local-temporal-cluster.ts), two workers and two APIs, with its data in .data/cluster/.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startLocalStack } from './lib/local-stack';

const CLUSTER = process.argv.includes('--cluster');

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ADMIN_TOKEN: process.env.ADMIN_TOKEN || randomBytes(18).toString('base64url'),
    METRICS_TOKEN: process.env.METRICS_TOKEN || randomBytes(18).toString('base64url'),
  };
  // The worker and the Temporal dev server run below the API's CPU priority (BACKGROUND_NICE): on one machine a reply
  // storm's handling must not take the CPU the carrier's webhooks are answered with.
  const started = Date.now();
  const stack = await startLocalStack({
    label: 'start',
    log: (line) => console.log(`[start] ${line}`),
    env,
    dataDir: path.join(__dirname, '..', '.data', ...(CLUSTER ? ['cluster'] : [])),
    // The cluster keeps its state in this PostgreSQL, so it never takes DATABASE_URL's or TEMPORAL_ADDRESS's.
    postgres: { port: 54329, durable: true, unlessEnvironment: !CLUSTER },
    temporal: {
      port: 7233,
      uiPort: 8233,
      background: true,
      unlessEnvironment: !CLUSTER,
      cluster: CLUSTER ? { ports: 'standard' } : undefined,
    },
    ports: 'configured',
    simulator: process.env.TWILIO_API_URL ? false : {},
    apis: { count: CLUSTER ? 2 : 1 },
    workers: { count: CLUSTER ? 2 : 1, background: true },
    showOutput: true,
    // The banner comes once everything answers, below what the processes printed while starting (the worker's
    // bundling), so the console's address and the admin token are the last lines on the screen. A process that dies
    // stops everything.
    waitUntilReady: true,
    signals: { exitCode: 0, onSignal: () => console.log('\n[start] stopping...') },
    onUnexpectedExit(proc, stopStack) {
      console.error(
        `[start] ${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}); stopping everything`,
      );
      console.log('\n[start] stopping...');
      void stopStack().finally(() => process.exit(1));
    },
  });
  const { config, cluster } = stack;
  const apis = stack.apis.map((api) => api.url).join(' and ');
  const temporal = cluster
    ? `${config.temporalAddress} (cluster: ${cluster.nodes.map((n) => n.name).join(', ')}; ${cluster.historyShards} ` +
      `history shards; ready ${((Date.now() - started) / 1000).toFixed(0)} s after the start)`
    : config.temporalAddress;
  console.log(`
[start] Proactive SMS is running:
  API            ${apis}   (health: ${config.publicUrl}/healthz)
  Temporal UI    http://127.0.0.1:8233
  Temporal       ${temporal}
  Carrier        ${config.twilioApiUrl}${process.env.TWILIO_API_URL ? '' : ' (bundled simulator)'}
  Metrics token  ${env.METRICS_TOKEN}   (curl -H 'Authorization: Bearer <it>' ${config.publicUrl}/metrics)
Create a business unit (the answer's apiKey signs in to the console):
  curl -X POST ${config.publicUrl}/v1/business-units -H 'Authorization: Bearer ${env.ADMIN_TOKEN}' -H 'Content-Type: application/json' -d '{"name":"My contact centre"}'
Then:
  Console        ${config.publicUrl}/console/
  Admin token    ${env.ADMIN_TOKEN}
Press Ctrl-C to stop everything.`);
}

main().catch((error: unknown) => {
  console.error(`[start] failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error(
    '[start] run `bash scripts/setup.sh` to install what is missing; set DATABASE_URL / TEMPORAL_ADDRESS to use servers of your own.',
  );
  process.exit(1);
});
