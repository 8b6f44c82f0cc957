import { getCallingList } from '../db/calling-lists';
import { insertCampaign } from '../db/campaigns';
import { getDncGroup } from '../db/dnc';
import type { Campaign, Db, QuietHoursJson } from '../db/schema';
import { getSendersByIds } from '../db/senders';
import { getSkill } from '../db/skills';
import { getTemplate } from '../db/templates';
import { InvalidInput, NotFound, Unprocessable } from '../domain-errors';
import { checkedTemplate, DirectionSetting, missingFields } from '../templates';

/** CampaignDraft is what a user gives to create a campaign: a saved template or a one-off message, and its senders. */
export interface CampaignDraft {
  name: string;
  listId: string;
  templateId?: string;
  message?: string;
  direction?: DirectionSetting;
  smartEncoding?: boolean;
  senderIds: string[];
  skillId?: string;
  dncGroupId?: string;
  startAt?: string;
  quietHours?: QuietHoursJson;
  /** Seconds from the campaign's start during which its messages are worth sending (src/campaigns/validity.ts). */
  validFor?: number;
  /** When its messages stop being worth sending (ISO time); at most one of validFor and expiresAt. */
  expiresAt?: string;
}

/**
 * createCampaign stores a draft campaign after checking everything it names belongs to the business unit (NotFound
 * naming the field), that its body is a valid template, and that the list has a field for every variable
 * (Unprocessable 'unknown_variable'): a campaign that is stored can run.
 */
export async function createCampaign(db: Db, businessUnitId: string, draft: CampaignDraft): Promise<Campaign> {
  const list = await getCallingList(db, businessUnitId, draft.listId);
  if (!list) throw new NotFound('calling list', draft.listId, 'listId');
  const template = draft.templateId ? await getTemplate(db, businessUnitId, draft.templateId) : undefined;
  if (draft.templateId && !template) throw new NotFound('template', draft.templateId, 'templateId');
  const bodyField = template ? 'templateId' : 'message';
  const body = template?.body ?? draft.message;
  if (body === undefined) throw new InvalidInput('give exactly one of templateId and message', 'templateId');
  const direction = draft.direction ?? (template?.direction as DirectionSetting | undefined) ?? 'auto';
  const smartEncoding = draft.smartEncoding ?? template?.smart_encoding ?? false;
  const { parsed } = checkedTemplate(body, bodyField, { smartEncoding, direction });
  const missing = missingFields(parsed, list.fields);
  if (missing.length > 0) {
    const names = missing.map((m) => `{${m}}`).join(', ');
    const reason = `the list has no field for ${names} (fields: ${list.fields.join(', ')})`;
    throw new Unprocessable('unknown_variable', reason, bodyField, { missing });
  }
  if (draft.validFor !== undefined && draft.expiresAt !== undefined)
    throw new InvalidInput('give at most one of validFor and expiresAt', 'validFor');
  // A campaign that could never send anything is refused now rather than expiring its whole list later.
  if (draft.expiresAt !== undefined && new Date(draft.expiresAt).getTime() <= Date.now())
    throw new InvalidInput(`expiresAt ${draft.expiresAt} has already passed`, 'expiresAt');
  await checkOwnership(db, businessUnitId, draft);
  return insertCampaign(db, {
    business_unit_id: businessUnitId,
    name: draft.name,
    list_id: list.id,
    template_id: template?.id ?? null,
    message_body: template ? null : body,
    direction,
    smart_encoding: smartEncoding,
    sender_ids: [...new Set(draft.senderIds)],
    skill_id: draft.skillId ?? null,
    dnc_group_id: draft.dncGroupId ?? null,
    start_at: draft.startAt ?? null,
    quiet_hours: draft.quietHours ? JSON.stringify(draft.quietHours) : null,
    valid_for_seconds: draft.validFor ?? null,
    expires_at: draft.expiresAt ?? null,
    status_reason: null,
  });
}

// Senders, skill and DNC group must be the business unit's own (another unit's look the same as none).
async function checkOwnership(db: Db, businessUnitId: string, draft: CampaignDraft): Promise<void> {
  const senders = await getSendersByIds(db, businessUnitId, draft.senderIds);
  const unknownSender = draft.senderIds.find((id) => !senders.some((s) => s.id === id));
  if (unknownSender) throw new NotFound('sender', unknownSender, 'senderIds');
  if (draft.skillId && !(await getSkill(db, businessUnitId, draft.skillId)))
    throw new NotFound('skill', draft.skillId, 'skillId');
  if (draft.dncGroupId && !(await getDncGroup(db, businessUnitId, draft.dncGroupId)))
    throw new NotFound('DNC group', draft.dncGroupId, 'dncGroupId');
}
