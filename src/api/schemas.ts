import { z } from 'zod';
import { MAX_VALIDITY_SECONDS } from '../campaigns/validity';
import { CONVERSATION_STATUSES } from '../replies/conversation-status';
import { isTimeZone } from '../reports/report-period';
import { TRANSPORT_CODE_KINDS } from '../senders/transport-codes';

// Request schemas: they validate input and (issue: OpenAPI) are the single source of the published contract.

const uuid = z.uuid();
const name = z.string().trim().min(1).max(200);
// HH:MM as in the contract; optional :SS lets short windows be tested without waiting minutes.
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'expected a time as HH:MM (or HH:MM:SS)');
const confirmationText = z.string().trim().min(1).max(1600).nullable();

/** createBusinessUnitSchema is POST /business-units. */
export const createBusinessUnitSchema = z.object({ name });

/** createSenderSchema is POST /senders. */
export const createSenderSchema = z.object({
  kind: z.enum(['long_code', 'short_code', 'toll_free', 'alphanumeric']),
  address: z.string().trim().min(1).max(32),
  mps: z.number().int().min(1).max(10_000).optional(),
  status: z.enum(['active', 'provisioning', 'suspended']).optional(),
  carrierId: uuid.optional().describe("the business unit's carrier to send through; absent: the environment's Twilio"),
});

/** updateSenderSchema is PATCH /senders/:id. */
export const updateSenderSchema = z.object({
  mps: z.number().int().min(1).max(10_000).optional(),
  status: z.enum(['active', 'provisioning', 'suspended']).optional(),
  optOutText: confirmationText.optional(),
  optInText: confirmationText.optional(),
  helpText: confirmationText.optional(),
  carrierId: uuid.nullable().optional().describe("null: back to the environment's Twilio carrier"),
});

/** updateSettingsSchema is PATCH /settings. */
export const updateSettingsSchema = z.object({
  smsChannel: z.boolean().optional(),
  optOutText: confirmationText.optional(),
  optInText: confirmationText.optional(),
  helpText: confirmationText.optional(),
  /** The deliverability guard: the share (0..1) of a sender's last receipts that may say 30007 or 30034. */
  deliverabilityShare: z.number().gt(0).max(1).optional(),
  deliverabilityWindow: z.number().int().min(10).max(10_000).optional(),
  /** The IANA time zone reports count days and hours in. */
  timeZone: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .refine(isTimeZone, 'expected an IANA time zone such as Europe/Paris')
    .optional(),
  /** The estimated price of one segment per sender kind, for reports' estimated cost. */
  segmentPrices: z
    .partialRecord(z.enum(TRANSPORT_CODE_KINDS as [string, ...string[]]), z.number().min(0).max(100))
    .optional(),
  /** A conversation accepted within this many seconds counts towards the service level. */
  serviceLevelSeconds: z.number().int().min(1).max(86_400).optional(),
  /** How long an agent has to accept an offer before it goes to the next agent (default 30). */
  offerTimeoutSeconds: z.number().int().min(1).max(3600).optional(),
  /** An agent whose inbox sent no heartbeat for this long goes offline (default 90). */
  agentOfflineSeconds: z.number().int().min(5).max(86_400).optional(),
});

/** createDncGroupSchema is POST /dnc-groups. */
export const createDncGroupSchema = z.object({ name });

/** callingListQuerySchema is the query of POST /calling-lists. */
export const callingListQuerySchema = z.object({
  name,
  phoneField: z.string().trim().min(1),
  mobileField: z.string().trim().min(1).optional(),
  timezoneField: z.string().trim().min(1).optional(),
  region: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'expected a two-letter country code such as US')
    .transform((r) => r.toUpperCase())
    .default('US'),
});

/** directionSchema is a template's text direction. */
export const directionSchema = z.enum(['ltr', 'rtl', 'auto']);

/** createTemplateSchema is POST /templates. */
export const createTemplateSchema = z.object({
  name,
  body: z.string().min(1).max(5000),
  direction: directionSchema.default('auto'),
  smartEncoding: z.boolean().default(false),
});

/** previewTemplateSchema is POST /templates/preview. */
export const previewTemplateSchema = z.object({
  body: z.string().min(1).max(5000),
  fields: z.record(z.string(), z.string()).default({}),
  direction: directionSchema.default('auto'),
  smartEncoding: z.boolean().default(false),
  /** A variable that `fields` does not mention is merged as its own name instead of refused (an editor's sample). */
  absentAsName: z.boolean().default(false),
  /** The body is text sent as written (an agent's reply): braces are not variables and no template limit applies. */
  literal: z.boolean().default(false),
});

// A person reads this message in the console next to the form's Senders box.
const senderIdsSchema = z.array(uuid).min(1, 'choose at least one sender');

/** createSkillSchema is POST /skills. */
export const createSkillSchema = z.object({
  name,
  kind: z.enum(['agentless', 'agent']),
  replyHandling: z.boolean(),
  cadence: z
    .array(z.object({ outcome: z.literal('answering_machine'), templateId: uuid, senderIds: senderIdsSchema }))
    .default([]),
});

/** createCampaignSchema is POST /campaigns: exactly one of templateId and message. */
export const createCampaignSchema = z
  .object({
    name,
    listId: uuid,
    templateId: uuid.optional(),
    message: z.string().min(1, 'is empty').max(5000).optional(),
    direction: directionSchema.optional(),
    smartEncoding: z.boolean().optional(),
    senderIds: senderIdsSchema,
    skillId: uuid.optional(),
    dncGroupId: uuid.optional(),
    startAt: z.iso.datetime({ offset: true }).optional(),
    quietHours: z.object({ start: hhmm, end: hhmm }).optional(),
    /** Seconds from the campaign's start during which its messages are worth sending (Twilio's ValidityPeriod). */
    validFor: z.number().int().min(1).max(MAX_VALIDITY_SECONDS).optional(),
    /** When the campaign's messages stop being worth sending. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((c) => (c.templateId === undefined) !== (c.message === undefined), {
    message: 'give exactly one of templateId and message',
    path: ['templateId'],
  })
  .refine((c) => c.validFor === undefined || c.expiresAt === undefined, {
    message: 'give at most one of validFor and expiresAt',
    path: ['validFor'],
  });

/** cadenceEventSchema is POST /cadence-events: a call outcome for the record at a 1-based row of a calling list. */
export const cadenceEventSchema = z.object({
  skillId: uuid,
  listId: uuid,
  row: z.number().int().min(1),
  outcome: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'expected a call outcome such as answering_machine'),
});

/** campaignActionSchema is the :action of POST /campaigns/:id/:action. */
export const campaignActionSchema = z.enum(['start', 'pause', 'resume', 'cancel']);

/** idParamSchema checks an :id path parameter. */
export const idParamSchema = z.object({ id: uuid });

/** campaignActionParamsSchema is the path of POST /campaigns/:id/:action. */
export const campaignActionParamsSchema = idParamSchema.extend({ action: campaignActionSchema });

/** dncEntryParamsSchema is the path of /dnc-groups/:id/entries/:phone (the phone is normalised by the route). */
export const dncEntryParamsSchema = z.object({ id: uuid, phone: z.string().min(1) });

/** conversationListQuerySchema is the query of GET /conversations. */
export const conversationListQuerySchema = z.object({
  status: z.enum(CONVERSATION_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** unroutedReplyQuerySchema is the query of GET /unrouted-replies. */
export const unroutedReplyQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

/** assignConversationSchema is POST /conversations/:id/assign. */
export const assignConversationSchema = z.object({ agent: name });

/** AGENT_REPLY_MAX_LENGTH is the longest reply an agent may send, in characters (the carrier's limit for one text). */
export const AGENT_REPLY_MAX_LENGTH = 1600;

/** agentReplySchema is POST /conversations/:id/messages: the agent defaults to the one the conversation is assigned to. */
export const agentReplySchema = z.object({
  body: z
    .string()
    .max(AGENT_REPLY_MAX_LENGTH)
    .refine((body) => body.trim().length > 0, 'must contain some text'),
  agent: name.optional(),
});

// Carrier webhooks are form-encoded and signed; Twilio posts many more fields than these, and they are let through.

/** inboundWebhookSchema is the form of POST /webhooks/twilio/inbound. */
export const inboundWebhookSchema = z.looseObject({
  MessageSid: z.string().min(1),
  AccountSid: z.string().optional(),
  From: z.string().min(1),
  To: z.string().min(1),
  // PostgreSQL text cannot hold NUL, and in an SMS it carries nothing: the message is kept without it, where a 400
  // (parseInput refuses NUL elsewhere) would lose a customer's reply, perhaps a STOP.
  Body: z
    .string()
    .default('')
    .transform((body) => body.replaceAll('\0', '')),
});

/** statusCallbackQuerySchema is the query string we put on each message's StatusCallback URL: our message id. */
export const statusCallbackQuerySchema = z.looseObject({
  messageId: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
});

/** statusWebhookSchema is the form of POST /webhooks/twilio/status (MessageStatus: queued|sent|delivered|undelivered|failed). */
export const statusWebhookSchema = z.looseObject({
  MessageSid: z.string().min(1),
  MessageStatus: z.string().min(1),
  ErrorCode: z.string().optional(),
});

/** createSkillGroupSchema is POST /skill-groups: a reporting group of skills (a skill may be in several). */
export const createSkillGroupSchema = z.object({ name, skillIds: z.array(uuid).max(1000) });

const reportPeriodQuery = {
  /** A date (YYYY-MM-DD, in the business unit's time zone) or an ISO 8601 date-time; default: 6 days before `to`. */
  from: z.string().max(40).optional(),
  /** A date (that whole day included) or a date-time (excluded); default: today. */
  to: z.string().max(40).optional(),
};

/** REPORT_GROUPINGS are what GET /reports/messages groups by. */
export const REPORT_GROUPINGS = ['skill', 'skillGroup', 'campaign', 'sender', 'day', 'hour'] as const;

/** messageReportQuerySchema is the query of GET /reports/messages. */
export const messageReportQuerySchema = z.object({
  ...reportPeriodQuery,
  groupBy: z.enum(REPORT_GROUPINGS).default('day'),
});

/** agentReportQuerySchema is the query of GET /reports/agents: the same groupings, or per agent. */
export const agentReportQuerySchema = z.object({
  ...reportPeriodQuery,
  groupBy: z.enum([...REPORT_GROUPINGS, 'agent']).default('agent'),
});
