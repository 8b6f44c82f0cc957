import { Client, Connection } from '@temporalio/client';
import { readConfig } from '../config';
import { createDb } from '../db/connection';
import { log } from '../log';
import { conversationClientDeps } from '../replies/conversation-client';
import { startInboundForwarder } from '../replies/inbound-forwarder';
import { createApp } from './app';

// Entry point of `npm run api`.
async function main(): Promise<void> {
  const config = readConfig();
  const db = createDb(config.databaseUrl, 20);
  // Lazy: the API comes up (and /healthz says what is missing) even while Temporal is still starting.
  const connection = Connection.lazy({ address: config.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  const inboundForwarder = startInboundForwarder(conversationClientDeps({ db, temporal, config }));
  const app = createApp({ db, temporal, config, inboundForwarder });
  const server = app.listen(config.port, process.env.HOST ?? '0.0.0.0', () => {
    log.info({ port: config.port, publicUrl: config.publicUrl }, 'API listening');
  });
  // Longer than any carrier's or load balancer's idle timeout: a client must never reuse a connection the API has just
  // closed (Node's default is 5 s), which resets a webhook in flight.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('error', (error) => {
    console.error(`API could not listen on port ${config.port}: ${error.message}. Set PORT to a free port.`);
    process.exit(1);
  });
  const stop = () => {
    server.close(() => {
      void inboundForwarder
        .stop()
        .then(() => Promise.all([connection.close(), db.destroy()]))
        .finally(() => process.exit(0));
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(`API failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
