// Carrier secrets (a Twilio auth token, an SMPP password) are stored only as AES-256-GCM ciphertext under the key in
// CARRIER_SECRETS_KEY: a copy of the database alone gives no one the carriers' credentials. The carrier's id is the
// authenticated data, so a ciphertext copied onto another carrier's row does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
// The stored form says its scheme, so a later one (another key, a KMS) can be told apart from this one.
const VERSION = 'v1';

/** CarrierSecrets are the write-only fields of a carrier: never answered, never logged. */
export type CarrierSecrets = Record<string, string>;

/** parseSecretsKey reads CARRIER_SECRETS_KEY: 32 bytes as 64 hex digits or base64; throws naming the variable. */
export function parseSecretsKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32)
    throw new Error('CARRIER_SECRETS_KEY must be 32 random bytes as 64 hex digits or base64 (openssl rand -hex 32)');
  return key;
}

/** generateSecretsKey makes a new key in the form CARRIER_SECRETS_KEY takes (64 hex digits). */
export function generateSecretsKey(): string {
  return randomBytes(32).toString('hex');
}

/** sealSecrets encrypts a carrier's secrets for its row. */
export function sealSecrets(key: Buffer, carrierId: string, secrets: CarrierSecrets): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(carrierId));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')}`;
}

/** openSecrets decrypts a carrier's secrets; throws (without the secrets) when the key or the row is not the one. */
export function openSecrets(key: Buffer, carrierId: string, stored: string): CarrierSecrets {
  const [version, payload] = stored.split(':', 2);
  if (version !== VERSION || !payload) throw new Error(`carrier ${carrierId}: secrets stored in an unknown form`);
  const bytes = Buffer.from(payload, 'base64');
  const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(carrierId));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as CarrierSecrets;
  } catch {
    throw new Error(`carrier ${carrierId}: its secrets do not open with CARRIER_SECRETS_KEY (another key?)`);
  }
}
