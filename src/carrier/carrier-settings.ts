// What a business unit's carrier is made of, per kind: the settings (stored and answered) and the secrets (stored
// sealed, never answered). The API's schemas check the shapes; this module owns the defaults and which field belongs to
// which kind, for every path that creates, changes or loads a carrier.

/** CARRIER_KINDS are the carrier adapters a business unit can configure. */
export const CARRIER_KINDS = ['twilio', 'smpp'] as const;
export type CarrierKind = (typeof CARRIER_KINDS)[number];

/** InDoubtPolicy is what happens to a submit_sm left unanswered by a dropped bind (SMPP cannot be asked about it). */
export type InDoubtPolicy = 'resend' | 'hold';
/** LongMessageMode is how a message past one segment travels over SMPP. */
export type LongMessageMode = 'udh' | 'message_payload';

/** TwilioCarrierSettings reach a Twilio-compatible REST carrier (its auth token is the secret). */
export interface TwilioCarrierSettings {
  apiUrl: string;
  accountSid: string;
}

/** SmppCarrierSettings reach an SMSC over SMPP 3.4 (its password is the secret). */
export interface SmppCarrierSettings {
  host: string;
  port: number;
  systemId: string;
  systemType: string;
  bindMode: 'transceiver';
  /** Outstanding submit_sm allowed before the next waits for a response. */
  windowSize: number;
  enquireLinkSeconds: number;
  /** null: from the sender's address (alphanumeric 5/0, international number 1/1, short code 3/0). */
  sourceTon: number | null;
  sourceNpi: number | null;
  destTon: number;
  destNpi: number;
  /** The data_coding a GSM-7 body is sent with (0: the SMSC's default alphabet; some SMSCs want 1). */
  defaultDataCoding: number;
  longMessages: LongMessageMode;
  inDoubt: InDoubtPolicy;
}

export type CarrierSettingsOf<K extends CarrierKind> = K extends 'twilio' ? TwilioCarrierSettings : SmppCarrierSettings;

/** SECRET_FIELDS names each kind's write-only fields. */
export const SECRET_FIELDS = { twilio: ['authToken'], smpp: ['password'] } as const satisfies Record<
  CarrierKind,
  readonly string[]
>;

/** SMPP_DEFAULTS are an SMPP carrier's settings when the request leaves them out. */
export const SMPP_DEFAULTS: Omit<SmppCarrierSettings, 'host' | 'port' | 'systemId'> = {
  systemType: '',
  bindMode: 'transceiver',
  windowSize: 10,
  enquireLinkSeconds: 30,
  sourceTon: null,
  sourceNpi: null,
  destTon: 1,
  destNpi: 1,
  defaultDataCoding: 0,
  longMessages: 'udh',
  // At-least-once, as a Twilio send with no answer is resent once the carrier's list does not show it.
  inDoubt: 'resend',
};

const SETTING_FIELDS: Record<CarrierKind, readonly string[]> = {
  twilio: ['apiUrl', 'accountSid'],
  smpp: ['host', 'port', 'systemId', ...Object.keys(SMPP_DEFAULTS)],
};

/** CarrierAccount is one business unit's carrier as the worker needs it: settings and opened secrets. */
export type CarrierAccount =
  | { id: string; kind: 'twilio'; settings: TwilioCarrierSettings; secrets: { authToken: string }; version: string }
  | { id: string; kind: 'smpp'; settings: SmppCarrierSettings; secrets: { password: string }; version: string };

/** fieldsOfKind tells a kind's setting fields and secret fields. */
export function fieldsOfKind(kind: CarrierKind): { settings: readonly string[]; secrets: readonly string[] } {
  return { settings: SETTING_FIELDS[kind], secrets: SECRET_FIELDS[kind] };
}

/** foreignField names the first field of a request that the kind does not have (a Twilio carrier has no host). */
export function foreignField(kind: CarrierKind, request: Record<string, unknown>): string | null {
  const own = new Set<string>(['name', 'kind', ...SETTING_FIELDS[kind], ...SECRET_FIELDS[kind]]);
  return Object.keys(request).find((field) => request[field] !== undefined && !own.has(field)) ?? null;
}

/** splitCarrierRequest separates a request's settings (defaults filled for a new SMPP carrier) from its secrets. */
export function splitCarrierRequest(
  kind: CarrierKind,
  request: Record<string, unknown>,
  base: Record<string, unknown> | null,
): { settings: Record<string, unknown>; secrets: Record<string, string> } {
  const settings: Record<string, unknown> = { ...(base ?? (kind === 'smpp' ? SMPP_DEFAULTS : {})) };
  for (const field of SETTING_FIELDS[kind]) if (request[field] !== undefined) settings[field] = request[field];
  const secrets: Record<string, string> = {};
  for (const field of SECRET_FIELDS[kind]) if (typeof request[field] === 'string') secrets[field] = request[field];
  return { settings, secrets };
}

/** carrierHostOf is the host a carrier's settings reach (the SMSC's, or the REST base URL's). */
export function carrierHostOf(kind: CarrierKind, settings: Record<string, unknown>): string {
  if (kind === 'smpp') return String(settings.host ?? '');
  try {
    return new URL(String(settings.apiUrl ?? '')).hostname;
  } catch {
    return '';
  }
}

/**
 * isCarrierHostAllowed tells whether a host is in CARRIER_HOSTS_ALLOWED (null: any host). Test systems allow only
 * loopback, so carriers a fuzzer invents are refused instead of bound by every worker sharing the database.
 */
export function isCarrierHostAllowed(host: string, allowed: readonly string[] | null): boolean {
  return allowed === null || allowed.includes(host.toLowerCase());
}
