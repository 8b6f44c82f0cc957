import type { Kysely } from 'kysely';
import { getBusinessUnit } from '../db/business-units';
import { getCampaign } from '../db/campaigns';
import { lastAttributedMessage } from '../db/messages';
import type { BusinessUnit, Campaign, Conversation, Database } from '../db/schema';
import { getSkill } from '../db/skills';

/** ReplyAttribution is what a reply is answering: the campaign that last wrote to the contact from that number. */
export interface ReplyAttribution {
  campaign: Campaign | null;
  /** Where an opt-out is added and an opt-in removed: the campaign's own group, else the business unit's default. */
  optOutGroupId: string;
  /** Whether the campaign's skill lets agents handle replies. */
  replyHandling: boolean;
}

/** defaultDncGroupOf is the business unit's default DNC group, which every business unit is created with. */
function defaultDncGroupOf(unit: BusinessUnit): string {
  if (!unit.default_dnc_group_id) throw new Error(`business unit ${unit.id} has no default DNC group`);
  return unit.default_dnc_group_id;
}

/** attributeReply finds the campaign a contact's reply to a sender answers, and what that means for DNC and agents. */
export async function attributeReply(
  db: Kysely<Database>,
  unit: BusinessUnit,
  senderId: string,
  contact: string,
): Promise<ReplyAttribution> {
  const last = await lastAttributedMessage(db, unit.id, contact, senderId);
  const campaign = last?.campaignId ? ((await getCampaign(db, unit.id, last.campaignId)) ?? null) : null;
  // A cadence message belongs to no campaign: the skill whose cadence sent it decides whether agents see the reply.
  const skillId = campaign?.skill_id ?? last?.skillId;
  const skill = skillId ? await getSkill(db, unit.id, skillId) : undefined;
  return {
    campaign,
    optOutGroupId: campaign?.dnc_group_id ?? defaultDncGroupOf(unit),
    replyHandling: skill?.reply_handling ?? false,
  };
}

/** dncGroupsFor lists the groups that keep messages from a contact: the unit's default and the campaign's own. */
export function dncGroupsFor(unit: BusinessUnit, campaign: Pick<Campaign, 'dnc_group_id'> | null): string[] {
  return [...new Set([defaultDncGroupOf(unit), campaign?.dnc_group_id].filter((g): g is string => !!g))];
}

/** DncScope is where a contact's opt-out goes and which groups keep messages from them. */
export interface DncScope {
  optOutGroupId: string;
  dncGroupIds: string[];
}

/** conversationDncScope is the DNC scope of an agent's reply: the conversation's campaign group, else the default. */
export async function conversationDncScope(db: Kysely<Database>, conversation: Conversation): Promise<DncScope> {
  const unit = await getBusinessUnit(db, conversation.business_unit_id);
  if (!unit) throw new Error(`conversation ${conversation.id}: business unit ${conversation.business_unit_id} is gone`);
  const campaign = conversation.campaign_id
    ? ((await getCampaign(db, unit.id, conversation.campaign_id)) ?? null)
    : null;
  return {
    optOutGroupId: campaign?.dnc_group_id ?? defaultDncGroupOf(unit),
    dncGroupIds: dncGroupsFor(unit, campaign),
  };
}
