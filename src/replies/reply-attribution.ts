import { getCampaign } from '../db/campaigns';
import { lastAttributedMessage } from '../db/messages';
import type { BusinessUnit, Campaign, Db } from '../db/schema';
import { getSkill } from '../db/skills';
import { DncScope, dncScopeOf } from '../dnc/dnc-scope';

/** ReplyAttribution is what a reply is answering: the campaign that last wrote to the contact from that number. */
export interface ReplyAttribution {
  campaign: Campaign | null;
  /** The campaign's DNC scope (else the business unit's): where an opt-out is added and an opt-in removed. */
  dnc: DncScope;
  /** Whether the campaign's skill lets agents handle replies. */
  replyHandling: boolean;
  /** The campaign's skill, or the skill whose cadence step wrote to the contact (reports count replies by skill). */
  skillId: string | null;
}

/** attributeReply finds the campaign a contact's reply to a sender answers, and what that means for DNC and agents. */
export async function attributeReply(
  db: Db,
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
    dnc: dncScopeOf(unit, campaign),
    replyHandling: skill?.reply_handling ?? false,
    skillId: skill?.id ?? null,
  };
}
