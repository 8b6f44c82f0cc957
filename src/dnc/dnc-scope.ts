import { getBusinessUnit } from '../db/business-units';
import { getCampaign } from '../db/campaigns';
import { getConversation } from '../db/conversations';
import { phonesBlocked } from '../db/dnc';
import type { BusinessUnit, Campaign, Db, Message } from '../db/schema';

// The one owner of which DNC groups apply to a contact: every send path (campaign, cadence step, agent reply,
// keyword confirmation) and every opt-out (a STOP, the carrier's 21610) asks this module.

/** DncScope is where a contact's opt-out is recorded and which groups keep messages from them. */
export interface DncScope {
  /** The business unit: an opt-out stored from a contact blocks them from all its senders before it is applied. */
  businessUnitId: string;
  /** The campaign's own group when it names one, else the business unit's default group. */
  optOutGroupId: string;
  /** The business unit's default group and the campaign's own: a contact on either gets nothing. */
  blockingGroupIds: string[];
}

/** dncScopeOf is the scope of a message sent for a campaign (or for none: a cadence step, a keyword's answer). */
export function dncScopeOf(unit: BusinessUnit, campaign: Pick<Campaign, 'dnc_group_id'> | null): DncScope {
  if (!unit.default_dnc_group_id) throw new Error(`business unit ${unit.id} has no default DNC group`);
  const own = campaign?.dnc_group_id ?? null;
  return {
    businessUnitId: unit.id,
    optOutGroupId: own ?? unit.default_dnc_group_id,
    blockingGroupIds: [...new Set([unit.default_dnc_group_id, own].filter((g): g is string => g !== null))],
  };
}

/** loadDncScope loads the scope of a business unit's campaign (null: no campaign). */
export async function loadDncScope(db: Db, businessUnitId: string, campaignId: string | null): Promise<DncScope> {
  const [unit, campaign] = await Promise.all([
    getBusinessUnit(db, businessUnitId),
    campaignId ? getCampaign(db, businessUnitId, campaignId) : undefined,
  ]);
  if (!unit) throw new Error(`business unit ${businessUnitId} does not exist`);
  return dncScopeOf(unit, campaign ?? null);
}

/**
 * loadMessageDncScope is the scope of a stored outbound message: its campaign's, or for an agent's reply the campaign
 * its conversation answers; a cadence step or a confirmation has the business unit's default.
 */
export async function loadMessageDncScope(
  db: Db,
  message: Pick<Message, 'id' | 'business_unit_id' | 'campaign_id' | 'conversation_id'>,
): Promise<DncScope> {
  let campaignId = message.campaign_id;
  if (campaignId === null && message.conversation_id !== null) {
    const conversation = await getConversation(db, message.business_unit_id, message.conversation_id);
    if (!conversation) throw new Error(`message ${message.id}: conversation ${message.conversation_id} is gone`);
    campaignId = conversation.campaign_id;
  }
  return loadDncScope(db, message.business_unit_id, campaignId);
}

/**
 * blockedContacts returns which of the phones the scope keeps messages from right now (one query for a batch): those
 * on its groups, and those whose STOP the business unit has stored but their conversation workflow not yet applied,
 * so an opt-out holds from the moment the inbound webhook answers, whatever the workflows' backlog.
 */
export async function blockedContacts(db: Db, scope: DncScope, phones: string[]): Promise<Set<string>> {
  return phonesBlocked(db, scope.businessUnitId, scope.blockingGroupIds, phones);
}

/** isBlocked tells whether the scope keeps messages from one contact right now. */
export async function isBlocked(db: Db, scope: DncScope, phone: string): Promise<boolean> {
  return (await blockedContacts(db, scope, [phone])).has(phone);
}
