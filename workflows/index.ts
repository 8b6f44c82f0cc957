// Every workflow the worker runs.
export { sendCampaignWorkflow } from './send-campaign';
export type { CampaignWorkflowInput } from './send-campaign';
