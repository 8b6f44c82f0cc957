// Twilio's error codes as the simulator answers them: the send endpoint's refusals and the receipts' ErrorCodes.
import { INVALID_NUMBER_CODE, OPTED_OUT_CODE } from '../carrier/carrier';

/** What the endpoint answers: status, Twilio-shaped JSON and any extra headers. */
export interface SendReply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The message a refusal is about, for the wording of Twilio's error messages. */
export interface Addressed {
  to: string;
  from: string;
}

interface RefusalCode {
  status: number;
  message: (message: Addressed) => string;
}

// Twilio's wording (https://www.twilio.com/docs/api/errors/<code>), so a log shows what the real carrier would say.
const REFUSALS: Record<number, RefusalCode> = {
  20003: { status: 401, message: () => 'Authenticate' },
  20429: { status: 429, message: () => 'Too Many Requests' },
  [INVALID_NUMBER_CODE]: { status: 400, message: ({ to }) => `The 'To' number ${to} is not a valid phone number.` },
  21212: {
    status: 400,
    message: ({ from }) =>
      `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
  },
  21408: {
    status: 400,
    message: ({ to }) =>
      `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`,
  },
  21606: {
    status: 400,
    message: ({ from }) =>
      `The 'From' phone number provided (${from}) is not a valid message-capable Twilio phone number for this destination.`,
  },
  [OPTED_OUT_CODE]: { status: 400, message: () => 'Attempt to send to unsubscribed recipient' },
  21611: { status: 400, message: () => "This 'From' number has exceeded the maximum number of queued messages." },
  21612: {
    status: 400,
    message: ({ to, from }) =>
      `The 'To' phone number: ${to}, is not currently reachable using the 'From' phone number: ${from} via SMS.`,
  },
  21614: { status: 400, message: ({ to }) => `'To' number ${to} is not a valid mobile number` },
  21659: {
    status: 400,
    message: ({ from }) => `'From' ${from} is not a Twilio phone number or Short Code country mismatch`,
  },
  30034: { status: 400, message: ({ from }) => `Message from an unregistered number: ${from} (US A2P 10DLC).` },
};

/** twilioError is Twilio's error answer: `{code, message, more_info, status}` with that HTTP status. */
export function twilioError(status: number, code: number, message: string): SendReply {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

/**
 * refusalFor is the answer Twilio gives a send refused with code: its own status and wording for the codes in the
 * table, 400 with a plain message for any other (so a test can inject a code the product does not know yet).
 */
export function refusalFor(code: number, message: Addressed, retryAfterSeconds: number): SendReply {
  const known = REFUSALS[code];
  const reply = twilioError(known?.status ?? 400, code, known?.message(message) ?? `Simulated Twilio error ${code}`);
  if (reply.status === 429) reply.headers = { 'retry-after': String(retryAfterSeconds) };
  if (reply.status === 401) reply.headers = { 'www-authenticate': 'Basic realm="Twilio API"' };
  return reply;
}

/** FinalStatus is a message's last status: what its final status callback says. */
export type FinalStatus = 'delivered' | 'undelivered' | 'failed';
/** FailureStatus is a final status that comes with an ErrorCode. */
export type FailureStatus = Exclude<FinalStatus, 'delivered'>;

/** FinalReceipt is the final status callback of a message: delivered, or not with Twilio's ErrorCode. */
export interface FinalReceipt {
  status: FinalStatus;
  errorCode: number | null;
}

// A carrier reports 'undelivered' (it tried); Twilio reports 'failed' when the message never left it (blocked for an
// unregistered sender, or its validity period ran out in Twilio's queue).
const RECEIPT_ERRORS: Record<number, { status: FailureStatus; message: string }> = {
  30003: { status: 'undelivered', message: 'Unreachable destination handset' },
  30005: { status: 'undelivered', message: 'Unknown destination handset' },
  30006: { status: 'undelivered', message: 'Landline or unreachable carrier' },
  30007: { status: 'undelivered', message: 'Message filtered' },
  30008: { status: 'undelivered', message: 'Unknown error' },
  30034: { status: 'failed', message: 'Message from an unregistered number' },
  30036: { status: 'failed', message: 'Validity period expired' },
};

/** receiptStatusFor is the status Twilio reports with a receipt's ErrorCode ('undelivered' for codes not listed). */
export function receiptStatusFor(errorCode: number): FailureStatus {
  return RECEIPT_ERRORS[errorCode]?.status ?? 'undelivered';
}

/** errorMessageFor is a message resource's error_message for its error_code (null when there is none). */
export function errorMessageFor(errorCode: number | null): string | null {
  if (errorCode === null) return null;
  return RECEIPT_ERRORS[errorCode]?.message ?? null;
}
