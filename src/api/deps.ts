import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../config';
import type { Database } from '../db/schema';

/** ApiDeps are the connections every route is built from. */
export interface ApiDeps {
  db: Kysely<Database>;
  temporal: Client;
  config: AppConfig;
}
