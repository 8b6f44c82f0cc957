// The public API as typed calls: every operation of API.md's /v1 resources, named as in the OpenAPI document. A call
// resolves with the answer's body or throws ApiError (the API refused: status and its error code) or
// ApiUnreachableError (no answer). The CLI, the demo, the benchmarks and the tests all go through it.
import { apiErrorOf, ApiAnswer, RequestBody, sendRequest } from './api-http';
import type * as api from './types';

/** CsvBody is a calling list as text, bytes, or streamed in chunks (a file, a generator) so it is never held whole. */
export type CsvBody = string | Uint8Array | AsyncIterable<Uint8Array | string>;

const id = (value: string) => encodeURIComponent(value);

function queryString(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** ProactiveSmsClient calls one API (baseUrl) with one key: a business unit's, an agent's, or the admin token. */
export class ProactiveSmsClient {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    readonly key: string | null = null,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** withKey is the same API with another key (null: none). */
  withKey(key: string | null): ProactiveSmsClient {
    return new ProactiveSmsClient(this.baseUrl, key);
  }

  /** send makes any request and resolves with the answer whatever its status (tests of refusals read it whole). */
  send(method: string, path: string, body?: RequestBody, headers?: Record<string, string>): Promise<ApiAnswer> {
    return sendRequest(this.baseUrl, this.key, method, path, body, headers);
  }

  /** call makes a request and resolves with the body of a 2xx answer, or throws the API's error. */
  async call<T>(method: string, path: string, body?: RequestBody): Promise<T> {
    const answer = await this.send(method, path, body, { accept: 'application/json' });
    if (answer.status < 200 || answer.status > 299) throw apiErrorOf(method, path, answer);
    return answer.body as T;
  }

  /** health is GET /healthz: ok, or (503) what is missing. */
  async health(): Promise<api.Health> {
    const answer = await this.send('GET', '/healthz');
    if (answer.status !== 200 && answer.status !== 503) throw apiErrorOf('GET', '/healthz', answer);
    return answer.body as api.Health;
  }

  /** createBusinessUnit needs the admin token; the answer carries the unit's key, shown this once. */
  createBusinessUnit(input: api.CreateBusinessUnit): Promise<api.BusinessUnitCreated> {
    return this.call('POST', '/v1/business-units', { json: input });
  }

  /** getSettings is the business unit's own settings. */
  getSettings(): Promise<api.Settings> {
    return this.call('GET', '/v1/settings');
  }

  /** updateSettings changes the SMS channel or the confirmation texts. */
  updateSettings(input: api.UpdateSettings): Promise<api.Settings> {
    return this.call('PATCH', '/v1/settings', { json: input });
  }

  /** createSender registers a number or an alphanumeric sender. */
  createSender(input: api.CreateSender): Promise<api.Sender> {
    return this.call('POST', '/v1/senders', { json: input });
  }

  /** listSenders is every sender of the business unit. */
  listSenders(): Promise<api.Sender[]> {
    return this.call('GET', '/v1/senders');
  }

  /** updateSender changes a sender's rate, status or confirmation texts. */
  updateSender(senderId: string, input: api.UpdateSender): Promise<api.Sender> {
    return this.call('PATCH', `/v1/senders/${id(senderId)}`, { json: input });
  }

  /** createDncGroup makes a Do-Not-Contact group. */
  createDncGroup(input: api.CreateDncGroup): Promise<api.DncGroup> {
    return this.call('POST', '/v1/dnc-groups', { json: input });
  }

  /** listDncGroups is every DNC group of the business unit. */
  listDncGroups(): Promise<api.DncGroup[]> {
    return this.call('GET', '/v1/dnc-groups');
  }

  /** addDncEntry puts a phone on a DNC group. */
  async addDncEntry(groupId: string, phone: string): Promise<void> {
    await this.call('PUT', `/v1/dnc-groups/${id(groupId)}/entries/${id(phone)}`);
  }

  /** removeDncEntry takes a phone off a DNC group. */
  async removeDncEntry(groupId: string, phone: string): Promise<void> {
    await this.call('DELETE', `/v1/dnc-groups/${id(groupId)}/entries/${id(phone)}`);
  }

  /** getDncEntry is a phone on a DNC group with its audit; ApiError 404 when it is not on the group. */
  getDncEntry(groupId: string, phone: string): Promise<api.DncEntry> {
    return this.call('GET', `/v1/dnc-groups/${id(groupId)}/entries/${id(phone)}`);
  }

  /** importCallingList uploads a CSV (header row first), streamed when given as chunks. */
  importCallingList(columns: api.CallingListColumns, csv: CsvBody): Promise<api.CallingList> {
    return this.call('POST', `/v1/calling-lists${queryString(columns)}`, { raw: csv, contentType: 'text/csv' });
  }

  /** listCallingLists is every calling list of the business unit. */
  listCallingLists(): Promise<api.CallingList[]> {
    return this.call('GET', '/v1/calling-lists');
  }

  /** getCallingList is one calling list. */
  getCallingList(listId: string): Promise<api.CallingList> {
    return this.call('GET', `/v1/calling-lists/${id(listId)}`);
  }

  /** createTemplate saves a template. */
  createTemplate(input: api.CreateTemplate): Promise<api.Template> {
    return this.call('POST', '/v1/templates', { json: input });
  }

  /** previewTemplate merges a body with sample fields and measures it. */
  previewTemplate(input: api.PreviewTemplate): Promise<api.TemplatePreview> {
    return this.call('POST', '/v1/templates/preview', { json: input });
  }

  /** getTemplate is one template. */
  getTemplate(templateId: string): Promise<api.Template> {
    return this.call('GET', `/v1/templates/${id(templateId)}`);
  }

  /** createSkill makes a skill, with its cadence. */
  createSkill(input: api.CreateSkill): Promise<api.Skill> {
    return this.call('POST', '/v1/skills', { json: input });
  }

  /** createCampaign makes a draft campaign. */
  createCampaign(input: api.CreateCampaign): Promise<api.Campaign> {
    return this.call('POST', '/v1/campaigns', { json: input });
  }

  /** listCampaigns is every campaign of the business unit with its counts. */
  listCampaigns(): Promise<api.Campaign[]> {
    return this.call('GET', '/v1/campaigns');
  }

  /** getCampaign is one campaign with its counts. */
  getCampaign(campaignId: string): Promise<api.Campaign> {
    return this.call('GET', `/v1/campaigns/${id(campaignId)}`);
  }

  /** changeCampaign starts, pauses, resumes or cancels a campaign (ApiError 409 when not allowed now). */
  changeCampaign(campaignId: string, action: api.CampaignAction): Promise<api.CampaignActionAnswer> {
    return this.call('POST', `/v1/campaigns/${id(campaignId)}/${action}`);
  }

  /** reportCadenceEvent tells the skill's cadence a call outcome for a list's record. */
  reportCadenceEvent(input: api.CadenceEvent): Promise<api.CadenceAnswer> {
    return this.call('POST', '/v1/cadence-events', { json: input });
  }

  /** listConversations is the agents' queue, by status. */
  listConversations(query: api.ConversationQuery = {}): Promise<api.Conversation[]> {
    return this.call('GET', `/v1/conversations${queryString(query)}`);
  }

  /** listUnroutedReplies is the replies that reached no agent, newest first, each with the reason. */
  listUnroutedReplies(query: api.UnroutedReplyQuery = {}): Promise<api.UnroutedReply[]> {
    return this.call('GET', `/v1/unrouted-replies${queryString(query)}`);
  }

  /** getConversation is one conversation with its messages, oldest first. */
  getConversation(conversationId: string): Promise<api.ConversationThread> {
    return this.call('GET', `/v1/conversations/${id(conversationId)}`);
  }

  /** assignConversation gives a conversation to an agent. */
  assignConversation(conversationId: string, input: api.AssignConversation): Promise<api.Conversation> {
    return this.call('POST', `/v1/conversations/${id(conversationId)}/assign`, { json: input });
  }

  /** replyToConversation sends an agent's reply from the number the contact wrote to. */
  replyToConversation(conversationId: string, input: api.AgentReply): Promise<api.AgentReplyAnswer> {
    return this.call('POST', `/v1/conversations/${id(conversationId)}/messages`, { json: input });
  }

  /** closeConversation closes a conversation. */
  closeConversation(conversationId: string): Promise<api.Conversation> {
    return this.call('POST', `/v1/conversations/${id(conversationId)}/close`, { json: {} });
  }
}
