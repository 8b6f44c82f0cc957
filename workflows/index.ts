// Every workflow the worker runs.
export { sendCampaignWorkflow } from './send-campaign';
export type { CampaignWorkflowInput } from './send-campaign';
export { handleConversationWorkflow } from './handle-conversation';
export type { ConversationWorkflowInput } from './handle-conversation';
export { sendCadenceStepWorkflow } from './send-cadence-step';
export type { CadenceStepResult } from './send-cadence-step';
