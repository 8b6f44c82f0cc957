// What the API answers about templates, skills, campaigns, cadence events and conversations (see resources.ts).
import { z } from 'zod';
import { CAMPAIGN_STATUSES } from '../../campaigns/campaign-status';
import { CONVERSATION_STATUSES } from '../../replies/conversation-status';
import { named, nullableText, timestamp } from './resources';

const encoding = z.enum(['GSM-7', 'UCS-2']);

/** templateResponse is a saved template with its variables and measured size. */
export const templateResponse = named(
  'Template',
  z.looseObject({
    id: z.uuid(),
    name: z.string(),
    body: z.string(),
    direction: z.string(),
    smartEncoding: z.boolean(),
    variables: z.array(z.string()),
    encoding,
    segments: z.int(),
    createdAt: timestamp,
  }),
);

/** templatePreviewResponse is POST /templates/preview. */
export const templatePreviewResponse = named(
  'TemplatePreview',
  z.looseObject({ text: z.string(), encoding, segments: z.int(), characters: z.int(), variables: z.array(z.string()) }),
);

/** skillResponse is a skill with its cadence. */
export const skillResponse = named(
  'Skill',
  z.looseObject({
    id: z.uuid(),
    name: z.string(),
    kind: z.string(),
    replyHandling: z.boolean(),
    cadence: z.array(z.looseObject({ outcome: z.string(), templateId: z.uuid(), senderIds: z.array(z.uuid()) })),
    createdAt: timestamp,
  }),
);

const campaignStatus = z.enum(CAMPAIGN_STATUSES);
const count = z.int().min(0);

/** campaignResponse is a campaign with its recipient counts. */
export const campaignResponse = named(
  'Campaign',
  z.looseObject({
    id: z.uuid(),
    name: z.string(),
    status: campaignStatus,
    statusReason: nullableText,
    workflowId: z.string(),
    listId: z.uuid(),
    templateId: z.uuid().nullable(),
    message: nullableText,
    smartEncoding: z.boolean(),
    senderIds: z.array(z.uuid()),
    skillId: z.uuid().nullable(),
    dncGroupId: z.uuid().nullable(),
    startAt: timestamp.nullable(),
    quietHours: z.looseObject({ start: z.string(), end: z.string() }).nullable(),
    /** Seconds from the campaign's first start during which its messages are worth sending, or null. */
    validFor: z.int().min(1).nullable(),
    /** When its messages stop being worth sending, or null. */
    expiresAt: timestamp.nullable(),
    /** When it first went running (its workflow ran), or null: a draft, or cancelled before it ever started. */
    startedAt: timestamp.nullable(),
    counts: z.looseObject({
      total: count,
      pending: count,
      inDoubt: count,
      sent: count,
      delivered: count,
      failed: count,
      skippedDnc: count,
      skippedInvalid: count,
      optedOut: count,
      /** Not sent before the campaign's validity ran out. */
      expired: count,
      /** Accepted by the carrier (given a sid), whatever its receipt said since: delivered and most failed are parts of it. */
      accepted: count,
      /** Failed without the carrier accepting the send (it refused the number): part of failed, not of accepted. */
      refused: count,
      /** Failed recipients by the carrier's error code (a receipt's ErrorCode or the send's refusal), e.g. {"30007": 3}. */
      failedByCode: z.record(z.string(), count),
    }),
    createdAt: timestamp,
  }),
);

/** campaignActionResponse is the 202 of POST /campaigns/:id/start|pause|resume|cancel. */
export const campaignActionResponse = named('CampaignAction', z.looseObject({ id: z.uuid(), status: campaignStatus }));

/** cadenceAnswerResponse is the 202 of POST /cadence-events: an SMS on its way, or nothing and why. */
export const cadenceAnswerResponse = named(
  'CadenceAnswer',
  z.discriminatedUnion('action', [
    z.looseObject({ action: z.literal('none'), reason: z.string() }),
    z.looseObject({
      action: z.literal('sms'),
      to: z.string(),
      senderId: z.uuid(),
      workflowId: z.string(),
      duplicate: z.boolean(),
    }),
  ]),
);

const conversationFields = {
  id: z.uuid(),
  contact: z.string(),
  sender: z.string(),
  senderId: z.uuid(),
  campaignId: z.uuid().nullable(),
  status: z.enum(CONVERSATION_STATUSES),
  /** The agent it is offered or assigned to (issue 16's agents), and the skill whose queue it is in. */
  agentId: z.uuid().nullable(),
  skillId: z.uuid().nullable(),
  queuedAt: timestamp.nullable(),
  offerExpiresAt: timestamp.nullable(),
  dispositionId: z.uuid().nullable(),
  agent: nullableText,
  lastMessageAt: timestamp,
  createdAt: timestamp,
  closedAt: timestamp.nullable(),
  closedReason: nullableText,
  /** The contact's name from the campaign's calling list (a Name, or FirstName and LastName, column), or null. */
  contactName: nullableText,
  campaignName: nullableText,
  /** The campaign's message the contact is answering (its last one to them from this number), or null. */
  campaignMessage: z.looseObject({ body: z.string(), sentAt: timestamp }).nullable(),
};

/** conversationResponse is one conversation of the agents' queue. */
export const conversationResponse = named('Conversation', z.looseObject(conversationFields));

/** conversationThreadResponse is a conversation with its messages, oldest first. */
export const conversationThreadResponse = named(
  'ConversationThread',
  z.looseObject({
    ...conversationFields,
    messages: z.array(
      z.looseObject({
        id: z.string(),
        direction: z.enum(['inbound', 'outbound']),
        body: z.string(),
        agent: nullableText,
        messageSid: nullableText,
        state: nullableText,
        errorCode: nullableText,
        createdAt: timestamp,
      }),
    ),
  }),
);

/** unroutedReplyResponse is a reply that reached no agent, with the reason in a word and in a sentence. */
export const unroutedReplyResponse = named(
  'UnroutedReply',
  z.looseObject({
    messageSid: z.string(),
    from: z.string(),
    to: z.string(),
    body: z.string(),
    receivedAt: timestamp,
    reason: z.enum(['sms_channel_off', 'no_reply_handling']),
    explanation: z.string(),
    campaignId: z.uuid().nullable(),
    campaignName: nullableText,
    skillId: z.uuid().nullable(),
  }),
);

/** agentReplyResponse is the 202 of POST /conversations/:id/messages: the reply on its way. */
export const agentReplyResponse = named(
  'AgentReply',
  z.looseObject({
    id: z.string(),
    conversationId: z.uuid(),
    direction: z.literal('outbound'),
    body: nullableText,
    agent: nullableText,
    from: z.string(),
    state: z.string(),
    createdAt: timestamp,
  }),
);
