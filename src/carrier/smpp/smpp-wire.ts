// The npm `smpp` package (untyped JavaScript) seen through the few types this project uses: sessions, PDUs, command
// statuses and the GSM 03.38 coder. Everything SMPP-specific in src/ imports it from here, never the package.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const smpp = require('smpp') as SmppLibrary;

/** Pdu is one SMPP PDU as the library decodes it: mandatory fields and known TLVs by name, unknown TLVs by tag. */
export interface Pdu {
  command: string;
  command_status: number;
  sequence_number: number;
  isResponse(): boolean;
  toBuffer(): Buffer;
  response(fields?: Record<string, unknown>): Pdu;
  [field: string]: unknown;
}

/** SmppSession is one TCP connection to an SMSC (or, on the server side, from an ESME). */
export interface SmppSession {
  send(pdu: Pdu, onResponse?: (pdu: Pdu) => void): boolean;
  on(event: 'connect' | 'close', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'pdu' | string, listener: (pdu: Pdu) => void): this;
  close(): void;
  destroy(): void;
  socket: { remoteAddress?: string; setNoDelay?(noDelay: boolean): void };
  [command: string]: unknown;
}

/** SmppServer accepts ESME binds (the project's own SMSC simulator). */
export interface SmppServer {
  listen(port: number, host: string, callback: () => void): void;
  close(callback?: () => void): void;
  address(): { port: number } | string | null;
  sessions: SmppSession[];
  on(event: 'session', listener: (session: SmppSession) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

interface SmppLibrary {
  connect(options: { host: string; port: number }): SmppSession;
  createServer(options: Record<string, never>, listener: (session: SmppSession) => void): SmppServer;
  PDU: new (command: string, fields?: Record<string, unknown>) => Pdu;
  errors: Record<string, number>;
  encodings: { ASCII: { encode(text: string): Buffer; decode(bytes: Buffer): string } };
}

/** pdu builds a PDU of a command with its fields. */
export function pdu(command: string, fields: Record<string, unknown> = {}): Pdu {
  return new smpp.PDU(command, fields);
}

/** connectSmpp opens a TCP connection to an SMSC (bind it next). */
export function connectSmpp(host: string, port: number): SmppSession {
  return smpp.connect({ host, port });
}

/** createSmppServer accepts ESMEs (for the project's own simulator). */
export function createSmppServer(listener: (session: SmppSession) => void): SmppServer {
  return smpp.createServer({}, listener);
}

/** STATUS are SMPP 3.4's command_status values by name (ESME_ROK, ESME_RTHROTTLED, ...). */
export const STATUS: Readonly<Record<string, number>> = smpp.errors;

const STATUS_NAMES = new Map(Object.entries(smpp.errors).map(([name, value]) => [value, name]));

/** statusName names a command_status as SMPP 3.4 does (ESME_RTHROTTLED), or its hex value when it has no name. */
export function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? `0x${status.toString(16).padStart(8, '0')}`;
}

/** encodeGsm7 writes GSM 03.38 default-alphabet text as unpacked septets (extension characters escaped). */
export function encodeGsm7(text: string): Buffer {
  return smpp.encodings.ASCII.encode(text);
}

/** decodeGsm7 reads unpacked GSM 03.38 septets. */
export function decodeGsm7(bytes: Buffer): string {
  return smpp.encodings.ASCII.decode(bytes);
}
