import type { MessageKind, NewMessage } from '../db/schema';
import { measureSms } from '../templates';

// The one owner of an outbound message's row: campaign recipients, cadence steps, keyword confirmations and agents'
// replies are all built here, so a new column or rule is added once.

/** OutboundMessageSpec is what sets one outbound message apart: whom, from where, for what, and its carrier key. */
export interface OutboundMessageSpec {
  businessUnitId: string;
  kind: MessageKind;
  to: string;
  senderId: string;
  /** The carrier Idempotency-Key, fixed when the row is built: every retry of the send carries the same one. */
  idempotencyKey: string;
  campaignId?: string | null;
  recordId?: string | null;
  conversationId?: string | null;
  /** The skill of a cadence message (campaign messages reach theirs through the campaign). */
  skillId?: string | null;
}

/** SkipReason is why a recipient gets no message at all, stored on its row. */
export interface SkipReason {
  state: 'skipped_dnc' | 'skipped_invalid';
  code: string;
  message: string;
}

function baseRow(spec: OutboundMessageSpec) {
  return {
    business_unit_id: spec.businessUnitId,
    kind: spec.kind,
    campaign_id: spec.campaignId ?? null,
    record_id: spec.recordId ?? null,
    conversation_id: spec.conversationId ?? null,
    skill_id: spec.skillId ?? null,
    to_phone: spec.to,
    sender_id: spec.senderId,
    idempotency_key: spec.idempotencyKey,
    carrier_sid: null,
    sent_at: null,
  };
}

/** pendingMessage is the row of a message to send, measured in segments (what the sender's pace is booked by). */
export function pendingMessage(spec: OutboundMessageSpec, body: string): NewMessage {
  const { segments } = measureSms(body);
  return { ...baseRow(spec), body, segments, state: 'pending', error_code: null, error_message: null };
}

/** skippedMessage is the row of a recipient who gets nothing, with the reason. */
export function skippedMessage(spec: OutboundMessageSpec, reason: SkipReason): NewMessage {
  return { ...baseRow(spec), body: null, state: reason.state, error_code: reason.code, error_message: reason.message };
}

/** emptyBodySkip is the reason of a recipient whose merged message would show nothing (never a zero-segment send). */
export function emptyBodySkip(row: number): SkipReason {
  return {
    state: 'skipped_invalid',
    code: 'empty_body',
    message: `row ${row} merges to an empty message (its values and the template's fallbacks are all blank)`,
  };
}

/** DNC_SKIP is the reason of a recipient found on a DNC group before the send. */
export const DNC_SKIP: SkipReason = {
  state: 'skipped_dnc',
  code: 'dnc',
  message: 'the contact opted out before this message was sent',
};

/** isBlockedByDnc tells whether DNC keeps a kind of message from a contact; the answer to a keyword is never kept. */
export function isBlockedByDnc(kind: MessageKind): boolean {
  return kind !== 'confirmation';
}

/**
 * statusCallbackFor is the receipt URL a message is sent with: our id rides in its query string, so a receipt lands on
 * its message even when the send's answer (and with it the carrier's sid) never came back.
 */
export function statusCallbackFor(statusCallbackUrl: string, messageId: string): string {
  return `${statusCallbackUrl}?messageId=${encodeURIComponent(messageId)}`;
}
