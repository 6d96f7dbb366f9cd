import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestMigration } from '../db/migrate.ts';
import { PERMISSIONS } from '../domain/auth/permissions.ts';
import { buildApp } from '../http/app.ts';
import type { RegisteredRoute } from '../http/auth.ts';
import { APP_VERSION } from '../version.ts';
import { backends, bearer, startTestApp, type TestApp } from './harness.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A concrete URL for a route pattern: `:id` -> 999999, `:code` -> NOPE-X, `*` -> x. */
function concreteUrl(url: string): string {
  return url.replace(/:id\b/g, '999999').replace(/:[A-Za-z]+/g, 'NOPE-X').replace(/\*$/, 'x');
}

/** `/api/users/:id` -> `/api/users/{id}`, as in the OpenAPI document. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z]+)/g, '{$1}');

const isDocs = (url: string) => url.startsWith('/api/docs') || url === '/api/openapi.json';

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): any }, status: number) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const problem = res.json();
  expect(problem).toMatchObject({ status, title: expect.any(String), detail: expect.any(String),
    type: expect.any(String) });
  return problem;
}

describe.each(backends)('route table and system routes on $name', (backend) => {
  let t: TestApp;
  let routes: RegisteredRoute[];
  beforeAll(async () => {
    t = await startTestApp(backend);
    routes = t.app.registeredRoutes;
  });
  afterAll(async () => t?.close());

  const apiRoutes = () => routes.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');

  it('records the routes it serves, with their permissions', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes).toContainEqual({ method: 'POST', url: '/api/inventory/moves', permission: 'inventory:move' });
    expect(routes).toContainEqual({ method: 'POST', url: '/api/auth/login', permission: 'public' });
    expect(routes).toContainEqual({ method: 'GET', url: '/api/users', permission: 'users:manage' });
    expect(routes.filter((r) => MUTATING.has(r.method)).length).toBeGreaterThan(15);
    // The list is what Fastify really routes, not a wish list.
    for (const r of routes) expect(t.app.hasRoute({ method: r.method as 'GET', url: r.url }), r.url).toBe(true);
  });

  it('every registered route names a permission from PERMISSIONS', () => {
    const missing = routes.filter((r) => !r.permission || !(PERMISSIONS as readonly string[]).includes(r.permission));
    expect(missing).toEqual([]);
    // Only the login, health, docs and the browser app are public; everything else needs a token.
    const publicApi = apiRoutes().filter((r) => r.permission === 'public' && !r.url.startsWith('/api/docs'))
      .map((r) => `${r.method} ${r.url}`);
    const docs = apiRoutes().filter((r) => r.url.startsWith('/api/docs'));
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.every((r) => r.method === 'GET' && r.permission === 'public')).toBe(true);
    expect(publicApi.sort()).toEqual(['GET /api/health', 'GET /api/openapi.json', 'POST /api/auth/login']);
    for (const r of routes.filter((x) => MUTATING.has(x.method) && x.url !== '/api/auth/login')) {
      expect(r.permission, `${r.method} ${r.url}`).not.toBe('public');
      expect(r.permission, `${r.method} ${r.url}`).not.toBe('authenticated');
    }
  });

  it('refuses to start when a route declares no permission (or an unknown one)', async () => {
    const app = await buildApp({ database: t.database, jwtSecret: 'another-secret' });
    expect(() => app.get('/api/unguarded', async () => 'oops')).toThrow(/declares no permission/);
    expect(() => app.get('/api/odd', { config: { permission: 'sudo' as never } }, async () => 'oops'))
      .toThrow(/declares no permission/);
    await app.close();
  });

  it('every non-public /api route answers 401 problem+json without a token', async () => {
    const guarded = apiRoutes().filter((r) => r.permission !== 'public');
    expect(guarded.length).toBeGreaterThan(30);
    for (const r of guarded) {
      const res = await t.app.inject({ method: r.method as 'GET', url: concreteUrl(r.url),
        ...(MUTATING.has(r.method) ? { payload: {} } : {}) });
      expect(res.statusCode, `${r.method} ${r.url}: ${res.body}`).toBe(401);
      expect(res.headers['content-type'], `${r.method} ${r.url}`).toContain('application/problem+json');
      expect(res.json().detail).toMatch(/log in/);
    }
  });

  it('a garbage or foreign bearer token is 401 too', async () => {
    for (const authorization of ['Bearer not-a-jwt', 'Basic YWRtaW46YWRtaW4=', `Bearer ${t.adminToken}x`]) {
      const res = await t.app.inject({ url: '/api/stock', headers: { authorization } });
      expectProblem(res, 401);
    }
  });

  it('/api/health reports backend, migration and app version without a token', async () => {
    const res = await t.app.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(200);
    const health = res.json();
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(health.status).toBe('ok');
    expect(health.version).toBe(APP_VERSION);
    expect(health.version).toBe(pkg.version);
    expect(health.database.backend).toBe(backend.name);
    expect(health.database.migration).toBe(latestMigration);
    expect(health.database.latestMigration).toBe(latestMigration);
    expect(health.database.server).toMatch(/^\d+/);
    // Never leak a password through the location.
    expect(health.database.location).not.toMatch(/:[^:@/]+@/);
  });

  it('/api/openapi.json is an OpenAPI 3 document listing every /api route and the bearer scheme', async () => {
    const res = await t.app.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: APP_VERSION });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toContainEqual({ bearer: [] });
    const documented = new Set(Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    const expected = apiRoutes().filter((r) => !isDocs(r.url)).map((r) => `${r.method} ${openApiPath(r.url)}`);
    expect(expected.length).toBeGreaterThan(30);
    expect(expected.filter((e) => !documented.has(e))).toEqual([]);
    // Mutating routes document their body; the login is marked as needing no token.
    expect(doc.paths['/api/inventory/moves'].post.requestBody.content['application/json'].schema.required)
      .toEqual(expect.arrayContaining(['fromBin', 'toBin', 'sku']));
    expect(doc.paths['/api/auth/login'].post.security).toEqual([]);
  });

  it('every workflow route that takes a body shows an example of it in OpenAPI', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    const workflow = new Set(['inbound', 'outbound', 'tasks', 'counts', 'replenishment']);
    const missing: string[] = [];
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const media = op.requestBody?.content?.['application/json'];
        if (!media || !(op.tags ?? []).some((tag: string) => workflow.has(tag))) continue;
        checked++;
        if (media.example === undefined && media.examples === undefined) missing.push(`${method} ${path}`);
      }
    }
    expect(checked).toBeGreaterThan(15);
    expect(missing).toEqual([]);
  });

  it('/api/docs serves the Swagger UI as HTML without a token', async () => {
    const res = await t.app.inject({ url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toMatch(/<html/i);
    expect(res.body).toMatch(/swagger/i);
  });

  it('sends security headers (helmet), on success and on errors alike', async () => {
    for (const url of ['/api/health', '/api/stock', '/api/no-such-thing']) {
      const res = await t.app.inject({ url });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security'], url).toMatch(/max-age=\d+/);
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy'], url).toBe('same-origin');
      expect(res.headers['content-security-policy'], url).toMatch(/default-src 'self'/);
      // Reached over plain HTTP on a site LAN, upgrading every request to https would break the app.
      expect(res.headers['content-security-policy'], url).not.toMatch(/upgrade-insecure-requests/);
      expect(res.headers['x-powered-by'], url).toBeUndefined();
    }
  });

  it('an unknown route is a 404 problem+json naming the route', async () => {
    const get = expectProblem(await t.app.inject({ url: '/api/no-such-thing?x=1' }), 404);
    expect(get.detail).toContain('GET /api/no-such-thing');
    const post = expectProblem(await t.app.inject({ method: 'POST', url: '/api/inventory/teleport',
      headers: bearer(t.adminToken), payload: {} }), 404);
    expect(post.detail).toContain('POST /api/inventory/teleport');
    // A known path with a method it does not have is not found either.
    expectProblem(await t.app.inject({ method: 'DELETE', url: '/api/stock', headers: bearer(t.adminToken) }), 404);
  });
});
