import fs from 'node:fs';
import path from 'node:path';
import { generateSecretsKey } from '../../src/carrier/carrier-secrets';

/**
 * localCarrierSecretsKey is the key a local stack seals carrier secrets with when CARRIER_SECRETS_KEY is not set:
 * generated once into the data folder (owner-only) and read back on every later start, so the carriers `npm start`
 * stored in .data/ still open after a restart, as the admin token's generation does without the keeping.
 */
export function localCarrierSecretsKey(dataDir: string): string {
  const file = path.join(dataDir, 'carrier-secrets.key');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = generateSecretsKey();
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
