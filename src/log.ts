import pino, { Logger } from 'pino';
import { phoneSerializers } from './phones/mask-phone';

/** log is the process-wide structured JSON logger; LOG_LEVEL tunes it (default info, silent in tests). */
export const log: Logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info'),
  base: { service: process.env.SERVICE_NAME ?? 'proactive-sms' },
  // Phone numbers are masked unless the level is debug or more verbose (where whole numbers help troubleshooting).
  serializers: { ...phoneSerializers((): boolean => log.isLevelEnabled('debug')), err: pino.stdSerializers.err },
  redact: {
    paths: [
      'apiKey',
      '*.apiKey',
      'authorization',
      '*.authorization',
      'authToken',
      '*.authToken',
      'password',
      '*.password',
    ],
    censor: '[redacted]',
  },
});
