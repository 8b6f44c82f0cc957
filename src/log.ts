import pino from 'pino';

/** log is the process-wide structured JSON logger; LOG_LEVEL tunes it (default info, silent in tests). */
export const log = pino({
  level: process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info'),
  base: { service: process.env.SERVICE_NAME ?? 'proactive-sms' },
  redact: { paths: ['apiKey', '*.apiKey', 'authorization', '*.authorization', 'authToken', '*.authToken'], censor: '[redacted]' },
});
