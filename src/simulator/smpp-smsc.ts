// The project's own SMSC, for what a third-party simulator cannot be made to do on cue: replies from handsets,
// throttling (ESME_RTHROTTLED), generic_nack, an unbind from the SMSC, and submit_sm left unanswered when the bind
// drops (in doubt). Built on the server side of the same npm smpp package the adapter uses.
import { createSmppServer, pdu, Pdu, SmppServer, SmppSession, STATUS } from '../carrier/smpp/smpp-wire';

/** SmscOptions are the simulator's credentials and how soon it sends receipts. */
export interface SmscOptions {
  systemId?: string;
  password?: string;
  /** Delay from submit_sm_resp to the delivery receipt; null sends none. Default 20 ms. */
  receiptDelayMs?: number | null;
}

/** SubmittedSm is one submit_sm the SMSC accepted, as it read it. */
export interface SubmittedSm {
  messageId: string;
  from: string;
  to: string;
  dataCoding: number;
  esmClass: number;
  /** The text as the SMSC decoded it (by data_coding), from short_message or message_payload. */
  text: string;
  /** The user data header's elements (a concatenated part's is 00 03 ref total seq), or null. */
  udh: Buffer | null;
  viaPayload: boolean;
  /** When the message's validity ends (validity_period, which the library reads as a date), or null. */
  validUntil: Date | null;
  registeredDelivery: number;
}

/** SmscFaults are what the next submit_sm get instead of an ESME_ROK. */
export interface SmscFaults {
  /** Answered ESME_RTHROTTLED. */
  throttleNext: number;
  /** Answered generic_nack (ESME_RSYSERR). */
  genericNackNext: number;
  /** Taken and never answered; once this many are held, the connection is dropped (the bind drops mid-window). */
  swallowThenDrop: number;
}

/** Smsc is a running simulator: what it took, and the controls a test uses. */
export interface Smsc {
  port: number;
  submitted: SubmittedSm[];
  faults: SmscFaults;
  binds: number;
  /** reply sends a deliver_sm from a handset to one of our numbers over every bound session. */
  reply(from: string, to: string, text: string): Promise<void>;
  /** unbind asks every bound ESME to unbind (an SMSC going down for maintenance). */
  unbind(): void;
  close(): Promise<void>;
}

/** startSmsc listens on a loopback port (0: any free one). */
export async function startSmsc(options: SmscOptions = {}, port = 0): Promise<Smsc> {
  const systemId = options.systemId ?? 'esme';
  const password = options.password ?? 'secret';
  const receiptDelayMs = options.receiptDelayMs === undefined ? 20 : options.receiptDelayMs;
  const bound = new Set<SmppSession>();
  let nextId = 0x1000;
  const smsc: Smsc = {
    port: 0,
    submitted: [],
    faults: { throttleNext: 0, genericNackNext: 0, swallowThenDrop: 0 },
    binds: 0,
    async reply(from, to, text) {
      const fields = {
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: from.replace(/^\+/, ''),
        dest_addr_ton: to.startsWith('+') ? 1 : 3,
        dest_addr_npi: 1,
        destination_addr: to.replace(/^\+/, ''),
        esm_class: 0,
        data_coding: 0,
        short_message: Buffer.from(text, 'latin1'),
      };
      await Promise.all(
        [...bound]
          .slice(0, 1)
          .map((session) => new Promise<void>((resolve) => session.send(pdu('deliver_sm', fields), () => resolve()))),
      );
    },
    unbind() {
      for (const session of bound) session.send(pdu('unbind'));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of server.sessions) session.destroy();
        server.close(() => resolve());
      }),
  };

  const swallowed = new Map<SmppSession, number>();
  function submit(session: SmppSession, request: Pdu): void {
    const faults = smsc.faults;
    if (faults.swallowThenDrop > 0) {
      const held = (swallowed.get(session) ?? 0) + 1;
      swallowed.set(session, held);
      if (held >= faults.swallowThenDrop) {
        faults.swallowThenDrop = 0;
        swallowed.delete(session);
        session.destroy();
      }
      return;
    }
    if (faults.throttleNext > 0) {
      faults.throttleNext -= 1;
      session.send(request.response({ command_status: STATUS.ESME_RTHROTTLED }));
      return;
    }
    if (faults.genericNackNext > 0) {
      faults.genericNackNext -= 1;
      const nack = pdu('generic_nack', { command_status: STATUS.ESME_RSYSERR });
      nack.sequence_number = request.sequence_number;
      session.send(nack);
      return;
    }
    // Hex in the response, decimal with leading zeros in the receipt: the mix real SMSCs are known for.
    const id = nextId++;
    const messageId = id.toString(16).toUpperCase();
    const payload = request.message_payload as { message?: unknown } | Buffer | undefined;
    const short = request.short_message as { message?: unknown; udh?: unknown } | Buffer | undefined;
    smsc.submitted.push({
      messageId,
      from: String(request.source_addr),
      to: String(request.destination_addr),
      dataCoding: Number(request.data_coding),
      esmClass: Number(request.esm_class),
      text: textOf(payload ?? short),
      udh: udhOf(short),
      viaPayload: payload !== undefined,
      validUntil: request.validity_period instanceof Date ? request.validity_period : null,
      registeredDelivery: Number(request.registered_delivery),
    });
    session.send(request.response({ message_id: messageId }));
    if (receiptDelayMs === null || !(Number(request.registered_delivery) & 1)) return;
    setTimeout(() => {
      const text = `id:${String(id).padStart(10, '0')} sub:001 dlvrd:001 submit date:2612031000 done date:2612031000 stat:DELIVRD err:000 text:`;
      session.send(
        pdu('deliver_sm', {
          source_addr: String(request.destination_addr),
          destination_addr: String(request.source_addr),
          esm_class: 0x04,
          short_message: Buffer.from(text, 'latin1'),
        }),
      );
    }, receiptDelayMs);
  }

  const server: SmppServer = createSmppServer((session) => {
    session.on('error', () => undefined);
    session.on('close', () => bound.delete(session));
    session.on('bind_transceiver', (request: Pdu) => {
      if (request.system_id !== systemId || request.password !== password) {
        session.send(request.response({ command_status: STATUS.ESME_RINVPASWD }));
        return;
      }
      smsc.binds += 1;
      bound.add(session);
      session.send(request.response({ system_id: 'simsmsc' }));
    });
    session.on('submit_sm', (request: Pdu) => submit(session, request));
    session.on('enquire_link', (request: Pdu) => session.send(request.response()));
    session.on('unbind', (request: Pdu) => {
      bound.delete(session);
      session.send(request.response());
      session.close();
    });
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  smsc.port = typeof address === 'object' && address ? address.port : port;
  return smsc;
}

// The library decodes short_message and message_payload into {message, udh} by data_coding.
function textOf(field: { message?: unknown } | Buffer | undefined): string {
  if (!field) return '';
  if (Buffer.isBuffer(field)) return field.toString('latin1');
  return String(field.message ?? '');
}

function udhOf(field: { udh?: unknown } | Buffer | undefined): Buffer | null {
  if (!field || Buffer.isBuffer(field) || !Array.isArray(field.udh) || field.udh.length === 0) return null;
  return Buffer.concat(field.udh as Buffer[]);
}
