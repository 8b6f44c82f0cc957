import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../config';
import type { Database } from '../db/schema';
import type { InboundForwarder } from '../replies/inbound-forwarder';

/** ApiDeps are the connections every route is built from. */
export interface ApiDeps {
  db: Kysely<Database>;
  temporal: Client;
  config: AppConfig;
  /** Takes what the inbound webhook stored and signals the contacts' conversation workflows. */
  inboundForwarder: Pick<InboundForwarder, 'forward' | 'leaseMs'>;
}
