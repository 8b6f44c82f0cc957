import { withoutSecrets } from '../../../src/api/audit-trail';
import { generateApiKey, hashApiKey, roleMayCall, secretsEqual } from '../../../src/auth/api-keys';

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

  it('lets an admin key do everything and a readonly or agent key only read', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect([method, roleMayCall('readonly', method), roleMayCall('agent', method)]).toEqual([method, true, true]);
    }
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect([method, roleMayCall('admin', method), roleMayCall('readonly', method)]).toEqual([method, true, false]);
    }
  });

  it('drops every field that holds a secret from what the audit trail stores, at any depth', () => {
    const row = {
      id: 'k1',
      key_hash: 'abc',
      apiKey: 'psms_x',
      carrier: { name: 'SMSC', password: 'p', auth_token: 't', settings: [{ secret: 's', host: 'h' }] },
      at: new Date(0),
    };
    expect(withoutSecrets(row)).toEqual({
      id: 'k1',
      carrier: { name: 'SMSC', settings: [{ host: 'h' }] },
      at: new Date(0),
    });
  });
});
