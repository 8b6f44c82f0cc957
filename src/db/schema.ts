import type { ColumnType, Generated, GeneratedAlways, Insertable, Kysely, Selectable, Transaction } from 'kysely';

// One Database interface assembled from …Table interfaces, as in Kysely's example app.

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;
/** Postgres returns bigint as a string; we keep ids as strings end to end so no precision is lost. */
type BigId = ColumnType<string, never, never>;

export interface BusinessUnitTable {
  id: Generated<string>;
  name: string;
  default_dnc_group_id: string | null;
  sms_channel: Generated<boolean>;
  opt_out_text: string | null;
  opt_in_text: string | null;
  help_text: string | null;
  created_at: Timestamp;
  /** The deliverability guard: the share of a sender's last `window` receipts that may be 30007/30034. */
  deliverability_share: Generated<number>;
  deliverability_window: Generated<number>;
  /** The IANA time zone reports count days and hours in. */
  time_zone: Generated<string>;
  /** Estimated price of one segment per sender kind (long_code, short_code, toll_free, alphanumeric). */
  segment_prices: ColumnType<Record<string, number>, string | undefined, string>;
  /** A conversation accepted within this many seconds of being offered counts towards the service level. */
  service_level_seconds: Generated<number>;
  /** How long an agent has to accept an offer before it goes to the next agent (src/replies/routing.ts). */
  offer_timeout_seconds: Generated<number>;
  /** An agent whose last heartbeat is older than this goes offline, its offers back to the queue. */
  agent_offline_seconds: Generated<number>;
}

export interface SenderTable {
  id: Generated<string>;
  business_unit_id: string;
  kind: string;
  address: string;
  mps: number;
  status: Generated<string>;
  opt_out_text: string | null;
  opt_in_text: string | null;
  help_text: string | null;
  next_slot_at: Timestamp;
  created_at: Timestamp;
  provisioning_started_at: Timestamp | null;
  /** The carrier's sender- or account-level refusal a person must fix (code, message, since when), or null. */
  attention_code: ColumnType<string | null, string | null | undefined, string | null>;
  attention_message: ColumnType<string | null, string | null | undefined, string | null>;
  attention_since: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The business unit's carrier this sender sends through; null: the environment's Twilio carrier. */
  carrier_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CarrierTable {
  id: string;
  business_unit_id: string;
  name: string;
  kind: string;
  /** Everything but the secrets, in the clear (src/carrier/carrier-settings.ts says which fields a kind has). */
  settings: Json<Record<string, unknown>>;
  /** The secrets as AES-256-GCM ciphertext under CARRIER_SECRETS_KEY (src/carrier/carrier-secrets.ts). */
  secrets: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DncGroupTable {
  id: Generated<string>;
  business_unit_id: string;
  name: string;
  created_at: Timestamp;
}

export interface DncEntryTable {
  dnc_group_id: string;
  phone: string;
  source: string;
  created_at: Timestamp;
}

export interface DncAuditTable {
  id: Generated<string>;
  dnc_group_id: string;
  phone: string;
  action: 'add' | 'remove';
  source: string;
  rule: string | null;
  message_sid: string | null;
  created_at: Timestamp;
}

export interface ListErrorJson {
  row: number;
  field: string;
  message: string;
}

export interface CallingListTable {
  id: Generated<string>;
  business_unit_id: string;
  name: string;
  fields: string[];
  phone_field: string;
  mobile_field: string | null;
  timezone_field: string | null;
  region: string;
  status: Generated<string>;
  accepted: Generated<number>;
  rejected: Generated<number>;
  errors: ColumnType<ListErrorJson[], string | undefined, string>;
  created_at: Timestamp;
}

export interface ListRecordTable {
  id: BigId;
  list_id: string;
  row_number: number;
  phone: string;
  mobile: string | null;
  timezone: string | null;
  fields: Json<Record<string, string>>;
  duplicate: Generated<boolean>;
}

export interface TemplateTable {
  id: Generated<string>;
  business_unit_id: string;
  name: string;
  body: string;
  direction: string;
  variables: string[];
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  created_at: Timestamp;
  smart_encoding: Generated<boolean>;
}

export interface CadenceStepJson {
  outcome: 'answering_machine';
  templateId: string;
  senderIds: string[];
}

export interface SkillTable {
  id: Generated<string>;
  business_unit_id: string;
  name: string;
  kind: string;
  reply_handling: boolean;
  cadence: ColumnType<CadenceStepJson[], string | undefined, string>;
  created_at: Timestamp;
}

export interface QuietHoursJson {
  start: string;
  end: string;
}

/** CampaignStatus is every state a campaign can be in (API.md); src/campaigns/campaign-status.ts moves between them. */
export type CampaignStatus =
  'draft' | 'scheduled' | 'running' | 'paused' | 'waiting_for_carrier' | 'completed' | 'cancelled';

/** MessageState is where an outbound message is; src/outbound/message-state.ts owns what each means. */
export type MessageState =
  | 'pending'
  | 'sending'
  | 'in_doubt'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'opted_out'
  | 'skipped_dnc'
  | 'skipped_invalid'
  | 'expired';

/** MessageKind is what an outbound message is for. */
export type MessageKind = 'campaign' | 'cadence' | 'agent_reply' | 'confirmation';

export interface CampaignTable {
  id: Generated<string>;
  business_unit_id: string;
  name: string;
  list_id: string;
  template_id: string | null;
  message_body: string | null;
  direction: string;
  sender_ids: string[];
  skill_id: string | null;
  dnc_group_id: string | null;
  start_at: Timestamp | null;
  quiet_hours: ColumnType<QuietHoursJson | null, string | null, string | null>;
  status: Generated<CampaignStatus>;
  status_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  smart_encoding: Generated<boolean>;
  /** How long after started_at its messages stay worth sending (seconds), or null; src/campaigns/validity.ts. */
  valid_for_seconds: ColumnType<number | null, number | null | undefined, number | null>;
  /** When its messages stop being worth sending, or null. */
  expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** When it first went running (set once by transitionCampaign): validFor counts from here. */
  started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** ConversationStatus is where a conversation is in the agents' queue (API.md); src/replies/conversation-status.ts. */
export type ConversationStatus = 'queued' | 'offered' | 'assigned' | 'closed';

export interface ConversationTable {
  id: Generated<string>;
  business_unit_id: string;
  contact: string;
  sender_id: string;
  campaign_id: string | null;
  status: ConversationStatus;
  agent: string | null;
  last_message_at: Timestamp;
  created_at: Timestamp;
  closed_reason: string | null;
  closed_at: Timestamp | null;
  /** When an agent first took it (reports' time to accept). */
  assigned_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The skill whose queue it waits in (routing, src/replies/routing.ts). */
  skill_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The agent it is offered to or assigned to (an agent of the agents table; `agent` is the name shown). */
  agent_id: ColumnType<string | null, string | null | undefined, string | null>;
  queued_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  offered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  offer_expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  disposition_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** AgentState is what an agent is doing (API.md): only an available agent is offered conversations. */
export type AgentState = 'available' | 'unavailable' | 'offline';

export interface AgentTable {
  id: Generated<string>;
  business_unit_id: string;
  name: string;
  max_conversations: Generated<number>;
  state: Generated<AgentState>;
  reason: string | null;
  state_changed_at: Generated<Date>;
  last_heartbeat_at: Date | null;
  idle_since: Generated<Date>;
  created_at: Generated<Date>;
}

export interface AgentSkillTable {
  agent_id: string;
  skill_id: string;
  proficiency: number;
}

export interface DispositionTable {
  id: Generated<string>;
  business_unit_id: string;
  name: string;
  created_at: Generated<Date>;
}

export interface QuickResponseTable {
  id: Generated<string>;
  business_unit_id: string;
  name: string;
  body: string;
  created_at: Generated<Date>;
}

export interface MessageTable {
  id: BigId;
  business_unit_id: string;
  kind: MessageKind;
  campaign_id: string | null;
  record_id: ColumnType<string | null, string | number | null, never>;
  conversation_id: string | null;
  to_phone: string;
  sender_id: string | null;
  body: string | null;
  segments: Generated<number>;
  state: MessageState;
  idempotency_key: string;
  carrier_sid: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
  updated_at: Timestamp;
  /** The skill of a cadence message (campaign messages reach theirs through the campaign). */
  skill_id: string | null;
  /** When the message was last handed to the carrier: an in-doubt send is looked up among messages created since. */
  sending_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ConversationMessageTable {
  id: BigId;
  conversation_id: string;
  direction: 'inbound' | 'outbound';
  body: string;
  message_id: ColumnType<string | null, string | null, never>;
  inbound_sid: string | null;
  agent: string | null;
  created_at: Timestamp;
}

export interface InboundMessageTable {
  message_sid: string;
  business_unit_id: string | null;
  from_phone: string;
  to_address: string;
  body: string;
  classification: string | null;
  rule: string | null;
  processed_at: Timestamp | null;
  /** Defaults to now(); a batch of webhooks stamps its rows in arrival order (Timestamp already allows omitting it). */
  received_at: Timestamp;
  outcome: string | null;
  conversation_id: string | null;
  confirmation_message_id: ColumnType<string | null, string | null, string | null>;
  /** When the conversation workflow was signalled with it; null while it waits in the forwarding backlog. */
  forwarded_at: Timestamp | null;
  /** A claimed or failed row is not forwarded again before this. */
  forward_after: Timestamp | null;
  /** A STOP, START or HELP (or a plain-words revocation): forwarded ahead of other replies waiting in a backlog. */
  keyword: Generated<boolean>;
  /** What a keyword asks for (opt_out, opt_in, help), stored at intake: an opt-out not applied yet already blocks. */
  keyword_kind: ColumnType<string | null, string | null | undefined, string | null>;
  /** What handling attributed it to (reports count replies and opt-outs by campaign, skill and sender). */
  campaign_id: ColumnType<string | null, string | null | undefined, string | null>;
  skill_id: ColumnType<string | null, string | null | undefined, string | null>;
  sender_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SkillGroupTable {
  id: Generated<string>;
  business_unit_id: string;
  name: string;
  created_at: Timestamp;
}

export interface SkillGroupSkillTable {
  skill_group_id: string;
  skill_id: string;
}

/**
 * MessageFigureTable is the running GROUP BY of messages and handled inbound messages per quarter hour, kept by
 * triggers (migration 2026-12-03T20-00) and folded by compactFigures; src/db/message-figures.ts reads it.
 */
export interface MessageFigureTable {
  id: BigId;
  compacted: Generated<boolean>;
  business_unit_id: string;
  bucket: Timestamp;
  kind: string;
  campaign_id: string | null;
  skill_id: string | null;
  sender_id: string | null;
  state: string;
  error_code: string | null;
  accepted: boolean;
  messages: ColumnType<string, string | number, string | number>;
  segments: ColumnType<string, string | number, string | number>;
}

/** MessageFigureDailyTable is message_figures folded per local day (bucket: the day's first moment). */
export type MessageFigureDailyTable = Omit<MessageFigureTable, 'id' | 'compacted'>;

/** FigureDayZoneTable says which time zone a business unit's daily figures were cut in. */
export interface FigureDayZoneTable {
  business_unit_id: string;
  time_zone: string;
}

export interface DeliveryReceiptTable {
  carrier_sid: string;
  status: string;
  error_code: string | null;
  received_at: Timestamp;
}

/** LandlineNumberTable holds the numbers a carrier's receipt called a landline (30006), per business unit. */
export interface LandlineNumberTable {
  business_unit_id: string;
  phone: string;
  carrier_sid: string | null;
  reported_at: Timestamp;
}

/** ApiKeyRole is what a key may do: admin everything, readonly only read, agent an agent's own work (issue 16). */
export type ApiKeyRole = 'admin' | 'agent' | 'readonly';

/** ApiKeyTable holds a business unit's keys, only as hashes; a revoked or expired key stays for the audit's names. */
export interface ApiKeyTable {
  id: Generated<string>;
  business_unit_id: string;
  name: string;
  role: ApiKeyRole;
  agent_id: string | null;
  key_hash: string;
  created_at: Generated<Date>;
  expires_at: Date | null;
  last_used_at: ColumnType<Date | null, never, Date | string | null>;
  revoked_at: ColumnType<Date | null, never, Date | string | null>;
}

/** AuditLogTable is every change made through the API: who, what (before and after, no secrets), when, from where. */
export interface AuditLogTable {
  id: BigId;
  business_unit_id: string;
  at: Generated<Date>;
  actor_kind: 'api_key' | 'admin_token';
  key_id: string | null;
  key_name: string | null;
  address: string | null;
  method: string;
  path: string;
  resource: string;
  resource_id: string | null;
  action: string;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
}

/** ApiRequestCountTable is each key's request count in the current minute, shared by every API replica. */
export interface ApiRequestCountTable {
  counter: string;
  window_start: Date;
  hits: number;
}

/** UploadLeaseTable holds one row per CSV upload in progress, so the concurrency limit holds across replicas. */
export interface UploadLeaseTable {
  id: Generated<string>;
  business_unit_id: string;
  expires_at: Date;
}

/**
 * ConversationFigureTable is the agents report's rollup, one folded row per conversation plus signed differences not
 * folded yet, kept by triggers (migration 2026-12-03T21-00); src/db/conversation-figures.ts folds and reads it.
 */
export interface ConversationFigureTable {
  id: BigId;
  compacted: Generated<boolean>;
  conversation_id: string;
  business_unit_id: string;
  /** This difference names the conversation's key (the newest keyed one wins); the others only add to the values. */
  keyed: boolean;
  created_at: Date | null;
  campaign_id: string | null;
  skill_id: string | null;
  sender_id: string | null;
  agent: string | null;
  opened: number;
  accepted: number;
  closed: number;
  assigned: number;
  handled: number;
  answered: number;
  sent: number;
  delivered: number;
  failed: number;
  expired: number;
  replies: number;
  opt_outs: number;
  /** Seconds (numeric: exact, so differences cancel). */
  to_accept: ColumnType<string, string | number, string | number>;
  handle: ColumnType<string, string | number, string | number>;
  to_answer: ColumnType<string, string | number, string | number>;
  /** The seconds as the report reads them (float8, null when not measured), generated from the exact ones above. */
  time_to_accept: GeneratedAlways<number | null>;
  time_to_first_answer: GeneratedAlways<number | null>;
  handle_time: GeneratedAlways<number | null>;
}

export interface Database {
  agents: AgentTable;
  agent_skills: AgentSkillTable;
  dispositions: DispositionTable;
  quick_responses: QuickResponseTable;
  api_keys: ApiKeyTable;
  audit_log: AuditLogTable;
  api_request_counts: ApiRequestCountTable;
  upload_leases: UploadLeaseTable;
  delivery_receipts: DeliveryReceiptTable;
  landline_numbers: LandlineNumberTable;
  business_units: BusinessUnitTable;
  senders: SenderTable;
  carriers: CarrierTable;
  dnc_groups: DncGroupTable;
  dnc_entries: DncEntryTable;
  dnc_audit: DncAuditTable;
  calling_lists: CallingListTable;
  list_records: ListRecordTable;
  templates: TemplateTable;
  skills: SkillTable;
  campaigns: CampaignTable;
  conversations: ConversationTable;
  messages: MessageTable;
  conversation_messages: ConversationMessageTable;
  inbound_messages: InboundMessageTable;
  skill_groups: SkillGroupTable;
  skill_group_skills: SkillGroupSkillTable;
  message_figures: MessageFigureTable;
  message_figures_daily: MessageFigureDailyTable;
  figure_day_zones: FigureDayZoneTable;
  conversation_figures: ConversationFigureTable;
}

export type BusinessUnit = Selectable<BusinessUnitTable>;
export type Sender = Selectable<SenderTable>;
export type NewSender = Insertable<SenderTable>;
export type CarrierRow = Selectable<CarrierTable>;
export type DncGroup = Selectable<DncGroupTable>;
export type CallingList = Selectable<CallingListTable>;
export type ListRecord = Selectable<ListRecordTable>;
export type Template = Selectable<TemplateTable>;
export type Skill = Selectable<SkillTable>;
export type Campaign = Selectable<CampaignTable>;
export type Message = Selectable<MessageTable>;
export type NewMessage = Insertable<MessageTable>;
export type Conversation = Selectable<ConversationTable>;
export type ConversationMessage = Selectable<ConversationMessageTable>;
export type InboundMessage = Selectable<InboundMessageTable>;
export type SkillGroup = Selectable<SkillGroupTable>;
export type Agent = Selectable<AgentTable>;
export type Disposition = Selectable<DispositionTable>;
export type QuickResponse = Selectable<QuickResponseTable>;

/** Db is the database handle every repository takes first (code outside src/db/ names this, never Kysely). */
export type Db = Kysely<Database>;
/** DbOrTransaction is a handle or a transaction, for repositories a caller may run inside its own transaction. */
export type DbOrTransaction = Kysely<Database> | Transaction<Database>;
