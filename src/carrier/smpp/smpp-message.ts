// An outbound SMS as submit_sm PDUs: the body coded as the template module measures it (GSM-7 as data_coding 0, or
// the carrier's default coding, else UCS-2 as 8), cut into the same segments, sent as concatenated parts with a user
// data header or whole in message_payload, asking for a delivery receipt, with the validity left as a relative time.
import { splitSms } from '../../templates';
import type { SmppCarrierSettings } from '../carrier-settings';
import { encodeGsm7 } from './smpp-wire';

const UCS2 = 0x08;
const UDH_INDICATOR = 0x40;
// registered_delivery: an SMSC delivery receipt on success or failure.
const RECEIPT_ON_FINAL = 0x01;

/** SmppAddress is an SMPP address with its type of number and numbering plan. */
export interface SmppAddress {
  ton: number;
  npi: number;
  addr: string;
}

/** sourceAddress is a sender's address as SMPP writes it: alphanumeric 5/0, short code 3/0, E.164 1/1 (no '+'). */
export function sourceAddress(address: string, settings: Pick<SmppCarrierSettings, 'sourceTon' | 'sourceNpi'>) {
  const digits = address.replace(/^\+/, '');
  const auto = /^\d+$/.test(digits)
    ? address.startsWith('+')
      ? { ton: 1, npi: 1 }
      : { ton: 3, npi: 0 }
    : { ton: 5, npi: 0 };
  return { ton: settings.sourceTon ?? auto.ton, npi: settings.sourceNpi ?? auto.npi, addr: digits };
}

/** destinationAddress is a contact's E.164 number as SMPP writes it (without '+'). */
export function destinationAddress(phone: string, settings: Pick<SmppCarrierSettings, 'destTon' | 'destNpi'>) {
  return { ton: settings.destTon, npi: settings.destNpi, addr: phone.replace(/^\+/, '') };
}

/** relativeValidity writes seconds as SMPP's relative time (YYMMDDhhmmss000R). */
export function relativeValidity(seconds: number): string {
  let rest = Math.max(1, Math.floor(seconds));
  const field = (size: number) => {
    const value = rest % size;
    rest = Math.floor(rest / size);
    return value;
  };
  const [s, m, h] = [field(60), field(60), field(24)];
  const days = rest;
  const two = (n: number) => String(n).padStart(2, '0');
  return `0000${two(days)}${two(h)}${two(m)}${two(s)}000R`;
}

/** SubmitSmFields are the fields of one submit_sm that differ per message (addresses and options come apart). */
export type SubmitSmFields = Record<string, unknown>;

/**
 * submitSmParts codes a body into the fields of each submit_sm it takes: one for a single segment or for
 * message_payload, else one per segment with a user data header (IEI 0, an 8-bit reference shared by the parts).
 */
export function submitSmParts(
  body: string,
  settings: Pick<SmppCarrierSettings, 'defaultDataCoding' | 'longMessages'>,
  reference: number,
): SubmitSmFields[] {
  const { encoding, parts } = splitSms(body);
  const dataCoding = encoding === 'GSM-7' ? settings.defaultDataCoding : UCS2;
  const code = (text: string) => (encoding === 'GSM-7' ? encodeGsm7(text) : Buffer.from(swapUtf16(text)));
  const common = { data_coding: dataCoding, registered_delivery: RECEIPT_ON_FINAL };
  if (parts.length <= 1) return [{ ...common, esm_class: 0, short_message: code(body) }];
  if (settings.longMessages === 'message_payload')
    return [{ ...common, esm_class: 0, short_message: Buffer.alloc(0), message_payload: code(body) }];
  return parts.map((part, i) => ({
    ...common,
    esm_class: UDH_INDICATOR,
    short_message: Buffer.concat([Buffer.from([5, 0, 3, reference & 0xff, parts.length, i + 1]), code(part)]),
  }));
}

// UCS-2 on the wire is big-endian UTF-16 (surrogate pairs as they are, as every SMSC takes them).
function swapUtf16(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'utf16le');
  return bytes.swap16();
}
