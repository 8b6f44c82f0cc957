import type { ListRecord, NewMessage } from '../db/schema';
import { emptyBodySkip, OutboundMessageSpec, pendingMessage, skippedMessage } from '../outbound/outbound-message';
import { stickySender } from '../senders/sender-pool';
import { isBlankBody, mergeTemplate } from '../templates';
import type { CampaignContext } from './campaign-context';

/** campaignIdempotencyKey is the carrier Idempotency-Key of a campaign recipient: the same on every retry. */
export function campaignIdempotencyKey(campaignId: string, recordId: string): string {
  return `campaign:${campaignId}:record:${recordId}`;
}

// A number a carrier called a landline (receipt error 30006) cannot take an SMS: the business unit's next campaigns
// skip it, saying when the carrier said so.
function landlineSkip(reportedAt: Date) {
  const day = reportedAt.toISOString().slice(0, 10);
  const message = `the number is a landline (carrier error 30006 on ${day})`;
  return { state: 'skipped_invalid' as const, code: 'landline', message };
}

/**
 * planRecipients turns a page of list records into their message rows: merged, measured, given their sticky sender,
 * or marked skipped (on DNC, a value the template needs is missing, or the message would be blank) with the reason.
 */
export function planRecipients(
  context: CampaignContext,
  records: readonly ListRecord[],
  onDnc: ReadonlySet<string>,
  landlines: ReadonlyMap<string, Date> = new Map(),
): NewMessage[] {
  const { campaign } = context;
  return records.map((record) => {
    const spec: OutboundMessageSpec = {
      businessUnitId: campaign.business_unit_id,
      kind: 'campaign',
      campaignId: campaign.id,
      recordId: record.id,
      to: record.phone,
      senderId: stickySender(context.senders, record.phone).id,
      idempotencyKey: campaignIdempotencyKey(campaign.id, record.id),
    };
    if (onDnc.has(record.phone)) {
      return skippedMessage(spec, { state: 'skipped_dnc', code: 'dnc', message: 'the contact is on a DNC list' });
    }
    const landlineSince = landlines.get(record.phone);
    if (landlineSince) return skippedMessage(spec, landlineSkip(landlineSince));
    const merged = mergeTemplate(context.template, record.fields, context.direction);
    if (!merged.ok) {
      const message = `row ${record.row_number} has no value for {${merged.field}} and the template gives no fallback`;
      return skippedMessage(spec, { state: 'skipped_invalid', code: 'missing_value', message });
    }
    // A zero-segment send would cost the contact a blank text and the business a message.
    if (isBlankBody(merged.text)) return skippedMessage(spec, emptyBodySkip(record.row_number));
    return pendingMessage(spec, merged.text);
  });
}
