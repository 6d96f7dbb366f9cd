import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, bearer, startTestApp, type TestApp } from './harness.ts';
import { seedSmallWorld } from './fixtures.ts';

/** A change to a user (role, scopes, password, deactivation) revokes the tokens issued before it. */
describe.each(backends)('token revocation on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
    await seedSmallWorld(t);
  });
  afterAll(async () => t?.close());

  const createUser = async (username: string, role: string, scopes?: object[]) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/users', headers: bearer(t.adminToken),
      payload: { username, password: 'password-123', role, ...(scopes && { scopes }) } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as number;
  };
  const patchUser = (id: number, payload: object) =>
    t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: bearer(t.adminToken), payload });
  const me = (token: string) => t.app.inject({ url: '/api/auth/me', headers: bearer(token) });

  it('a demoted or deactivated user is logged out at once', async () => {
    const id = await createUser('mgr', 'manager');
    const token = await t.login('mgr', 'password-123');
    expect((await me(token)).statusCode).toBe(200);

    expect((await patchUser(id, { role: 'viewer' })).statusCode).toBe(200);
    const revoked = await me(token);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().detail).toContain('log in again');

    const fresh = await t.login('mgr', 'password-123');
    expect((await me(fresh)).json().role).toBe('viewer');
    expect((await patchUser(id, { active: false })).statusCode).toBe(200);
    expect((await me(fresh)).statusCode).toBe(401);
  });

  it('changing an operator\'s zones revokes the old token; a display-name change does not', async () => {
    const id = await createUser('op', 'operator', [{ warehouse: 'T1', zone: 'A' }]);
    const token = await t.login('op', 'password-123');
    expect((await patchUser(id, { displayName: 'Operator Op' })).statusCode).toBe(200);
    expect((await me(token)).statusCode).toBe(200);
    const res = await t.app.inject({ method: 'PUT', url: `/api/users/${id}/scopes`, headers: bearer(t.adminToken),
      payload: { scopes: [{ warehouse: 'T1', zone: 'B' }] } });
    expect(res.statusCode).toBe(200);
    expect((await me(token)).statusCode).toBe(401);
  });

  it('the last active admin cannot demote or deactivate themselves', async () => {
    const admin = (await me(t.adminToken)).json();
    for (const patch of [{ role: 'manager' }, { active: false }]) {
      const res = await patchUser(admin.id, patch);
      expect(res.statusCode).toBe(409);
      expect(res.json().detail).toContain('last active admin');
    }
    expect((await me(t.adminToken)).statusCode).toBe(200);
  });

  it('Swagger UI routes pass the permission check like every other route', () => {
    const docs = t.app.registeredRoutes.filter((r) => r.url.startsWith('/api/docs'));
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.every((r) => r.permission === 'public')).toBe(true);
  });
});
