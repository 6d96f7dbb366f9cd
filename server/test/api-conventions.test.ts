import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_KINDS } from '../domain/errors.ts';
import { camelize } from '../http/camel-case.ts';
import { LoginLimiter } from '../http/login-limiter.ts';
import { OutboxRelay } from '../stream/relay.ts';
import { seedSmallWorld, stockPost, type SmallWorld } from './fixtures.ts';
import { backends, bearer, startTestApp, type TestApp } from './harness.ts';

/**
 * The API's conventions, as an integrator meets them (issue 16): camelCase keys in every JSON response, one
 * paging envelope, warehouses named by code, one problem scheme with fields named by request part, a general
 * movement query read by cursor, and a change feed of stream events.
 */

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;
/** Keys whose objects are keyed by data or are stream payloads (see camel-case.ts). */
const DATA_KEYED = new Set(['classes', 'totals', 'rejected', 'payload']);

function snakeKeys(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => snakeKeys(v, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(SNAKE.test(k) ? [`${path}.${k}`] : []),
    ...(DATA_KEYED.has(k) ? [] : snakeKeys(v, `${path}.${k}`)),
  ]);
}

const PREFIXED = /^(body|query|params|headers)(\.|\[|$)/;

describe('camelize', () => {
  it('converts snake_case field names only, leaving codes, data-keyed maps and non-plain objects alone', () => {
    const at = new Date(0);
    expect(camelize({ max_units: 1, qty_before: 2, firstReceiptAt: at, SKU_01: 'x', _private: 1,
      lines: [{ line_no: 1 }], totals: { count_variance: 2 }, payload: { bin_id: 3 } })).toEqual({
      maxUnits: 1, qtyBefore: 2, firstReceiptAt: at, SKU_01: 'x', _private: 1, lines: [{ lineNo: 1 }],
      totals: { count_variance: 2 }, payload: { bin_id: 3 } });
  });
});

describe('LoginLimiter (simulated time)', () => {
  it('refuses after the failures, for as long as they stay in the window; a success clears the username only', () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter({ perUser: 3, perAddress: 5, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 2; i++) limiter.failed('ann', '10.0.0.1');
    expect(limiter.retryAfter('ann', '10.0.0.1')).toBe(0);
    now += 10_000;
    limiter.failed('ann', '10.0.0.1');
    // The oldest of the three failures leaves the window 50 s from now.
    expect(limiter.retryAfter('ann', '10.0.0.1')).toBe(50);
    expect(limiter.retryAfter('ann', '10.0.0.2')).toBe(50);
    expect(limiter.retryAfter('bob', '10.0.0.1')).toBe(0);
    now += 50_000;
    expect(limiter.retryAfter('ann', '10.0.0.1')).toBe(0);
    limiter.failed('bob', '10.0.0.1');
    limiter.failed('bob', '10.0.0.1');
    // The address has 5 failures in the window (ann's last 2 are within it, bob's 2 ... and ann's third is not).
    expect(limiter.retryAfter('carl', '10.0.0.1')).toBe(0);
    limiter.failed('carl', '10.0.0.1');
    limiter.failed('carl', '10.0.0.1');
    expect(limiter.retryAfter('dora', '10.0.0.1')).toBeGreaterThan(0);
    expect(limiter.retryAfter('dora', '10.0.0.9')).toBe(0);
    limiter.failed('erin', '10.0.0.3');
    limiter.failed('erin', '10.0.0.3');
    limiter.failed('erin', '10.0.0.3');
    expect(limiter.retryAfter('erin', '10.0.0.4')).toBeGreaterThan(0);
    limiter.succeeded('erin');
    expect(limiter.retryAfter('erin', '10.0.0.4')).toBe(0);
  });
});

describe.each(backends)('API conventions on $name', (backend) => {
  let t: TestApp;
  let w: SmallWorld;
  let managerToken: string;
  let operatorToken: string;
  const get = (url: string, token = t.adminToken) => t.app.inject({ url, headers: bearer(token) });
  const ok = async (url: string, token?: string) => {
    const res = await get(url, token);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json();
  };
  const post = async (url: string, payload: object, token = t.adminToken) => {
    const res = await stockPost(t, url, payload, token);
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const lotExpiry = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await startTestApp(backend);
    w = await seedSmallWorld(t);
    const users = [{ username: 'mgr-c', password: 'manager-pass-1', role: 'manager' },
      { username: 'op-c', password: 'operator-pass-1', role: 'operator', scopes: [{ warehouse: 'T1', zone: 'A' }] }];
    for (const u of users) await post('/api/users', u);
    managerToken = await t.login('mgr-c', 'manager-pass-1');
    operatorToken = await t.login('op-c', 'operator-pass-1');
    const [a0, a1, a2] = w.binsA;
    await post('/api/inventory/adjustments', { bin: a0, sku: 'SKU-1', owner: 'OWN1', qty: 40, reason: 'opening',
      docRef: 'CONV-1' });
    await post('/api/inventory/adjustments', { bin: a2, sku: 'MILK', owner: 'OWN2', lot: 'L-CONV',
      lotExpiry, qty: 12, reason: 'opening' });
    await post('/api/inventory/moves', { fromBin: a0, toBin: a1, sku: 'SKU-1', qty: 5, docRef: 'CONV-1' },
      managerToken);
    await post('/api/inventory/moves', { fromBin: a1, toBin: w.binsB[0], sku: 'SKU-1', qty: 2 }, managerToken);
    await post('/api/inventory/scrap', { bin: a2, sku: 'MILK', qty: 1, reason: 'leak' });
  });
  afterAll(async () => t?.close());

  const LISTS = ['/api/warehouses', '/api/warehouses/T1/zones', '/api/warehouses/T1/bins', '/api/skus',
    '/api/skus/MILK/lots', '/api/owners', '/api/suppliers', '/api/customers', '/api/users', '/api/stock',
    '/api/tasks', '/api/inbound-orders', '/api/outbound-orders', '/api/transfers', '/api/counts', '/api/audit',
    '/api/pick-faces?warehouse=T1'];

  it('answers every JSON read in camelCase', async () => {
    const reads = [...LISTS, '/api/warehouses/T1', '/api/skus/SKU-1', `/api/bins/${w.binsA[0]}`,
      `/api/bins/${w.binsA[0]}/history`, '/api/stock/atp?sku=SKU-1', '/api/lots/trace?sku=MILK&lot=L-CONV',
      '/api/movements', '/api/auth/me', '/api/ledger/check', '/api/warehouses/T1/snapshot?format=json',
      '/api/warehouses/T1/layout', '/api/owners/OWN1', '/api/health'];
    const found: string[] = [];
    for (const url of reads) found.push(...snakeKeys(await ok(url)).map((k) => `${url} ${k}`));
    // Problems too.
    found.push(...snakeKeys((await get('/api/skus/NOPE')).json()));
    expect(found).toEqual([]);
  });

  it('pages every list with one envelope: items, total, limit, offset, next', async () => {
    for (const url of LISTS) {
      const body = await ok(url);
      expect(Object.keys(body).sort(), url).toEqual(['items', 'limit', 'next', 'offset', 'total']);
      expect(body, url).toMatchObject({ limit: 100, offset: 0 });
      expect(body.items.length, url).toBe(Math.min(body.total, 100));
    }
    const first = await ok('/api/skus?limit=2');
    expect(first).toMatchObject({ total: 3, limit: 2, offset: 0, next: '/api/skus?limit=2&offset=2' });
    expect(first.items.map((s: { code: string }) => s.code)).toEqual(['MILK', 'SKU-1']);
    const second = await ok(first.next);
    expect(second).toMatchObject({ total: 3, limit: 2, offset: 2, next: null });
    expect(second.items.map((s: { code: string }) => s.code)).toEqual(['SKU-2']);
    // Filters travel with next; totals count the filtered rows.
    const stock = await ok('/api/stock?sku=SKU-1&limit=1');
    expect(stock).toMatchObject({ total: 3, next: '/api/stock?sku=SKU-1&limit=1&offset=1' });
    const bins = await ok('/api/warehouses/T1/bins?zone=A&limit=5&offset=15');
    expect(bins).toMatchObject({ total: 16, offset: 15, next: null });
    expect(bins.items).toHaveLength(1);
    for (const [query, field] of [['limit=0', 'query.limit'], ['limit=1001', 'query.limit'],
      ['offset=-1', 'query.offset'], ['limit=ten', 'query.limit']]) {
      const res = await get(`/api/skus?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().field, query).toBe(field);
    }
  });

  it('names warehouses by code in every path, and a 404 names the code', async () => {
    expect(await ok('/api/warehouses/T1')).toMatchObject({ code: 'T1', id: w.warehouseId });
    for (const url of ['/api/warehouses/NOPE', '/api/warehouses/NOPE/zones', '/api/warehouses/NOPE/bins',
      '/api/warehouses/NOPE/graph', '/api/warehouses/NOPE/snapshot', '/api/warehouses/NOPE/layout',
      '/api/control-room/warehouses/NOPE/search?q=x', '/api/control-room/warehouses/NOPE/alerts',
      '/api/control-room/warehouses/NOPE/sku-classes', '/api/fleet/NOPE']) {
      const res = await get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(404);
      expect(res.json(), url).toMatchObject({ field: 'params.warehouse', type: 'https://wetms.dev/problems/not-found' });
      expect(res.json().detail, url).toContain('NOPE');
    }
    // The numeric id is not an identifier of the API.
    expect((await get(`/api/warehouses/${w.warehouseId}`)).statusCode).toBe(404);
    const openapi = (await t.app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
    const byId = Object.keys(openapi.paths).filter((p) => /warehouses\/\{id\}|fleet\/\{id\}/.test(p));
    expect(byId).toEqual([]);
  });

  it('answers every error with one problem scheme: type from the kind, field prefixed with its request part', async () => {
    const [a0, a1] = w.binsA;
    const cases: { what: string; res: Promise<{ statusCode: number; json: () => any }>; kind: keyof typeof PROBLEM_KINDS;
      field?: string }[] = [
      { what: 'bad query', res: get('/api/stock?status=lost'), kind: 'validation', field: 'query.status' },
      { what: 'bad body', res: stockPost(t, '/api/inventory/moves', { fromBin: a0, toBin: a1, sku: 'SKU-1', qty: '5' }),
        kind: 'validation', field: 'body.qty' },
      { what: 'malformed JSON', res: t.app.inject({ method: 'POST', url: '/api/owners', payload: '{"code": ',
        headers: { ...bearer(t.adminToken), 'content-type': 'application/json' } }), kind: 'bad-request', field: 'body' },
      { what: 'no token', res: t.app.inject({ url: '/api/stock' }), kind: 'unauthorized' },
      { what: 'role', res: get('/api/users', operatorToken), kind: 'forbidden' },
      { what: 'unknown route', res: get('/api/nowhere'), kind: 'not-found' },
      { what: 'unknown SKU', res: get('/api/skus/NOPE'), kind: 'not-found', field: 'params.code' },
      { what: 'not enough stock', res: stockPost(t, '/api/inventory/moves', { fromBin: a0, toBin: a1, sku: 'SKU-1',
        qty: 100000 }), kind: 'conflict', field: 'body.qty' },
      { what: 'reused key', res: (async () => {
        const headers = { 'idempotency-key': 'conv-key-1' };
        await stockPost(t, '/api/inventory/moves', { fromBin: a0, toBin: a1, sku: 'SKU-1', qty: 1 }, t.adminToken, headers);
        return stockPost(t, '/api/inventory/moves', { fromBin: a0, toBin: a1, sku: 'SKU-1', qty: 2 }, t.adminToken, headers);
      })(), kind: 'unprocessable', field: 'headers.idempotency-key' },
    ];
    for (const c of cases) {
      const res = await c.res;
      const problem = res.json();
      const { status, title } = PROBLEM_KINDS[c.kind];
      expect(res.statusCode, c.what).toBe(status);
      expect(problem, c.what).toMatchObject({ type: `https://wetms.dev/problems/${c.kind}`, status });
      if (c.kind !== 'validation' && c.kind !== 'bad-request') expect(problem.title, c.what).toBe(title);
      if (c.field) {
        expect(problem.field, c.what).toBe(c.field);
        expect(problem.detail, c.what).toContain(c.field);
      }
      if (problem.field !== undefined) expect(problem.field, c.what).toMatch(PREFIXED);
    }
    // The scheme is in the OpenAPI description.
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    for (const kind of Object.keys(PROBLEM_KINDS)) expect(doc.info.description).toContain(kind);
    expect(doc.info.description).toContain('params.warehouse');
  });

  describe('movements', () => {
    type Movement = { movementId: number; type: string; user: string; docRef: string | null;
      legs: { bin: string; sku: string; lot: string | null; owner: string; delta: number }[] };
    const movements = async (query: string, token?: string): Promise<Movement[]> =>
      (await ok(`/api/movements?${query}`, token)).items;
    const kinds = (ms: Movement[]) => ms.map((m) => `${m.type}:${m.legs.map((l) => `${l.bin}${l.delta}`).join(',')}`);

    it('filters by SKU, bin, lot, owner, type, user, document, warehouse and time', async () => {
      const [a0, a1, a2] = w.binsA;
      const b0 = w.binsB[0];
      const all = await movements('');
      expect(all.map((m) => m.type)).toEqual(['adjust_gain', 'adjust_gain', 'move', 'move', 'scrap', 'move']);
      expect(kinds(await movements('sku=MILK'))).toEqual([`adjust_gain:${a2}12`, `scrap:${a2}-1`]);
      expect(kinds(await movements('lot=L-CONV&type=scrap'))).toEqual([`scrap:${a2}-1`]);
      expect(kinds(await movements('owner=OWN2'))).toEqual([`adjust_gain:${a2}12`, `scrap:${a2}-1`]);
      // A movement found by one bin shows all its legs.
      expect(kinds(await movements(`bin=${b0}`))).toEqual([`move:${a1}-2,${b0}2`]);
      expect((await movements('user=mgr-c')).map((m) => m.user)).toEqual(['mgr-c', 'mgr-c']);
      expect(kinds(await movements('docRef=CONV-1'))).toEqual([`adjust_gain:${a0}40`, `move:${a0}-5,${a1}5`]);
      expect((await movements('docRef=CONV-1'))[1]!.docRef).toBe('CONV-1');
      expect(await movements('warehouse=NOPE')).toEqual([]);
      expect(await movements('warehouse=T1')).toHaveLength(all.length);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect(await movements(`from=${encodeURIComponent(future)}`)).toEqual([]);
      expect(await movements(`to=${encodeURIComponent(future)}`)).toHaveLength(all.length);
      const [, , third] = await ok('/api/movements').then((p: { items: Movement[] }) => p.items);
      const at = (await t.db.selectFrom('movements').select('at').where('id', '=', third!.movementId)
        .executeTakeFirstOrThrow()).at;
      expect((await movements(`from=${encodeURIComponent(new Date(at).toISOString())}`))[0]!.movementId)
        .toBe(third!.movementId);
    });

    it('pages by cursor in movement id order, and next reads on as new movements come', async () => {
      const all = await movements('');
      const seen: number[] = [];
      let url: string | null = '/api/movements?limit=2';
      let pages = 0;
      while (url) {
        const page: { items: Movement[]; next: string | null } = await ok(url);
        seen.push(...page.items.map((m) => m.movementId));
        url = page.next;
        pages++;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(all.map((m) => m.movementId));
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
      const last = await ok(`/api/movements?after=${seen.at(-1)}`);
      expect(last).toEqual({ items: [], next: null });
      await post('/api/inventory/moves', { fromBin: w.binsA[0], toBin: w.binsA[3], sku: 'SKU-1', qty: 1 });
      const later = await ok(`/api/movements?after=${seen.at(-1)}`);
      expect(later.items.map((m: Movement) => m.type)).toEqual(['move']);
    });

    it('shows a zone-scoped user only the legs in their zones', async () => {
      const mine = await movements('type=move', operatorToken);
      const crossing = mine.find((m) => m.legs.some((l) => l.bin === w.binsA[1]) && m.user === 'mgr-c'
        && m.legs.length === 1);
      expect(crossing?.legs).toEqual([expect.objectContaining({ bin: w.binsA[1], delta: -2 })]);
      for (const m of mine) for (const l of m.legs) expect(w.binsA).toContain(l.bin);
    });

    it('refuses bad filters naming the query field', async () => {
      for (const [query, field] of [['type=teleport', 'query.type'], ['from=yesterday', 'query.from'],
        ['limit=0', 'query.limit'], ['after=-1', 'query.after'], ['colour=red', 'query.colour']]) {
        const res = await get(`/api/movements?${query}`);
        expect(res.statusCode, query).toBe(400);
        expect(res.json().field, query).toBe(field);
      }
    });
  });

  describe('change feed', () => {
    it('reads published events forward from a position, by type, and follows next', async () => {
      const relay = new OutboxRelay(t.db);
      await relay.stamp();
      const all = await ok('/api/events');
      expect(all.items.length).toBeGreaterThan(4);
      const positions = all.items.map((e: { pos: number }) => e.pos);
      expect(positions).toEqual(Array.from({ length: positions.length }, (_, i) => positions[0] + i));
      expect(all.items[0]).toMatchObject({ warehouse: 'T1', type: expect.any(String), at: expect.any(String) });
      expect(all.next).toBe(`/api/events?after=${positions.at(-1)}`);
      const stock = await ok('/api/events?types=stock.changed&limit=2');
      expect(stock.items.map((e: { type: string }) => e.type)).toEqual(['stock.changed', 'stock.changed']);
      expect(stock.items[0].payload).toMatchObject({ type: 'adjust_gain' });
      const next = await ok(stock.next);
      expect(next.items[0].pos).toBeGreaterThan(stock.items[1].pos);
      expect(next.items.every((e: { type: string }) => e.type === 'stock.changed')).toBe(true);
      // Nothing new: empty, and next moves to the newest position so a filtered poll does not rescan.
      const idle = await ok(`/api/events?after=${positions.at(-1)}&types=alert`);
      expect(idle).toEqual({ items: [], next: `/api/events?after=${positions.at(-1)}&types=alert` });
      // A zone-scoped user has no whole warehouse in scope: no events.
      expect((await ok('/api/events', operatorToken)).items).toEqual([]);
      expect((await get('/api/events?types=Stock%20Changed')).json().field).toBe('query.types');
    });

    it('answers 410 naming query.after for a position older than what is kept', async () => {
      const relay = new OutboxRelay(t.db, { retentionMs: 0 });
      await relay.stamp();
      const newest = Number((await sql<{ n: string }>`select max(pos) as n from outbox`.execute(t.db)).rows[0]!.n);
      // Every consumer has passed the first three events: the relay may prune them.
      await t.db.insertInto('stream_consumers').values({ name: 'conv-test', pos: 3 }).execute();
      await new Promise((r) => setTimeout(r, 5));
      expect(await relay.prune()).toBe(3);
      const res = await get('/api/events?after=0');
      expect(res.statusCode, res.body).toBe(410);
      expect(res.json()).toMatchObject({ type: 'https://wetms.dev/problems/gone', field: 'query.after', oldestAfter: 3 });
      expect((await get('/api/events?after=2')).statusCode).toBe(410);
      const from3 = await ok('/api/events?after=3');
      expect(from3.items[0].pos).toBe(4);
      expect(from3.items.at(-1).pos).toBe(newest);
      await t.db.deleteFrom('stream_consumers').where('name', '=', 'conv-test').execute();
    });
  });
});
