import type { Insertable } from 'kysely';
import type { ListRecord, MessageTable } from '../db/schema';
import { stickySender } from '../senders/sender-pool';
import { measureSms, mergeTemplate } from '../templates';
import type { CampaignContext } from './campaign-context';

/** campaignIdempotencyKey is the carrier Idempotency-Key of a campaign recipient: the same on every retry. */
export function campaignIdempotencyKey(campaignId: string, recordId: string): string {
  return `campaign:${campaignId}:record:${recordId}`;
}

/**
 * planRecipients turns a page of list records into their message rows: merged, measured, given their sticky sender,
 * or marked skipped (on DNC, or a value the template needs is missing) with the reason.
 */
export function planRecipients(
  context: CampaignContext,
  records: readonly ListRecord[],
  onDnc: ReadonlySet<string>,
): Insertable<MessageTable>[] {
  const { campaign } = context;
  return records.map((record) => {
    const base = {
      business_unit_id: campaign.business_unit_id,
      kind: 'campaign',
      campaign_id: campaign.id,
      record_id: record.id,
      conversation_id: null,
      to_phone: record.phone,
      sender_id: stickySender(context.senders, record.phone).id,
      idempotency_key: campaignIdempotencyKey(campaign.id, record.id),
      carrier_sid: null,
      sent_at: null,
    };
    if (onDnc.has(record.phone)) {
      return {
        ...base,
        body: null,
        state: 'skipped_dnc',
        error_code: 'dnc',
        error_message: 'the contact is on a DNC list',
      };
    }
    const merged = mergeTemplate(context.template, record.fields, context.direction);
    if (!merged.ok) {
      const message = `row ${record.row_number} has no value for {${merged.field}} and the template gives no fallback`;
      return { ...base, body: null, state: 'skipped_invalid', error_code: 'missing_value', error_message: message };
    }
    return {
      ...base,
      body: merged.text,
      segments: measureSms(merged.text).segments,
      state: 'pending',
      error_code: null,
      error_message: null,
    };
  });
}
