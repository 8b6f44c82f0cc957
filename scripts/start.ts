// `npm start`: the whole system on one machine, in the foreground. PostgreSQL (unless DATABASE_URL is set) and the
// Temporal dev server (unless TEMPORAL_ADDRESS is set) run from .data/; then migrations, the carrier simulator
// (unless TWILIO_API_URL is set), the worker and the API. Ctrl-C or SIGTERM stops everything it started.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startLocalStack } from './lib/local-stack';

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ADMIN_TOKEN: process.env.ADMIN_TOKEN || randomBytes(18).toString('base64url'),
    METRICS_TOKEN: process.env.METRICS_TOKEN || randomBytes(18).toString('base64url'),
  };
  // The worker and the Temporal dev server run below the API's CPU priority (BACKGROUND_NICE): on one machine a reply
  // storm's handling must not take the CPU the carrier's webhooks are answered with.
  const stack = await startLocalStack({
    label: 'start',
    log: (line) => console.log(`[start] ${line}`),
    env,
    dataDir: path.join(__dirname, '..', '.data'),
    postgres: { port: 54329, durable: true, unlessEnvironment: true },
    temporal: { port: 7233, uiPort: 8233, background: true, unlessEnvironment: true },
    ports: 'configured',
    simulator: process.env.TWILIO_API_URL ? false : {},
    apis: { count: 1 },
    workers: { count: 1, background: true },
    showOutput: true,
    // The banner comes at once; what each process prints follows, and a process that dies stops everything.
    waitUntilReady: false,
    signals: { exitCode: 0, onSignal: () => console.log('\n[start] stopping...') },
    onUnexpectedExit(proc, stopStack) {
      console.error(
        `[start] ${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}); stopping everything`,
      );
      console.log('\n[start] stopping...');
      void stopStack().finally(() => process.exit(1));
    },
  });
  const { config } = stack;
  console.log(`
[start] Proactive SMS is starting:
  API            ${config.publicUrl}   (health: ${config.publicUrl}/healthz)
  Temporal UI    http://127.0.0.1:8233
  Temporal       ${config.temporalAddress}
  Carrier        ${config.twilioApiUrl}${process.env.TWILIO_API_URL ? '' : ' (bundled simulator)'}
  Admin token    ${env.ADMIN_TOKEN}
  Metrics token  ${env.METRICS_TOKEN}   (curl -H 'Authorization: Bearer <it>' ${config.publicUrl}/metrics)
Create a business unit:
  curl -X POST ${config.publicUrl}/v1/business-units -H 'Authorization: Bearer ${env.ADMIN_TOKEN}' -H 'Content-Type: application/json' -d '{"name":"My contact centre"}'
Press Ctrl-C to stop everything.`);
}

main().catch((error: unknown) => {
  console.error(`[start] failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error(
    '[start] run `bash scripts/setup.sh` to install what is missing; set DATABASE_URL / TEMPORAL_ADDRESS to use servers of your own.',
  );
  process.exit(1);
});
