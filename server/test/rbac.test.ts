import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { roleHas } from '../domain/auth/permissions.ts';
import type { Role } from '../db/schema.ts';
import { buildApp } from '../http/app.ts';
import { backends, bearer, startTestApp, type TestApp } from './harness.ts';
import { seedSmallWorld, stockPost, type SmallWorld } from './fixtures.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Parameters that match nothing, so a permitted request cannot change anything. */
const dummyUrl = (url: string) => url.replace(/:id\b/g, '999999').replace(/:[A-Za-z]+/g, 'NOPE-X');

interface Res { statusCode: number; headers: Record<string, unknown>; body: string; json(): any }

function expectProblem(res: Res, status: number) {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  return res.json() as { status: number; detail: string; field?: string };
}

const PASSWORDS = {
  opA: 'zone-a-operator-pw',
  opNone: 'zone-a-operator-pw', // the same password on purpose: the stored hashes must still differ
  viewer: 'viewer-password-1',
  planner: 'planner-password-1',
  manager: 'manager-password-1',
};

describe.each(backends)('roles and scopes on $name', (backend) => {
  let t: TestApp;
  let w: SmallWorld;
  const tokens = {} as Record<keyof typeof PASSWORDS, string>;
  const usernames: Record<keyof typeof PASSWORDS, string> = {
    opA: 'op-a', opNone: 'op-none', viewer: 'viewer1', planner: 'planner1', manager: 'manager1',
  };

  const as = (token: string, method: string, url: string, payload?: object) =>
    t.app.inject({ method: method as 'GET', url, headers: bearer(token), ...(payload ? { payload } : {}) }) as
      Promise<Res>;
  const qty = async (bin: string, sku = 'SKU-1') => {
    const rows = (await as(t.adminToken, 'GET', `/api/stock?bin=${bin}&sku=${sku}`)).json().items as { qty: number }[];
    return rows.reduce((a, r) => a + r.qty, 0);
  };

  beforeAll(async () => {
    t = await startTestApp(backend);
    w = await seedSmallWorld(t);
    const create = async (payload: object) => {
      const res = await as(t.adminToken, 'POST', '/api/users', payload);
      if (res.statusCode !== 201) throw new Error(`create user: ${res.body}`);
    };
    await create({ username: 'op-a', password: PASSWORDS.opA, role: 'operator',
      scopes: [{ warehouse: 'T1', zone: 'A' }] });
    await create({ username: 'op-none', password: PASSWORDS.opNone, role: 'operator' });
    await create({ username: 'viewer1', password: PASSWORDS.viewer, role: 'viewer' });
    await create({ username: 'planner1', password: PASSWORDS.planner, role: 'planner' });
    await create({ username: 'manager1', password: PASSWORDS.manager, role: 'manager' });
    for (const key of Object.keys(PASSWORDS) as (keyof typeof PASSWORDS)[]) {
      tokens[key] = await t.login(usernames[key], PASSWORDS[key]);
    }
    for (const bin of [w.binsA[0]!, w.binsB[0]!]) {
      const res = await stockPost(t, '/api/inventory/adjustments',
        { bin, sku: 'SKU-1', owner: 'OWN1', qty: 50, reason: 'opening stock' });
      if (res.statusCode !== 200) throw new Error(res.body);
    }
  });
  afterAll(async () => t?.close());

  describe('an operator of zone A', () => {
    it('moves stock within zone A, and the ledger names him', async () => {
      const res = await as(tokens.opA, 'POST', '/api/inventory/moves',
        { fromBin: w.binsA[0], toBin: w.binsA[1], sku: 'SKU-1', qty: 5, docRef: 'RBAC-MOVE-1' });
      expect(res.statusCode, res.body).toBe(200);
      expect(await qty(w.binsA[1]!)).toBe(5);
      const trail = (await as(t.adminToken, 'GET', '/api/movements?docRef=RBAC-MOVE-1')).json();
      expect(trail.items).toHaveLength(1);
      expect(trail.items[0].user).toBe('op-a');
    });

    it('gets 403 moving from A to B or from B to A, and nothing moves', async () => {
      const before = [await qty(w.binsA[0]!), await qty(w.binsB[0]!), await qty(w.binsB[1]!), await qty(w.binsA[2]!)];
      const out = expectProblem(await as(tokens.opA, 'POST', '/api/inventory/moves',
        { fromBin: w.binsA[0], toBin: w.binsB[1], sku: 'SKU-1', qty: 1 }), 403);
      expect(out.field).toBe('body.toBin');
      const into = expectProblem(await as(tokens.opA, 'POST', '/api/inventory/moves',
        { fromBin: w.binsB[0], toBin: w.binsA[2], sku: 'SKU-1', qty: 1 }), 403);
      expect(into.field).toBe('body.fromBin');
      const within = expectProblem(await as(tokens.opA, 'POST', '/api/inventory/moves',
        { fromBin: w.binsB[0], toBin: w.binsB[1], sku: 'SKU-1', qty: 1 }), 403);
      expect(within.field).toBe('body.fromBin');
      expect([await qty(w.binsA[0]!), await qty(w.binsB[0]!), await qty(w.binsB[1]!), await qty(w.binsA[2]!)])
        .toEqual(before);
    });

    it('may change status in A but not in B; may not adjust at all (role)', async () => {
      const inA = await as(tokens.opA, 'POST', '/api/inventory/status-changes',
        { bin: w.binsA[0], sku: 'SKU-1', to: 'hold', qty: 1, reason: 'looks damaged' });
      expect(inA.statusCode, inA.body).toBe(200);
      const inB = expectProblem(await as(tokens.opA, 'POST', '/api/inventory/status-changes',
        { bin: w.binsB[0], sku: 'SKU-1', to: 'hold', qty: 1, reason: 'looks damaged' }), 403);
      expect(inB.field).toBe('body.bin');
      for (const bin of [w.binsB[0], w.binsA[0]]) {
        const adjust = expectProblem(await as(tokens.opA, 'POST', '/api/inventory/adjustments',
          { bin, sku: 'SKU-1', owner: 'OWN1', qty: 1, reason: 'found' }), 403);
        expect(adjust.detail).toContain('inventory:adjust');
      }
      expect(await qty(w.binsB[0]!)).toBe(50);
    });

    it('cannot create SKUs or read users', async () => {
      const sku = expectProblem(await as(tokens.opA, 'POST', '/api/skus',
        { code: 'OP-SKU', name: 'x', lengthM: 1, widthM: 1, heightM: 1, weightKg: 1 }), 403);
      expect(sku.detail).toContain('masterdata:write');
      expectProblem(await as(tokens.opA, 'GET', '/api/users'), 403);
      expect(await t.db.selectFrom('skus').select('id').where('code', '=', 'OP-SKU').executeTakeFirst())
        .toBeUndefined();
    });

    it('sees only zone A stock', async () => {
      const all = (await as(t.adminToken, 'GET', '/api/stock')).json().items as { zone: string; bin: string }[];
      expect(new Set(all.map((r) => r.zone))).toEqual(new Set(['A', 'B']));
      const mine = (await as(tokens.opA, 'GET', '/api/stock')).json().items as { zone: string; bin: string }[];
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((r) => r.zone === 'A')).toBe(true);
      expect(mine.length).toBe(all.filter((r) => r.zone === 'A').length);
      expect((await as(tokens.opA, 'GET', `/api/stock?bin=${w.binsB[0]}`)).json()).toMatchObject({ items: [], total: 0 });
      expect((await as(tokens.opA, 'GET', '/api/stock?zone=B')).json()).toMatchObject({ items: [], total: 0 });
      expectProblem(await as(tokens.opA, 'GET', `/api/bins/${w.binsB[0]}/history`), 404);
      const atpAdmin = (await as(t.adminToken, 'GET', '/api/stock/atp?sku=SKU-1')).json();
      const atpMine = (await as(tokens.opA, 'GET', '/api/stock/atp?sku=SKU-1')).json();
      expect(atpAdmin.onHand).toBe(100);
      expect(atpMine.onHand).toBe(50);
    });
  });

  it('an operator with no scopes can do nothing with stock', async () => {
    const before = await qty(w.binsA[0]!);
    expectProblem(await as(tokens.opNone, 'POST', '/api/inventory/moves',
      { fromBin: w.binsA[0], toBin: w.binsA[3], sku: 'SKU-1', qty: 1 }), 403);
    expectProblem(await as(tokens.opNone, 'POST', '/api/inventory/status-changes',
      { bin: w.binsA[0], sku: 'SKU-1', to: 'hold', qty: 1, reason: 'x' }), 403);
    expect((await as(tokens.opNone, 'GET', '/api/stock')).json()).toMatchObject({ items: [], total: 0, next: null });
    expect((await as(tokens.opNone, 'GET', '/api/stock/atp?sku=SKU-1')).json().onHand).toBe(0);
    expect(await qty(w.binsA[0]!)).toBe(before);
    // Master data is not scoped: he may still read it.
    expect((await as(tokens.opNone, 'GET', '/api/skus')).statusCode).toBe(200);
  });

  it('a planner moves anywhere but may not adjust, change status or edit master data', async () => {
    const move = await as(tokens.planner, 'POST', '/api/inventory/moves',
      { fromBin: w.binsB[0], toBin: w.binsB[2], sku: 'SKU-1', qty: 2 });
    expect(move.statusCode, move.body).toBe(200);
    expectProblem(await as(tokens.planner, 'POST', '/api/inventory/adjustments',
      { bin: w.binsB[0], sku: 'SKU-1', owner: 'OWN1', qty: 1, reason: 'x' }), 403);
    expectProblem(await as(tokens.planner, 'POST', '/api/inventory/status-changes',
      { bin: w.binsB[0], sku: 'SKU-1', to: 'hold', qty: 1, reason: 'x' }), 403);
    expectProblem(await as(tokens.planner, 'POST', '/api/owners', { code: 'PL-OWN', name: 'x' }), 403);
  });

  it('a manager adjusts and edits master data but does not manage users', async () => {
    const adjust = await as(tokens.manager, 'POST', '/api/inventory/adjustments',
      { bin: w.binsB[3], sku: 'SKU-2', owner: 'OWN2', qty: 7, reason: 'found in count' });
    expect(adjust.statusCode, adjust.body).toBe(200);
    expect((await as(tokens.manager, 'POST', '/api/owners', { code: 'MG-OWN', name: 'x' })).statusCode).toBe(201);
    expectProblem(await as(tokens.manager, 'POST', '/api/users',
      { username: 'sneaky', password: 'sneaky-password', role: 'admin' }), 403);
    expect((await as(tokens.manager, 'GET', '/api/audit')).statusCode).toBe(200);
  });

  describe('a viewer', () => {
    it('gets 403 on every mutating route, before the body is even validated', async () => {
      const mutating = t.app.registeredRoutes.filter((r) => MUTATING.has(r.method) && r.url.startsWith('/api/')
        && r.permission !== 'public');
      expect(mutating.length).toBeGreaterThan(15);
      const before = await counts();
      for (const r of mutating) {
        for (const payload of [undefined, {}, { qty: 'lots', unknown: true }]) {
          const res = await as(tokens.viewer, r.method, dummyUrl(r.url), payload);
          expect(res.statusCode, `${r.method} ${r.url} ${JSON.stringify(payload)}: ${res.body}`).toBe(403);
          expect(res.json().detail).toContain(r.permission);
        }
      }
      expect(await counts()).toEqual(before);
    });

    it('reads work', async () => {
      for (const url of ['/api/stock', '/api/stock/atp?sku=SKU-1', '/api/skus', '/api/warehouses', '/api/owners',
        `/api/bins/${w.binsA[0]}`, `/api/bins/${w.binsA[0]}/history`, '/api/audit', '/api/ledger/check',
        '/api/auth/me']) {
        const res = await as(tokens.viewer, 'GET', url);
        expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      }
      expect((await as(tokens.viewer, 'GET', '/api/stock')).json().items.length).toBeGreaterThan(0);
      expect((await as(tokens.viewer, 'GET', '/api/auth/me')).json()).toMatchObject({ username: 'viewer1',
        role: 'viewer' });
      expectProblem(await as(tokens.viewer, 'GET', '/api/users'), 403);
    });
  });

  it('every role gets 403 exactly on the routes its permissions do not cover', async () => {
    const roles: [Role, string][] = [['admin', t.adminToken], ['manager', tokens.manager],
      ['planner', tokens.planner], ['operator', tokens.opA], ['viewer', tokens.viewer]];
    const guarded = t.app.registeredRoutes.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD'
      && r.permission !== 'public');
    expect(guarded.length).toBeGreaterThan(30);
    const before = await counts();
    const wrong: string[] = [];
    for (const [role, token] of roles) {
      for (const r of guarded) {
        const res = await as(token, r.method, dummyUrl(r.url), MUTATING.has(r.method) ? {} : undefined);
        const forbidden = res.statusCode === 403;
        if (res.statusCode === 401 || res.statusCode >= 500 || forbidden === roleHas(role, r.permission!)) {
          wrong.push(`${role} ${r.method} ${r.url}: ${res.statusCode}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('the audit log records who did what', async () => {
    type Entry = { user: string | null; action: string; status: number; target: string;
      details: { username?: string } };
    const audit = async (query: string) => (await as(t.adminToken, 'GET', `/api/audit?${query}`)).json().items as Entry[];
    await as(t.adminToken, 'POST', '/api/users', { username: 'audited', password: 'audited-pw-1', role: 'viewer' });
    await as(tokens.opA, 'POST', '/api/owners', { code: 'OPA-OWN', name: 'x' });
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'nope' } });
    // The audit row is written once the response has gone out: give it a moment.
    await vi.waitFor(async () => {
      expect(await audit('user=admin')).toContainEqual(expect.objectContaining({ user: 'admin',
        action: 'POST /api/users', status: 201, target: '/api/users' }));
      const opLog = await audit('user=op-a');
      expect(opLog).toContainEqual(expect.objectContaining({ user: 'op-a', action: 'POST /api/owners', status: 403 }));
      expect(opLog.every((e) => e.user === 'op-a')).toBe(true);
      // Login attempts are recorded too, with the username tried (and no password).
      expect((await audit('limit=5'))[0]).toMatchObject({ user: null, action: 'POST /api/auth/login', status: 401,
        details: { username: 'admin' } });
    });
  });

  describe('login and tokens', () => {
    it('a wrong password and an unknown user get the same 401', async () => {
      const wrongPassword = await t.app.inject({ method: 'POST', url: '/api/auth/login',
        payload: { username: 'viewer1', password: 'not-the-password' } });
      const unknownUser = await t.app.inject({ method: 'POST', url: '/api/auth/login',
        payload: { username: 'nobody-here', password: 'not-the-password' } });
      const problem = expectProblem(wrongPassword, 401);
      expectProblem(unknownUser, 401);
      expect(unknownUser.json()).toEqual(wrongPassword.json());
      expect(problem.detail).toBe('wrong username or password');
    });

    it('a deactivated user cannot log in, with the same 401', async () => {
      const created = (await as(t.adminToken, 'POST', '/api/users',
        { username: 'leaver', password: 'leaver-password', role: 'viewer' })).json();
      await t.login('leaver', 'leaver-password');
      expect((await as(t.adminToken, 'PATCH', `/api/users/${created.id}`, { active: false })).statusCode).toBe(200);
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login',
        payload: { username: 'leaver', password: 'leaver-password' } });
      expect(expectProblem(res, 401).detail).toBe('wrong username or password');
    });

    it('a tampered, foreign or unsigned token is 401', async () => {
      const [header, payload, signature] = tokens.viewer.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      expect(claims).toMatchObject({ usr: 'viewer1', role: 'viewer' });
      const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
      const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const other = await buildApp({ database: t.database, jwtSecret: 'a-different-secret' });
      await other.ready();
      const foreign = (await other.inject({ method: 'POST', url: '/api/auth/login',
        payload: { username: 'admin', password: 'admin-pass-123' } })).json().token as string;
      await other.close();
      expect(foreign).toEqual(expect.any(String));
      for (const token of [`${header}.${forged}.${signature}`, `${none}.${forged}.`, foreign,
        `${header}.${payload}.${signature.slice(0, -4)}AAAA`]) {
        const res = await as(token, 'GET', '/api/users');
        expect(expectProblem(res, 401).detail).toContain('invalid or expired');
        expect((await as(token, 'POST', '/api/owners', { code: 'FORGED', name: 'x' })).statusCode).toBe(401);
      }
      expect(await t.db.selectFrom('owners').select('id').where('code', '=', 'FORGED').executeTakeFirst())
        .toBeUndefined();
      // The untampered token still works.
      expect((await as(tokens.viewer, 'GET', '/api/auth/me')).statusCode).toBe(200);
    });

    it('passwords are stored as salted scrypt hashes, never in plain text', async () => {
      const rows = await t.db.selectFrom('users').select(['username', 'password_hash']).execute();
      expect(rows.length).toBeGreaterThanOrEqual(6);
      for (const row of rows) {
        expect(row.password_hash, row.username).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
      }
      const hashOf = (u: string) => rows.find((r) => r.username === u)!.password_hash;
      expect(hashOf('op-a')).not.toBe(hashOf('op-none'));
      const { rows: dump } = await sql<{ text: string }>`
        select (select coalesce(string_agg(u::text, '|'), '') from users u) || '|' ||
               (select coalesce(string_agg(a::text, '|'), '') from audit_log a) || '|' ||
               (select coalesce(string_agg(k::text, '|'), '') from idempotency_keys k) as text`.execute(t.db);
      for (const password of [...Object.values(PASSWORDS), 'admin-pass-123', 'audited-pw-1', 'leaver-password']) {
        expect(dump[0]!.text).not.toContain(password);
      }
    });
  });

  async function counts() {
    const { rows } = await sql<{ n: string }>`
      select (select count(*) from users)::text || '/' || (select count(*) from skus)::text || '/' ||
             (select count(*) from owners)::text || '/' || (select count(*) from ledger_entries)::text || '/' ||
             (select coalesce(sum(qty), 0) from stock_balances)::text || '/' || (select count(*) from warehouses)::text
             || '/' || (select count(*) from user_scopes)::text as n`.execute(t.db);
    return rows[0]!.n;
  }
});

describe.each(backends)('login rate limit on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { loginRateLimit: 3 });
  });
  afterAll(async () => t?.close());
  const login = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login',
    payload: { username, password } });

  it('counts only failed logins: any number of right passwords from one address are never refused', async () => {
    // Far more than the limit (3 failures per username, 15 per address), all from the same address.
    for (let i = 0; i < 40; i++) expect((await login('admin', 'admin-pass-123')).statusCode).toBe(200);
    // Failures below the limit do not stand in the way of the right password, which clears them.
    expect((await login('admin', 'wrong-password')).statusCode).toBe(401);
    expect((await login('admin', 'wrong-password')).statusCode).toBe(401);
    expect((await login('admin', 'admin-pass-123')).statusCode).toBe(200);
    expect((await login('admin', 'wrong-password')).statusCode).toBe(401);
    expect((await login('admin', 'wrong-password')).statusCode).toBe(401);
    expect((await login('admin', 'admin-pass-123')).statusCode).toBe(200);
  });

  it('refuses a username after 3 failures with 429 problem+json and Retry-After, other users still log in', async () => {
    await t.app.inject({ method: 'POST', url: '/api/users', headers: bearer(t.adminToken),
      payload: { username: 'guessed', password: 'guessed-pw-123', role: 'viewer' } });
    await t.app.inject({ method: 'POST', url: '/api/users', headers: bearer(t.adminToken),
      payload: { username: 'bystander', password: 'bystander-pw-1', role: 'viewer' } });
    for (let i = 0; i < 3; i++) expect((await login('guessed', `guess-${i}`)).statusCode).toBe(401);
    const limited = await login('guessed', 'guess-4');
    expectProblem(limited, 429);
    expect(limited.json().type).toBe('https://wetms.dev/problems/rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The right password is refused too while the username is locked, or the answer would tell a guesser.
    const right = await login('guessed', 'guessed-pw-123');
    expectProblem(right, 429);
    expect(right.json()).not.toHaveProperty('token');
    // Same address, another user: not locked.
    expect((await login('bystander', 'bystander-pw-1')).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200);
  });

  it('refuses an address after 5 times as many failures, spread over usernames', async () => {
    const before = await login('bystander', 'bystander-pw-1');
    expect(before.statusCode).toBe(200);
    // This address failed 7 times above (4 + 3); two failures per username (under its limit of 3) until the
    // address reaches 15.
    const statuses: number[] = [];
    for (const user of ['u1', 'u2', 'u3', 'u4', 'u5']) {
      for (let i = 0; i < 2; i++) statuses.push((await login(user, 'nope')).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429, 429]);
    expectProblem(await login('bystander', 'bystander-pw-1'), 429);
    // Another address is not affected.
    const elsewhere = await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.8.7',
      payload: { username: 'bystander', password: 'bystander-pw-1' } });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('returns the token expiry: expiresAt (ISO time) and expiresIn (seconds)', async () => {
    // From another address: the one above is locked by now.
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.1.2.3',
      payload: { username: 'admin', password: 'admin-pass-123' } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.expiresIn).toBeGreaterThan(12 * 3600 - 60);
    expect(body.expiresIn).toBeLessThanOrEqual(12 * 3600);
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString());
    expect(body.expiresAt).toBe(new Date(claims.exp * 1000).toISOString());
  });
});
