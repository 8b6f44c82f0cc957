import { generateApiKey, hashApiKey, secretsEqual } from '../../../src/auth/api-keys';

describe('API keys and secrets', () => {
  it('generates long random keys and stores only a hash of each', () => {
    const [a, b] = [generateApiKey(), generateApiKey()];
    expect(a).toMatch(/^psms_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(hashApiKey(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(a)).toBe(hashApiKey(a));
    expect(hashApiKey(a)).not.toContain(a.slice(5, 15));
  });

  it('compares secrets of any lengths without throwing (both are hashed to equal lengths first)', () => {
    expect(secretsEqual('admin-token', 'admin-token')).toBe(true);
    expect(secretsEqual('admin-token', 'admin-tokeN')).toBe(false);
    expect(secretsEqual('', 'admin-token')).toBe(false);
    expect(secretsEqual('a'.repeat(10_000), 'admin-token')).toBe(false);
  });
});
