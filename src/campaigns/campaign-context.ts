import { getBusinessUnit } from '../db/business-units';
import { getCampaignById } from '../db/campaigns';
import { getSendersByIds } from '../db/senders';
import { getTemplate } from '../db/templates';
import type { Campaign, Db, Sender } from '../db/schema';
import { DncScope, dncScopeOf } from '../dnc/dnc-scope';
import { parseTemplate, ParsedTemplate } from '../templates';
import type { DirectionSetting } from '../templates';
import type { DeliverabilitySettings } from './deliverability-guard';

/** CampaignContext is what the engine needs to turn a campaign's records into messages. */
export interface CampaignContext {
  campaign: Campaign;
  template: ParsedTemplate;
  direction: DirectionSetting;
  senders: Sender[];
  /** Which DNC groups keep messages from a recipient, and where a carrier's opt-out is recorded. */
  dnc: DncScope;
  /** The business unit's deliverability guard (src/campaigns/deliverability-guard.ts). */
  deliverability: DeliverabilitySettings;
}

/** loadCampaignContext loads a campaign with its body, senders and DNC groups; throws if it is gone. */
export async function loadCampaignContext(db: Db, campaignId: string): Promise<CampaignContext> {
  const campaign = await getCampaignById(db, campaignId);
  if (!campaign) throw new Error(`campaign ${campaignId} does not exist`);
  const [unit, template, senders] = await Promise.all([
    getBusinessUnit(db, campaign.business_unit_id),
    campaign.template_id ? getTemplate(db, campaign.business_unit_id, campaign.template_id) : undefined,
    getSendersByIds(db, campaign.business_unit_id, campaign.sender_ids),
  ]);
  if (!unit) throw new Error(`campaign ${campaignId}: business unit ${campaign.business_unit_id} does not exist`);
  const body = template?.body ?? campaign.message_body;
  if (body === null || body === undefined)
    throw new Error(`campaign ${campaignId} has neither a template nor a message`);
  return {
    campaign,
    template: parseTemplate(body, { smartEncoding: campaign.smart_encoding }),
    direction: (template?.direction ?? campaign.direction) as DirectionSetting,
    senders,
    dnc: dncScopeOf(unit, campaign),
    deliverability: { share: unit.deliverability_share, window: unit.deliverability_window },
  };
}
