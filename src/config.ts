import 'dotenv/config';
import { SIMULATOR_ACCOUNT_SID, SIMULATOR_AUTH_TOKEN, SIMULATOR_PORT } from './simulator/defaults';

/** The settings every process reads from its environment (names and defaults are the contract in API.md). */
export interface AppConfig {
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  port: number;
  publicUrl: string;
  adminToken: string | null;
  twilioApiUrl: string;
  twilioAccountSid: string;
  twilioAuthToken: string;
}

/** EMBEDDED_DATABASE_URL is where the all-in-one start puts its own PostgreSQL. */
export const EMBEDDED_DATABASE_URL = 'postgres://proactive_sms@127.0.0.1:54329/proactive_sms';

/** readConfig builds the configuration from an environment (process.env by default). */
export function readConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a TCP port number, got "${env.PORT}"`);
  }
  return {
    databaseUrl: env.DATABASE_URL || EMBEDDED_DATABASE_URL,
    temporalAddress: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'proactive-sms',
    port,
    publicUrl: (env.PUBLIC_URL || `http://127.0.0.1:${port}`).replace(/\/+$/, ''),
    adminToken: env.ADMIN_TOKEN || null,
    twilioApiUrl: (env.TWILIO_API_URL || `http://127.0.0.1:${env.SIM_PORT || SIMULATOR_PORT}`).replace(/\/+$/, ''),
    twilioAccountSid: env.TWILIO_ACCOUNT_SID || SIMULATOR_ACCOUNT_SID,
    twilioAuthToken: env.TWILIO_AUTH_TOKEN || SIMULATOR_AUTH_TOKEN,
  };
}
