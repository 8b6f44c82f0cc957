// Twilio's Message resource, as the send answer, the Messages list and the fetch of one message show it.
import { measureSms } from '../templates/sms-encoding';
import type { MessageLog } from './message-log';
import { errorMessageFor } from './twilio-errors';

const API_VERSION = '2010-04-01';

/** messagesPath is the Messages list resource of an account ('/2010-04-01/Accounts/AC…/Messages'). */
export function messagesPath(accountSid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Messages`;
}

// Every send answers with three dates, nearly always of the current second: formatting each one anew would cost more
// than the rest of the answer.
let lastSecond = Number.NaN;
let lastFormatted = '';

/** twilioDate formats epoch milliseconds as Twilio does: RFC 2822 in UTC, to the second. */
export function twilioDate(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastFormatted = new Date(second * 1000).toUTCString().replace('GMT', '+0000');
  }
  return lastFormatted;
}

/**
 * messageResource is the message at index as Twilio's API shows it; status and error_code are those of the latest
 * status callback. Twilio fills date_sent when the message leaves its queue: while it is still queued (no `sent`
 * callback yet, or none at all with receipts off) date_sent is null; once sent, the simulator takes it as
 * date_created (it hands the message on at once).
 */
export function messageResource(log: MessageLog, index: number, accountSid: string): Record<string, unknown> {
  const { sid, to, from, body, receivedAt } = log.get(index);
  const { status, errorCode, updatedAt } = log.progressOf(index);
  const uri = `${messagesPath(accountSid)}/${sid}`;
  return {
    account_sid: accountSid,
    api_version: API_VERSION,
    body,
    date_created: twilioDate(receivedAt),
    date_sent: status === 'queued' ? null : twilioDate(receivedAt),
    date_updated: twilioDate(updatedAt),
    direction: 'outbound-api',
    error_code: errorCode,
    error_message: errorMessageFor(errorCode),
    from,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: String(measureSms(body).segments),
    price: null,
    price_unit: 'USD',
    sid,
    status,
    subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
    to,
    uri: `${uri}.json`,
  };
}
