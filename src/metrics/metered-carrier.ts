import { Carrier, CarrierUnavailableError, INVALID_NUMBER_CODE, OPTED_OUT_CODE, SendOutcome } from '../carrier/carrier';
import { log } from '../log';
import { carrierErrors, carrierSends } from './registry';

/** CarrierErrorKind names a carrier failure the way an operator reads a dashboard. */
export type CarrierErrorKind =
  | 'throttled'
  | 'unavailable'
  | 'timeout'
  | 'unreachable'
  | 'invalid_number'
  | 'opted_out'
  | 'rejected'
  | 'sender_refused';

/** errorKindOfOutcome classifies a permanent refusal; an accepted send is no error (null). */
export function errorKindOfOutcome(outcome: SendOutcome): CarrierErrorKind | null {
  if (outcome.kind === 'accepted') return null;
  if (outcome.kind === 'sender_refused') return 'sender_refused';
  if (outcome.kind === 'opted_out' || outcome.code === OPTED_OUT_CODE) return 'opted_out';
  return outcome.code === INVALID_NUMBER_CODE ? 'invalid_number' : 'rejected';
}

/** errorKindOfFailure classifies a transient failure (the send is retried with the same idempotency key). */
export function errorKindOfFailure(error: CarrierUnavailableError): CarrierErrorKind {
  if (error.status === 429) return 'throttled';
  if (error.status !== null) return 'unavailable';
  return /did not answer within/.test(error.message) ? 'timeout' : 'unreachable';
}

/** meteredCarrier counts sends per sender and carrier errors by kind around any Carrier, and logs the failures. */
export function meteredCarrier(carrier: Carrier): Carrier {
  return {
    warmUp: () => carrier.warmUp?.() ?? Promise.resolve(),
    findSent: (query) => carrier.findSent(query),
    async send(sms) {
      let outcome: SendOutcome;
      try {
        outcome = await carrier.send(sms);
      } catch (error) {
        if (error instanceof CarrierUnavailableError) {
          const kind = errorKindOfFailure(error);
          carrierErrors.inc({ kind });
          log.debug(
            { kind, sender: sms.from, to: sms.to, idempotencyKey: sms.idempotencyKey, err: error.message },
            'carrier send will be retried',
          );
        }
        throw error;
      }
      carrierSends.inc({ sender: sms.from, outcome: outcome.kind });
      const kind = errorKindOfOutcome(outcome);
      if (kind) {
        carrierErrors.inc({ kind });
        const reason = outcome.kind === 'accepted' ? '' : outcome.message;
        log.info(
          { kind, sender: sms.from, to: sms.to, idempotencyKey: sms.idempotencyKey, reason },
          'carrier refused a message',
        );
      }
      return outcome;
    },
  };
}
