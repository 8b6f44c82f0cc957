import { getCampaignById, transitionCampaign } from '../db/campaigns';
import type { CampaignStatus, Db } from '../db/schema';
import { engineTransition, EngineEvent } from './campaign-status';

/**
 * applyEngineEvent moves a campaign's row as the engine's event asks (campaign-status.ts says from where to where)
 * and returns the status the row has afterwards: the new one, or the one a user's change left it in (a pause or a
 * cancel that came first wins). Undefined when the campaign is gone.
 */
export async function applyEngineEvent(
  db: Db,
  campaignId: string,
  event: EngineEvent,
  reason: string | null,
): Promise<CampaignStatus | undefined> {
  const { from, to } = engineTransition(event);
  const moved = await transitionCampaign(db, campaignId, from, to, reason);
  if (moved) return moved.status;
  return (await getCampaignById(db, campaignId))?.status;
}
