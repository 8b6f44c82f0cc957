import type { Readable } from 'node:stream';
import { getCallingList } from '../db/calling-lists';
import { campaignRecipientsCsv } from '../db/campaign-recipients';
import { getCampaign } from '../db/campaigns';
import type { Db } from '../db/schema';
import { NotFound } from '../domain-errors';
import { crlfRecords } from './csv';

/**
 * exportCampaignRecipients is a campaign's per-recipient CSV (RFC 4180, CRLF records), streamed from PostgreSQL in
 * constant memory; a campaign of another business unit is not found.
 */
export async function exportCampaignRecipients(db: Db, businessUnitId: string, campaignId: string): Promise<Readable> {
  const campaign = await getCampaign(db, businessUnitId, campaignId);
  if (!campaign) throw new NotFound('campaign', campaignId);
  const list = await getCallingList(db, businessUnitId, campaign.list_id);
  const copy = await campaignRecipientsCsv(db, campaign.id, list?.fields ?? []);
  const csv = crlfRecords();
  copy.on('error', (error) => csv.destroy(error));
  csv.on('close', () => copy.destroy());
  return copy.pipe(csv);
}
