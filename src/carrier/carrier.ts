// The carrier adapter contract: campaign and conversation code sends through this and never speaks HTTP itself.

/** One outbound SMS as the carrier needs it; idempotencyKey is identical on every retry of the same message. */
export interface OutboundSms {
  /** The sender's id: it names the business unit's carrier to send through (absent: the environment's). */
  senderId?: string;
  to: string;
  from: string;
  body: string;
  idempotencyKey: string;
  statusCallback?: string;
  /** How long the carrier may keep trying (Twilio's ValidityPeriod, whole seconds 1..36000); absent: its default. */
  validityPeriodSeconds?: number;
}

/**
 * The final answer for one send attempt. Transient trouble is never an outcome: it is thrown as
 * CarrierUnavailableError so the caller retries with the same idempotency key.
 */
export type SendOutcome =
  | { kind: 'accepted'; sid: string }
  | { kind: 'opted_out'; code: 21610; message: string }
  | { kind: 'rejected'; code: number | null; message: string }
  /** The sender or the account cannot send (Twilio's sender- and account-level codes): not the recipient's failure. */
  | { kind: 'sender_refused'; code: number | null; message: string };

/** CarrierMessage is a message as the carrier's own records show it (found when an in-doubt send is looked up). */
export interface CarrierMessage {
  sid: string;
  body: string;
  /** The carrier's status: queued, sent, delivered, undelivered, failed… */
  status: string;
  errorCode: string | null;
  /** When the carrier created it (epoch ms). */
  createdAt: number;
}

/** SentMessageQuery asks the carrier for messages from one sender to one contact with one body, created since a time. */
export interface SentMessageQuery {
  /** The sender's id, as in OutboundSms: the look-up goes to the carrier the message was sent through. */
  senderId?: string;
  to: string;
  from: string;
  body: string;
  /** Epoch ms: messages created before it are not looked at. */
  since: number;
}

/**
 * Carrier sends one SMS and resolves with a permanent outcome, or throws CarrierUnavailableError (nothing was sent)
 * or CarrierInDoubtError (it may have been: look it up with findSent before sending it again).
 */
export interface Carrier {
  send(sms: OutboundSms): Promise<SendOutcome>;
  /**
   * findSent lists the carrier's messages matching the query, newest first; throws CarrierUnavailableError when the
   * carrier cannot answer now. Real carriers ignore idempotency keys: this lookup is what keeps a retry from texting
   * a contact twice.
   */
  findSent(query: SentMessageQuery): Promise<CarrierMessage[]>;
  /**
   * warmUp readies the way to the carrier (HTTP client loaded, keep-alive connections open) so the first sends are
   * not late at the carrier; it never rejects, as a carrier that is down shows on the first send. Cheap enough to call
   * before every batch (idle connections close after a few seconds).
   */
  warmUp?(): Promise<void>;
}

/**
 * InDoubtHeld is findSent's answer from a carrier that cannot be asked about a send (SMPP) and whose setting says an
 * operator decides (inDoubt: hold): the message stays in doubt, counted as such, and is never resent by itself.
 */
export class InDoubtHeld extends Error {
  override readonly name: string = 'InDoubtHeld';
}

/** Twilio's error code for a recipient who has unsubscribed at the carrier (STOP). */
export const OPTED_OUT_CODE = 21610;
/** Twilio's error code for a 'To' number it cannot deliver to. */
export const INVALID_NUMBER_CODE = 21211;

/**
 * CarrierUnavailableError marks a transient failure (429, 5xx, timeout, network error): the message was not
 * refused, so the caller must retry it later rather than drop it. retryAfterMs carries the carrier's hint, if any.
 */
export class CarrierUnavailableError extends Error {
  override readonly name: string = 'CarrierUnavailableError';
  readonly status: number | null;
  readonly retryAfterMs: number | null;

  constructor(
    message: string,
    options: { status?: number | null; retryAfterMs?: number | null; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

/**
 * CarrierRefusalUnknown is a refusal whose code the engine does not know: retried as transient (it may pass), and
 * once the carrier has kept refusing past the engine's patience, the campaign pauses on it rather than fail a list.
 */
export class CarrierRefusalUnknown extends CarrierUnavailableError {
  override readonly name: string = 'CarrierRefusalUnknown';
  constructor(
    readonly code: number | null,
    message: string,
    options: { status?: number | null } = {},
  ) {
    super(message, options);
  }
}

/**
 * CarrierInDoubtError marks a send whose request may have reached the carrier with no answer back (a timeout, a
 * connection dropped after the request was written, a process killed): it must be looked up (Carrier.findSent)
 * before it is sent again, because the carrier may well have accepted it.
 */
export class CarrierInDoubtError extends CarrierUnavailableError {
  override readonly name: string = 'CarrierInDoubtError';
}
