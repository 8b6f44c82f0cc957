import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** generateApiKey makes a business unit's secret key; it is shown once and only its hash is stored. */
export function generateApiKey(): string {
  return `psms_${randomBytes(32).toString('base64url')}`;
}

/** hashApiKey is the stored form of a key: SHA-256 suffices because keys are long random secrets, not passwords. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/** secretsEqual compares two secrets in constant time, whatever their lengths. */
export function secretsEqual(given: string, expected: string): boolean {
  // Hashing first gives equal-length buffers, so the comparison leaks neither content nor length.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
