// What a deliver_sm (or data_sm) from the SMSC says: a delivery receipt for one of our messages, or a reply from a
// contact. A receipt is told by its esm_class, its receipted_message_id/message_state TLVs or the "id:… stat:…" text
// most SMSCs write; its state is mapped onto the statuses a Twilio status callback carries, so both feed one path.
import { normalizePhone } from '../../phones/phone-number';
import { decodeGsm7, type Pdu } from './smpp-wire';

/** DeliverSm is a deliver_sm read: a receipt or a reply. */
export type DeliverSm =
  | { kind: 'receipt'; messageId: string; status: string; errorCode: string | null }
  | { kind: 'reply'; from: string; to: string; body: string };

// esm_class message type bits (SMPP 3.4, 5.2.12): 0x04 SMSC delivery receipt, 0x08 SME ack, 0x10 manual ack,
// 0x20 intermediate notification.
const RECEIPT_TYPES = 0x04 | 0x08 | 0x10 | 0x20;

// message_state TLV values (SMPP 3.4, 5.2.28) and the receipt text's stat: words, as Twilio statuses.
const STATE_STATUS: Record<string, string> = {
  '1': 'sent',
  '2': 'delivered',
  '3': 'undelivered',
  '4': 'failed',
  '5': 'undelivered',
  '6': 'sent',
  '7': 'sent',
  '8': 'failed',
  ENROUTE: 'sent',
  DELIVRD: 'delivered',
  EXPIRED: 'undelivered',
  DELETED: 'failed',
  UNDELIV: 'undelivered',
  ACCEPTD: 'sent',
  UNKNOWN: 'sent',
  REJECTD: 'failed',
};
// An expired receipt says what Twilio's 30036 says: the validity period ran out (the message ends expired).
const EXPIRED_CODE = '30036';

/** readDeliverSm decodes a deliver_sm or data_sm into a receipt or a reply. */
export function readDeliverSm(pdu: Pdu): DeliverSm {
  const text = messageText(pdu);
  const esmClass = Number(pdu.esm_class ?? 0);
  const receiptText = /\bid:\s*(\S+).*\bstat:\s*(\w+)/is.exec(text);
  const tlvId = typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id : null;
  if ((esmClass & RECEIPT_TYPES) !== 0 || tlvId !== null || receiptText) {
    const messageId = tlvId ?? receiptText?.[1] ?? '';
    const stat = pdu.message_state !== undefined ? String(pdu.message_state) : (receiptText?.[2] ?? 'UNKNOWN');
    const state = stat.toUpperCase();
    const status = STATE_STATUS[state] ?? 'sent';
    const err = /\berr:\s*(\w+)/i.exec(text)?.[1] ?? null;
    const expired = state === 'EXPIRED' || state === '3';
    const errorCode = status === 'delivered' ? null : expired ? EXPIRED_CODE : errorOf(err);
    return { kind: 'receipt', messageId, status, errorCode };
  }
  return {
    kind: 'reply',
    from: e164Of(String(pdu.source_addr ?? ''), Number(pdu.source_addr_ton ?? 0)),
    to: e164Of(String(pdu.destination_addr ?? ''), Number(pdu.dest_addr_ton ?? 0)),
    body: text,
  };
}

// A receipt's err: is the SMSC's own code; kept (as smpp:<code>) so failedByCode shows it, 000 meaning none.
function errorOf(err: string | null): string | null {
  if (err === null || /^0+$/.test(err)) return null;
  return `smpp:${err}`;
}

function messageText(pdu: Pdu): string {
  const field = (pdu.message_payload ?? pdu.short_message) as { message?: unknown } | Buffer | string | undefined;
  const value = field && typeof field === 'object' && !Buffer.isBuffer(field) ? field.message : field;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return decodeGsm7(value);
  return '';
}

/**
 * e164Of writes an SMSC's address the way senders and contacts are stored: an international number (TON 1) or any
 * number long enough to be one as E.164; a short code (TON 3, or six digits at most) as its digits.
 */
export function e164Of(address: string, ton: number): string {
  const digits = address.replace(/[^\d]/g, '');
  if (!/^\+?\d+$/.test(address.replace(/[\s()-]/g, ''))) return address.trim();
  if (ton === 1) return `+${digits}`;
  if (ton === 3 || digits.length <= 6) return digits;
  const normalized = normalizePhone(digits, 'US');
  return normalized.ok ? normalized.e164 : `+${digits}`;
}

/**
 * messageIdForms are the ways an SMSC may write one message id: as written (case and leading zeros aside), and read
 * as hexadecimal written in decimal or the reverse (a hex id in submit_sm_resp and a decimal one in the receipt is
 * common). The first form is the id as written.
 */
export function messageIdForms(id: string): string[] {
  const canonical = canonicalMessageId(id);
  const forms = [canonical];
  if (/^\d+$/.test(canonical)) forms.push(BigInt(canonical).toString(16));
  if (/^[0-9a-f]+$/.test(canonical)) forms.push(BigInt(`0x${canonical}`).toString(10));
  return [...new Set(forms)];
}

/** canonicalMessageId is an SMSC message id lower-cased without leading zeros. */
export function canonicalMessageId(id: string): string {
  const lower = id.trim().toLowerCase();
  return lower.replace(/^0+(?=.)/, '');
}
