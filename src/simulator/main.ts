// `npm run sim`: the carrier simulator as its own process, configured from the environment.
import 'dotenv/config';
import { createServer } from 'node:http';
import { log } from '../log';
import { SIMULATOR_ACCOUNT_SID, SIMULATOR_AUTH_TOKEN, SIMULATOR_PORT } from './defaults';
import { createSimulator } from './simulator';

const env = process.env;
const port = parsePort(env.SIM_PORT, SIMULATOR_PORT, 'SIM_PORT');
const host = env.SIM_HOST || '127.0.0.1';
// Webhooks target the API, whose public URL defaults to its own PORT; signatures are computed on this exact URL.
const webhookUrl = env.PUBLIC_URL || `http://127.0.0.1:${env.PORT || 3000}`;
// Like Twilio by default: status callbacks on, Idempotency-Key ignored.
const autoDeliver = parseBoolean(env.SIM_AUTO_DELIVER, true, 'SIM_AUTO_DELIVER');
const honourIdempotencyKey = parseBoolean(env.SIM_HONOUR_IDEMPOTENCY_KEY, false, 'SIM_HONOUR_IDEMPOTENCY_KEY');
const sentDelayMs = parseMilliseconds(env.SIM_SENT_DELAY_MS, 'SIM_SENT_DELAY_MS');
const deliveryDelayMs = parseMilliseconds(env.SIM_DELIVERY_DELAY_MS, 'SIM_DELIVERY_DELAY_MS');

const simulator = createSimulator({
  accountSid: env.TWILIO_ACCOUNT_SID || SIMULATOR_ACCOUNT_SID,
  authToken: env.TWILIO_AUTH_TOKEN || SIMULATOR_AUTH_TOKEN,
  webhookUrl,
  autoDeliver,
  sentDelayMs,
  deliveryDelayMs,
  honourIdempotencyKey,
});

// A plain http server: Express 5's app.listen also calls its callback on error, which would log a false start.
const server = createServer(simulator.app);
server.listen(port, host, () => {
  log.info(
    { url: `http://${host}:${port}`, webhookUrl, autoDeliver, sentDelayMs, deliveryDelayMs, honourIdempotencyKey },
    `carrier simulator listening on http://${host}:${port}`,
  );
});
server.on('error', (err: NodeJS.ErrnoException) => {
  const hint = err.code === 'EADDRINUSE' ? ' (port already in use: stop the other process or set SIM_PORT)' : '';
  log.fatal({ err }, `carrier simulator cannot listen on ${host}:${port}: ${err.code ?? err.message}${hint}`);
  simulator.stop();
  process.exitCode = 1;
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'carrier simulator stopping');
    simulator.stop();
    server.close();
    server.closeAllConnections();
  });
}

function parsePort(value: string | undefined, fallback: number, name: string): number {
  if (!value) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) exitWith(`${name} must be a port number, got '${value}'`);
  return port;
}

function parseMilliseconds(value: string | undefined, name: string): number {
  if (!value) return 0;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0) exitWith(`${name} must be a number of milliseconds, got '${value}'`);
  return ms;
}

function parseBoolean(value: string | undefined, fallback: boolean, name: string): boolean {
  if (!value) return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  return exitWith(`${name} must be true or false, got '${value}'`);
}

function exitWith(message: string): never {
  log.fatal(message);
  process.exit(1);
}
