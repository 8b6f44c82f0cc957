import { Insertable, Kysely, sql } from 'kysely';
import { CAMPAIGN_COUNT_OF_STATE } from '../outbound/message-state';
import type { Campaign, CampaignStatus, CampaignTable, Database, MessageState } from './schema';

/** insertCampaign stores a new campaign (status draft). */
export async function insertCampaign(db: Kysely<Database>, campaign: Insertable<CampaignTable>): Promise<Campaign> {
  return db.insertInto('campaigns').values(campaign).returningAll().executeTakeFirstOrThrow();
}

/** getCampaign loads a campaign only if it belongs to the business unit. */
export async function getCampaign(
  db: Kysely<Database>,
  businessUnitId: string,
  id: string,
): Promise<Campaign | undefined> {
  return db
    .selectFrom('campaigns')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** getCampaignById loads a campaign for the engine, which acts on behalf of its business unit. */
export async function getCampaignById(db: Kysely<Database>, id: string): Promise<Campaign | undefined> {
  return db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

/** listCampaigns returns a business unit's campaigns, newest first. */
export async function listCampaigns(db: Kysely<Database>, businessUnitId: string): Promise<Campaign[]> {
  return db
    .selectFrom('campaigns')
    .selectAll()
    .where('business_unit_id', '=', businessUnitId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** transitionCampaign moves a campaign to `to` only if it is in one of `from`; undefined when it was not. */
export async function transitionCampaign(
  db: Kysely<Database>,
  id: string,
  from: readonly CampaignStatus[],
  to: CampaignStatus,
  reason: string | null = null,
): Promise<Campaign | undefined> {
  return db
    .updateTable('campaigns')
    .set({ status: to, status_reason: reason, updated_at: sql`now()`, ...startedAtChange(to) })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .returningAll()
    .executeTakeFirst();
}

// A campaign's validity counts from when it first went running (a resume keeps that moment); a start that is undone
// (back to draft) forgets it.
function startedAtChange(to: CampaignStatus) {
  if (to === 'running') return { started_at: sql<Date>`coalesce(started_at, now())` };
  if (to === 'draft') return { started_at: null };
  return {};
}

/** CampaignCounts are the recipient counts of API.md's GET /campaigns/:id. */
export interface CampaignCounts {
  total: number;
  pending: number;
  /** Handed to the carrier with no answer back: being looked up there before any resend. */
  inDoubt: number;
  sent: number;
  delivered: number;
  failed: number;
  skippedDnc: number;
  skippedInvalid: number;
  optedOut: number;
  /** Not sent before the campaign's validity ran out. */
  expired: number;
  /** Accepted by the carrier (it gave the message a sid), whatever its receipt said since: sent as a person means it. */
  accepted: number;
  /** Failed without the carrier ever accepting the send (it refused the number): part of failed, never of accepted. */
  refused: number;
  /** Failed recipients by the carrier's error code (a receipt's ErrorCode or the send's refusal), e.g. {"30007": 3}. */
  failedByCode: Record<string, number>;
}

// The states that count as failed (CAMPAIGN_COUNT_OF_STATE), whose error codes failedByCode breaks down.
const FAILED_STATES = Object.entries(CAMPAIGN_COUNT_OF_STATE)
  .filter(([, key]) => key === 'failed')
  .map(([state]) => state as MessageState);

/** campaignFailuresByCode counts a campaign's failed recipients by error code ({"30007": n}); codeless ones aside. */
export async function campaignFailuresByCode(
  db: Kysely<Database>,
  campaignId: string,
): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('messages')
    .select(['error_code', (eb) => eb.fn.countAll<string>().as('n')])
    .where('campaign_id', '=', campaignId)
    .where('state', 'in', FAILED_STATES)
    .where('error_code', 'is not', null)
    .groupBy('error_code')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.error_code!, Number(row.n)]));
}

/** campaignCounts counts a campaign's recipients by outcome; every recipient not yet finished is pending. */
export async function campaignCounts(
  db: Kysely<Database>,
  campaign: Pick<Campaign, 'id' | 'list_id'>,
): Promise<CampaignCounts> {
  const [byState, total, failedByCode] = await Promise.all([
    db
      .selectFrom('messages')
      .select([
        'state',
        (eb) => eb.fn.countAll<string>().as('n'),
        (eb) => eb.fn.count<string>('carrier_sid').as('withSid'),
      ])
      .where('campaign_id', '=', campaign.id)
      .groupBy('state')
      .execute(),
    db
      .selectFrom('list_records')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('list_id', '=', campaign.list_id)
      .where('duplicate', '=', false)
      .executeTakeFirstOrThrow(),
    campaignFailuresByCode(db, campaign.id),
  ]);
  const counts: CampaignCounts = {
    total: Number(total.n),
    pending: 0,
    inDoubt: 0,
    sent: 0,
    delivered: 0,
    failed: 0,
    skippedDnc: 0,
    skippedInvalid: 0,
    optedOut: 0,
    expired: 0,
    accepted: 0,
    refused: 0,
    failedByCode,
  };
  let finished = 0;
  for (const row of byState) {
    const key = CAMPAIGN_COUNT_OF_STATE[row.state];
    if (!key) continue;
    counts[key] += Number(row.n);
    finished += Number(row.n);
    if (key !== 'inDoubt') counts.accepted += Number(row.withSid);
    if (key === 'failed') counts.refused += Number(row.n) - Number(row.withSid);
  }
  counts.pending = Math.max(0, counts.total - finished);
  return counts;
}
