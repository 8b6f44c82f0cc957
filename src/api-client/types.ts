// What the client sends and receives, typed from the schemas the API itself validates with (src/api/schemas.ts) and
// publishes its answers with (src/api/openapi/): a field the API renames fails the type-check of every caller.
import type { z } from 'zod';
import type * as answers from '../api/openapi/resources';
import type * as sendingAnswers from '../api/openapi/sending-resources';
import type * as requests from '../api/schemas';

/** CreateBusinessUnit is the body of POST /v1/business-units. */
export type CreateBusinessUnit = z.input<typeof requests.createBusinessUnitSchema>;
/** CreateSender is the body of POST /v1/senders. */
export type CreateSender = z.input<typeof requests.createSenderSchema>;
/** UpdateSender is the body of PATCH /v1/senders/:id. */
export type UpdateSender = z.input<typeof requests.updateSenderSchema>;
/** UpdateSettings is the body of PATCH /v1/settings. */
export type UpdateSettings = z.input<typeof requests.updateSettingsSchema>;
/** CreateDncGroup is the body of POST /v1/dnc-groups. */
export type CreateDncGroup = z.input<typeof requests.createDncGroupSchema>;
/** CallingListColumns is the query of POST /v1/calling-lists: the list's name and which columns hold what. */
export type CallingListColumns = z.input<typeof requests.callingListQuerySchema>;
/** CreateTemplate is the body of POST /v1/templates. */
export type CreateTemplate = z.input<typeof requests.createTemplateSchema>;
/** PreviewTemplate is the body of POST /v1/templates/preview. */
export type PreviewTemplate = z.input<typeof requests.previewTemplateSchema>;
/** CreateSkill is the body of POST /v1/skills. */
export type CreateSkill = z.input<typeof requests.createSkillSchema>;
/** CreateCampaign is the body of POST /v1/campaigns. */
export type CreateCampaign = z.input<typeof requests.createCampaignSchema>;
/** CampaignAction is what POST /v1/campaigns/:id/:action asks for. */
export type CampaignAction = z.input<typeof requests.campaignActionSchema>;
/** CadenceEvent is the body of POST /v1/cadence-events. */
export type CadenceEvent = z.input<typeof requests.cadenceEventSchema>;
/** ConversationQuery is the query of GET /v1/conversations. */
export type ConversationQuery = z.input<typeof requests.conversationListQuerySchema>;
/** AssignConversation is the body of POST /v1/conversations/:id/assign. */
export type AssignConversation = z.input<typeof requests.assignConversationSchema>;
/** AgentReply is the body of POST /v1/conversations/:id/messages. */
export type AgentReply = z.input<typeof requests.agentReplySchema>;

/** BusinessUnitCreated answers POST /v1/business-units: the only answer that carries the key. */
export type BusinessUnitCreated = z.output<typeof answers.businessUnitCreated>;
/** Settings answers GET and PATCH /v1/settings. */
export type Settings = z.output<typeof answers.settingsResponse>;
/** Sender is one sender. */
export type Sender = z.output<typeof answers.senderResponse>;
/** DncGroup is one DNC group. */
export type DncGroup = z.output<typeof answers.dncGroupResponse>;
/** DncEntry is a phone on a DNC group with its audit. */
export type DncEntry = z.output<typeof answers.dncEntryResponse>;
/** CallingList is an imported calling list with its first rejected rows. */
export type CallingList = z.output<typeof answers.callingListResponse>;
/** Health answers GET /healthz. */
export type Health = z.output<typeof answers.healthResponse>;
/** Template is a saved template. */
export type Template = z.output<typeof sendingAnswers.templateResponse>;
/** TemplatePreview answers POST /v1/templates/preview. */
export type TemplatePreview = z.output<typeof sendingAnswers.templatePreviewResponse>;
/** Skill is a skill with its cadence. */
export type Skill = z.output<typeof sendingAnswers.skillResponse>;
/** Campaign is a campaign with its recipient counts. */
export type Campaign = z.output<typeof sendingAnswers.campaignResponse>;
/** CampaignActionAnswer answers POST /v1/campaigns/:id/:action. */
export type CampaignActionAnswer = z.output<typeof sendingAnswers.campaignActionResponse>;
/** CadenceAnswer answers POST /v1/cadence-events. */
export type CadenceAnswer = z.output<typeof sendingAnswers.cadenceAnswerResponse>;
/** UnroutedReplyQuery is the query of GET /v1/unrouted-replies. */
export type UnroutedReplyQuery = z.input<typeof requests.unroutedReplyQuerySchema>;
/** UnroutedReply is a reply that reached no agent, and why. */
export type UnroutedReply = z.output<typeof sendingAnswers.unroutedReplyResponse>;
/** Conversation is one conversation of the agents' queue. */
export type Conversation = z.output<typeof sendingAnswers.conversationResponse>;
/** ConversationThread is a conversation with its messages, oldest first. */
export type ConversationThread = z.output<typeof sendingAnswers.conversationThreadResponse>;
/** AgentReplyAnswer answers POST /v1/conversations/:id/messages. */
export type AgentReplyAnswer = z.output<typeof sendingAnswers.agentReplyResponse>;
