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

  it('lets an admin key do everything and a readonly key only read', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect([method, roleMayCall('readonly', method, '/campaigns')]).toEqual([method, true]);
    }
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const both = [roleMayCall('admin', method, '/campaigns'), roleMayCall('readonly', method, '/campaigns')];
      expect([method, ...both]).toEqual([method, true, false]);
    }
  });

  it("lets an agent's key only work its own conversations", () => {
    const id = '3f1c2a8e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
    for (const [method, path] of [
      ['GET', '/agents/me'],
      ['GET', '/agents/me/offers'],
      ['PUT', '/agents/me/state'],
      ['POST', '/agents/me/heartbeat'],
      ['GET', '/queue'],
      ['GET', '/events'],
      ['GET', '/conversations'],
      ['GET', `/conversations/${id}`],
      ['POST', `/conversations/${id}/accept`],
      ['POST', `/conversations/${id}/close`],
      ['GET', '/quick-responses'],
    ])
      expect([method, path, roleMayCall('agent', method, path)]).toEqual([method, path, true]);
    for (const [method, path] of [
      ['GET', '/agents'],
      ['POST', '/agents'],
      ['GET', '/campaigns'],
      ['GET', '/api-keys'],
      ['GET', '/settings'],
      ['POST', `/conversations/${id}/assign`],
      ['POST', '/dispositions'],
      ['GET', '/calling-lists'],
    ])
      expect([method, path, roleMayCall('agent', method, path)]).toEqual([method, path, false]);
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
