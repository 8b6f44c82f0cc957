// What bench:reports and bench:routing both start with: their own PostgreSQL (or DATABASE_URL) and API processes (no
// Temporal: neither runs a workflow), a pool for the launcher's own writes and checks, and a business unit made through
// the API with the admin token, whose key the benchmark then uses.
import { randomBytes } from 'node:crypto';
import { ProactiveSmsClient } from '../../src/api-client';
import type { BusinessUnitCreated } from '../../src/api-client/types';
import { createDb } from '../../src/db/connection';
import type { Db } from '../../src/db/schema';
import { LocalStack, startLocalStack } from './local-stack';

/** BenchUnit is a running stack and the business unit a benchmark measures; stop() ends both pool and stack. */
export interface BenchUnit {
  stack: LocalStack;
  db: Db;
  /** The API processes' base URLs, in start order. */
  urls: string[];
  unit: BusinessUnitCreated;
  /** The first API process, with the unit's key. */
  client: ProactiveSmsClient;
  stop(): Promise<void>;
}

/** startBenchUnit starts `apis` API processes on a throwaway PostgreSQL and makes a business unit named after label. */
export async function startBenchUnit(options: { label: string; apis: number; poolSize: number }): Promise<BenchUnit> {
  const adminToken = randomBytes(18).toString('base64url');
  const stack = await startLocalStack({
    label: options.label,
    log: (line) => console.log(`[bench] ${line}`),
    env: { ...process.env, ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn' },
    postgres: { durable: false, unlessEnvironment: true },
    temporal: 'none',
    apis: { count: options.apis },
    signals: { exitCode: 130 },
  });
  const db = createDb(stack.config.databaseUrl, options.poolSize);
  const stop = async () => {
    await db.destroy();
    await stack.stop();
  };
  try {
    const urls = stack.apis.map((a) => a.url);
    const admin = new ProactiveSmsClient(urls[0], adminToken);
    const unit = await admin.createBusinessUnit({
      name: `${options.label.replace('-', ' ')} ${new Date().toISOString()}`,
    });
    return { stack, db, urls, unit, client: admin.withKey(unit.apiKey), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
