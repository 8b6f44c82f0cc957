// The SMPP 3.4 adapter behind the Carrier contract: one bind per carrier per worker process; answers mapped onto the
// same outcomes as the REST adapter's; receipts and replies (deliver_sm) fed to the same intakes as Twilio's webhooks.
import { randomUUID } from 'node:crypto';
import { knownCarrierSids } from '../../db/messages';
import type { Db } from '../../db/schema';
import { log } from '../../log';
import { createReceiptIntake } from '../../outbound/receipt-intake';
import { createInboundIntake } from '../../replies/inbound-intake';
import {
  CarrierInDoubtError,
  CarrierRefusalUnknown,
  CarrierUnavailableError,
  InDoubtHeld,
  INVALID_NUMBER_CODE,
  type Carrier,
  type OutboundSms,
  type SendOutcome,
} from '../carrier';
import type { ClosableCarrier } from '../carrier-router';
import type { SmppCarrierSettings } from '../carrier-settings';
import { SmppBind, SubmitFailure } from './smpp-bind';
import { canonicalMessageId, messageIdForms, readDeliverSm } from './smpp-deliver';
import { destinationAddress, relativeValidity, sourceAddress, submitSmParts } from './smpp-message';
import { pdu, Pdu, STATUS, statusName } from './smpp-wire';
import { ReceiptMatcher } from './receipt-matcher';

/** SmppCarrierOptions are one SMPP carrier of a business unit and the store its receipts and replies go to. */
export interface SmppCarrierOptions {
  carrierId: string;
  settings: SmppCarrierSettings;
  password: string;
  db: Db;
  responseTimeoutMs?: number;
}

// The SMSC says it is busy: transient, and every submit on the bind waits this long (doubling while it lasts).
const TRANSIENT = new Set([STATUS.ESME_RTHROTTLED, STATUS.ESME_RMSGQFUL]);
const THROTTLE_PAUSE_MS = 1000;
// Refusals about the recipient (the message fails) and about the sender or the account (the campaign pauses).
const RECIPIENT_REFUSALS = new Set([STATUS.ESME_RINVDSTADR, STATUS.ESME_RINVDSTTON, STATUS.ESME_RINVDSTNPI]);
const SENDER_REFUSALS = new Set([
  STATUS.ESME_RINVSRCADR,
  STATUS.ESME_RINVSRCTON,
  STATUS.ESME_RINVSRCNPI,
  STATUS.ESME_RINVPASWD,
  STATUS.ESME_RINVSYSID,
  STATUS.ESME_RBINDFAIL,
  STATUS.ESME_RINVSYSTYP,
  STATUS.ESME_RSERTYPDENIED,
  STATUS.ESME_RPROHIBITED,
]);

/** SmppCarrier is the adapter, with its bind exposed for tests that watch it rebind. */
export type SmppCarrier = ClosableCarrier & { bind: SmppBind; close(): Promise<void> };

/** createSmppCarrier binds to the SMSC at once (the bind is kept up from then on) and sends through it. */
export function createSmppCarrier(options: SmppCarrierOptions): SmppCarrier {
  const { settings, carrierId } = options;
  const receipts = createReceiptIntake({ db: options.db });
  // SMPP replies are stored here; the API's forwarder sweep hands them to the conversation workflows (as it does
  // for a webhook whose process died), so the worker needs no Temporal client.
  const replies = createInboundIntake({ db: options.db, forwarder: { leaseMs: 0, forward: () => false } });
  const sidOf = (id: string) => `smpp:${carrierId}:${canonicalMessageId(id)}`;
  const matcher = new ReceiptMatcher({
    sidOf,
    known: async (sids) => knownCarrierSids(options.db, sids),
    apply: (sid, receipt) =>
      receipts
        .receive({ carrierSid: sid, status: receipt.status, errorCode: receipt.errorCode, messageId: null })
        .then(() => undefined),
  });
  let throttlePauseMs = THROTTLE_PAUSE_MS;
  let reference = Math.floor(Math.random() * 256);

  const bind = new SmppBind({
    carrierId,
    settings,
    password: options.password,
    responseTimeoutMs: options.responseTimeoutMs,
    async onDeliver(delivered: Pdu) {
      const read = readDeliverSm(delivered);
      if (read.kind === 'receipt') return matcher.receipt(messageIdForms(read.messageId), read);
      await replies.receive({
        messageSid: `SMPP${randomUUID().replace(/-/g, '')}`,
        from: read.from,
        to: read.to,
        body: read.body,
      });
    },
  });

  async function submitOne(sms: OutboundSms, fields: Record<string, unknown>): Promise<Pdu> {
    const source = sourceAddress(sms.from, settings);
    const destination = destinationAddress(sms.to, settings);
    const command = pdu('submit_sm', {
      service_type: '',
      source_addr_ton: source.ton,
      source_addr_npi: source.npi,
      source_addr: source.addr,
      dest_addr_ton: destination.ton,
      dest_addr_npi: destination.npi,
      destination_addr: destination.addr,
      ...(sms.validityPeriodSeconds !== undefined && { validity_period: relativeValidity(sms.validityPeriodSeconds) }),
      ...fields,
    });
    try {
      return await bind.submit(command);
    } catch (error) {
      if (!(error instanceof SubmitFailure)) throw error;
      if (error.written) throw new CarrierInDoubtError(`SMPP ${error.message}`, { cause: error });
      throw new CarrierUnavailableError(error.message, { cause: error });
    }
  }

  function outcomeOf(answer: Pdu): SendOutcome | null {
    const status = answer.command_status;
    if (answer.command === 'generic_nack') {
      throw new CarrierRefusalUnknown(status, `the SMSC answered generic_nack: ${statusName(status)}`);
    }
    if (status === STATUS.ESME_ROK) return null;
    const message = `the SMSC refused the submit_sm: ${statusName(status)}`;
    if (TRANSIENT.has(status)) {
      bind.pause(throttlePauseMs);
      const retryAfterMs = throttlePauseMs;
      throttlePauseMs = Math.min(throttlePauseMs * 2, 30_000);
      // Shown as 429 (throttled) on the carrier error metrics, as Twilio's 429 is.
      throw new CarrierUnavailableError(message, { status: 429, retryAfterMs });
    }
    if (RECIPIENT_REFUSALS.has(status)) return { kind: 'rejected', code: INVALID_NUMBER_CODE, message };
    if (SENDER_REFUSALS.has(status)) return { kind: 'sender_refused', code: status, message };
    throw new CarrierRefusalUnknown(status, message);
  }

  const carrier: SmppCarrier = {
    bind,
    async send(sms: OutboundSms): Promise<SendOutcome> {
      reference = (reference + 1) & 0xff;
      const parts = submitSmParts(sms.body, settings, reference);
      const ids: string[] = [];
      for (const fields of parts) {
        let answer: Pdu;
        try {
          answer = await submitOne(sms, fields);
        } catch (error) {
          // A bind the SMSC refuses (a wrong password) is the account's trouble, not the recipient's.
          const cause = (error as { cause?: unknown }).cause;
          if (cause instanceof SubmitFailure && cause.bindStatus !== null && SENDER_REFUSALS.has(cause.bindStatus))
            return { kind: 'sender_refused', code: cause.bindStatus, message: cause.message };
          // A later part that fails leaves earlier ones at the SMSC: the message is in doubt, not unsent.
          if (ids.length > 0 && error instanceof CarrierUnavailableError && !(error instanceof CarrierInDoubtError))
            throw new CarrierInDoubtError(`part ${ids.length + 1} of ${parts.length}: ${error.message}`);
          throw error;
        }
        const refused = outcomeOf(answer);
        if (refused) return refused;
        throttlePauseMs = THROTTLE_PAUSE_MS;
        ids.push(String(answer.message_id ?? ''));
      }
      // Every part's receipt lands on the message: the first part's id is its sid.
      const sid = sidOf(ids[0]);
      await matcher.submitted(
        sid,
        ids.map((id) => sidOf(id)),
      );
      return { kind: 'accepted', sid };
    },
    async findSent() {
      // SMPP has no way to ask the SMSC what it took: an in-doubt submit_sm is resent once settled (at-least-once),
      // or held in doubt for an operator to decide.
      if (settings.inDoubt === 'hold')
        throw new InDoubtHeld(`carrier ${carrierId} holds submit_sm left unanswered for an operator (inDoubt: hold)`);
      return [];
    },
    close: () => bind.close(),
  };
  log.info({ carrierId, host: settings.host, port: settings.port, windowSize: settings.windowSize }, 'SMPP carrier');
  return carrier;
}

export type { Carrier };
