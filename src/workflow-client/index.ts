// The one room that talks to Temporal as a client: every workflow is started, signalled and queried from here, typed
// by its workflow function. The domain declares the narrow interface it needs (CampaignWorkflows,
// ConversationWorkflows, CadenceWorkflows) and receives it; nothing else under src/ imports @temporalio/client.
import { Client, Connection } from '@temporalio/client';
import type { CadenceWorkflows } from '../cadences/cadence-events';
import type { CampaignWorkflows } from '../campaigns/campaign-control';
import type { AppConfig } from '../config';
import type { ConversationWorkflows } from '../replies/conversation-workflows';
import { cadenceWorkflows } from './cadence-workflows';
import { campaignWorkflows } from './campaign-workflows';
import { conversationWorkflows } from './conversation-workflows';

export { campaignWorkflowId, conversationWorkflowId, cadenceWorkflowId } from '../../workflows/definitions';

/** WorkflowClient is every workflow the API and the scripts drive, plus a reachability check. */
export interface WorkflowClient {
  campaigns: CampaignWorkflows;
  conversations: ConversationWorkflows;
  cadences: CadenceWorkflows;
  /** ping resolves once the Temporal frontend answers (for /healthz). */
  ping(): Promise<void>;
  /** temporal is the SDK client itself, for drivers (tests, benchmarks) that inspect workflows. */
  readonly temporal: Client;
}

/** WorkflowClientSettings are the parts of the configuration the client side needs. */
export type WorkflowClientSettings = Pick<AppConfig, 'taskQueue' | 'conversationIdleMs' | 'campaign'>;

/** createWorkflowClient wraps a Temporal client in the interfaces the domain declares. */
export function createWorkflowClient(temporal: Client, settings: WorkflowClientSettings): WorkflowClient {
  return {
    campaigns: campaignWorkflows(temporal, settings.taskQueue, settings.campaign),
    conversations: conversationWorkflows(temporal, settings.taskQueue, settings.conversationIdleMs),
    cadences: cadenceWorkflows(temporal, settings.taskQueue),
    ping: async () => void (await temporal.workflowService.getSystemInfo({})),
    temporal,
  };
}

/**
 * connectWorkflowClient connects to the configured Temporal frontend. lazy: the connection is made on first use, so
 * an API comes up (and /healthz says what is missing) while Temporal is still starting.
 */
export async function connectWorkflowClient(
  config: Pick<AppConfig, 'temporalAddress' | 'temporalNamespace'> & WorkflowClientSettings,
  options: { lazy?: boolean } = {},
): Promise<{ client: WorkflowClient; close(): Promise<void> }> {
  const address = { address: config.temporalAddress };
  const connection = options.lazy ? Connection.lazy(address) : await Connection.connect(address);
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  return { client: createWorkflowClient(temporal, config), close: () => connection.close() };
}
