import { randomUUID } from 'node:crypto';
import {
  deleteCarrier,
  getCarrier,
  getCarrierById,
  insertCarrier,
  twilioCarriersOfAccount,
  updateCarrier,
} from '../db/carriers';
import type { CarrierRow, Db } from '../db/schema';
import { InvalidInput, NotAllowedNow, NotFound } from '../domain-errors';
import { openSecrets, sealSecrets } from './carrier-secrets';
import {
  CarrierAccount,
  carrierHostOf,
  CarrierKind,
  foreignField,
  isCarrierHostAllowed,
  SECRET_FIELDS,
  splitCarrierRequest,
} from './carrier-settings';

// The one owner of a business unit's carriers: the API, the senders (which may name one) and the worker (which sends
// through it) all come here, so the secrets are sealed and opened in one place and never leave it but to the adapter.

/** CarrierRequest is POST /carriers or PATCH /carriers/:id, settings and secrets mixed as the client writes them. */
export type CarrierRequest = { name?: string; kind?: CarrierKind } & Record<string, unknown>;

// A carrier whose host the server may not reach (CARRIER_HOSTS_ALLOWED) is refused, naming the field that holds it.
function checkHost(kind: CarrierKind, settings: Record<string, unknown>, allowed: readonly string[] | null): void {
  const host = carrierHostOf(kind, settings);
  if (!isCarrierHostAllowed(host, allowed))
    throw new InvalidInput(
      `${host} is not among this server's CARRIER_HOSTS_ALLOWED`,
      kind === 'smpp' ? 'host' : 'apiUrl',
    );
}

function requireKey(key: Buffer | null): Buffer {
  if (!key) throw new NotAllowedNow('carriers cannot be stored or used: CARRIER_SECRETS_KEY is not set on this server');
  return key;
}

/** createCarrier stores a new carrier of the business unit, its secrets sealed. */
export async function createCarrier(
  db: Db,
  key: Buffer | null,
  businessUnitId: string,
  request: CarrierRequest & { name: string; kind: CarrierKind },
  allowedHosts: readonly string[] | null = null,
): Promise<CarrierRow> {
  const sealKey = requireKey(key);
  const foreign = foreignField(request.kind, request);
  if (foreign) throw new InvalidInput(`a ${request.kind} carrier has no field ${foreign}`, foreign);
  const { settings, secrets } = splitCarrierRequest(request.kind, request, null);
  checkHost(request.kind, settings, allowedHosts);
  const missing = SECRET_FIELDS[request.kind].find((field) => secrets[field] === undefined);
  if (missing) throw new InvalidInput('is required', missing);
  const id = randomUUID();
  return insertCarrier(db, {
    id,
    businessUnitId,
    name: request.name,
    kind: request.kind,
    settings,
    secrets: sealSecrets(sealKey, id, secrets),
  });
}

/** changeCarrier applies a PATCH: named settings replaced, a secret given is sealed anew, the kind never changes. */
export async function changeCarrier(
  db: Db,
  key: Buffer | null,
  businessUnitId: string,
  id: string,
  request: CarrierRequest,
  allowedHosts: readonly string[] | null = null,
): Promise<CarrierRow> {
  const sealKey = requireKey(key);
  const current = await getCarrier(db, businessUnitId, id);
  if (!current) throw new NotFound('carrier', id);
  const kind = current.kind as CarrierKind;
  if (request.kind !== undefined && request.kind !== kind)
    throw new InvalidInput(`a carrier's kind cannot change (this one is ${kind}): create another carrier`, 'kind');
  const foreign = foreignField(kind, request);
  if (foreign) throw new InvalidInput(`a ${kind} carrier has no field ${foreign}`, foreign);
  const { settings, secrets } = splitCarrierRequest(kind, request, current.settings);
  checkHost(kind, settings, allowedHosts);
  const kept = openSecrets(sealKey, id, current.secrets);
  const updated = await updateCarrier(db, businessUnitId, id, {
    name: request.name ?? current.name,
    settings,
    secrets: sealSecrets(sealKey, id, { ...kept, ...secrets }),
  });
  if (!updated) throw new NotFound('carrier', id);
  return updated;
}

/** removeCarrier deletes a carrier no sender uses (NotAllowedNow naming them otherwise). */
export async function removeCarrier(db: Db, businessUnitId: string, id: string): Promise<void> {
  if ((await deleteCarrier(db, businessUnitId, id)) === 'missing') throw new NotFound('carrier', id);
}

/** checkSenderCarrier refuses a carrierId that names no carrier of the business unit (400 naming carrierId). */
export async function checkSenderCarrier(db: Db, businessUnitId: string, carrierId: string | null | undefined) {
  if (!carrierId) return;
  if (!(await getCarrier(db, businessUnitId, carrierId)))
    throw new InvalidInput(`no carrier ${carrierId} in this business unit`, 'carrierId');
}

/** loadCarrierAccount opens a carrier for the worker's adapter; undefined when it was deleted. */
export async function loadCarrierAccount(db: Db, key: Buffer | null, id: string): Promise<CarrierAccount | undefined> {
  const row = await getCarrierById(db, id);
  if (!row) return undefined;
  const secrets = openSecrets(requireKey(key), id, row.secrets);
  return {
    id,
    kind: row.kind,
    settings: row.settings,
    secrets,
    version: new Date(row.updated_at).toISOString(),
  } as unknown as CarrierAccount;
}

/**
 * webhookTokensOf are the auth tokens of the business units' Twilio carriers of an account: their webhooks (receipts,
 * replies) are signed with those, not with the environment's TWILIO_AUTH_TOKEN.
 */
export async function webhookTokensOf(db: Db, key: Buffer | null, accountSid: string): Promise<string[]> {
  if (!key) return [];
  const rows = await twilioCarriersOfAccount(db, accountSid);
  return rows.map((row) => openSecrets(key, row.id, row.secrets).authToken).filter((t): t is string => !!t);
}
