import type { AppConfig } from '../config';
import type { Db } from '../db/schema';
import type { OptOutFence } from '../dnc/opt-out-fence';
import type { AgentEventHub } from '../replies/agent-event-hub';
import type { InboundForwarder } from '../replies/inbound-forwarder';
import type { WorkflowClient } from '../workflow-client';

/** ApiDeps are the connections every route is built from. */
export interface ApiDeps {
  db: Db;
  /** Every workflow the API starts or signals, behind the interfaces the domain declares. */
  workflows: WorkflowClient;
  config: AppConfig;
  /** Takes what the inbound webhook stored and signals the contacts' conversation workflows. */
  inboundForwarder: Pick<InboundForwarder, 'forward' | 'leaseMs'>;
  /** Holds an opt-out's answer until the sending workers have heard it; absent: answered once stored. */
  optOutFence?: Pick<OptOutFence, 'raiseWithin'>;
  /** The agents' live events this process streams (GET /v1/events); absent: none are streamed. */
  agentEvents?: AgentEventHub;
}
