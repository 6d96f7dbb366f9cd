import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { backends, bearer, startTestApp, type TestApp } from './harness.ts';
import { seedSmallWorld, type SmallWorld } from './fixtures.ts';

/**
 * Idempotency-Key: a replay returns the first result and changes nothing; a reused key with another
 * body is refused; keys are per user; concurrent duplicates apply once; a failed request frees its key.
 */

interface Res { statusCode: number; headers: Record<string, unknown>; body: string; json(): any }

describe.each(backends)('idempotency on $name', (backend) => {
  let t: TestApp;
  let w: SmallWorld;
  let otherToken: string;

  const send = (method: 'POST' | 'PATCH', url: string, payload: object, key?: string, token = t.adminToken) =>
    t.app.inject({ method, url, payload,
      headers: { ...bearer(token), ...(key ? { 'idempotency-key': key } : {}) } }) as Promise<Res>;

  /** What a replay must not change: ledger, movements, outbox, every balance, and master data counts. */
  async function state() {
    const { rows } = await sql<Record<string, string>>`
      select (select count(*) from ledger_entries)::text as ledger,
             (select count(*) from movements)::text as movements,
             (select count(*) from outbox)::text as outbox,
             (select coalesce(sum(qty), 0) from stock_balances)::text as units,
             (select md5(coalesce(string_agg(b::text, '|' order by b.id), ''))
                from (select id, bin_id, sku_id, lot_id, owner_id, status, qty, reserved from stock_balances) b)
               as balances,
             (select count(*) from owners)::text as owners,
             (select md5(coalesce(string_agg(o::text, '|' order by o.id), ''))
                from (select id, code, name from owners) o) as owner_rows`.execute(t.db);
    return rows[0]!;
  }

  const qty = async (bin: string, status = 'available') => {
    const row = await t.db.selectFrom('stock_balances as sb').innerJoin('bins as b', 'b.id', 'sb.bin_id')
      .innerJoin('skus as s', 's.id', 'sb.sku_id').select((eb) => eb.fn.sum<number>('sb.qty').as('n'))
      .where('b.code', '=', bin).where('s.code', '=', 'SKU-1').where('sb.status', '=', status as 'available')
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  };

  beforeAll(async () => {
    t = await startTestApp(backend);
    w = await seedSmallWorld(t);
    for (const [bin, qty] of [[w.binsA[0], 100], [w.binsB[7], 10]] as const) {
      const res = await send('POST', '/api/inventory/adjustments',
        { bin, sku: 'SKU-1', owner: 'OWN1', qty, reason: 'opening stock' });
      if (res.statusCode !== 200) throw new Error(res.body);
    }
    const user = await send('POST', '/api/users', { username: 'mgr2', password: 'second-manager-pw', role: 'manager' });
    if (user.statusCode !== 201) throw new Error(user.body);
    otherToken = await t.login('mgr2', 'second-manager-pw');
  });
  afterAll(async () => t?.close());

  describe('stock replays', () => {
    const stockCases = [
      { name: 'move', url: '/api/inventory/moves',
        body: () => ({ fromBin: w.binsA[0], toBin: w.binsA[1], sku: 'SKU-1', qty: 3 }) },
      { name: 'adjustment', url: '/api/inventory/adjustments',
        body: () => ({ bin: w.binsA[2], sku: 'SKU-1', owner: 'OWN1', qty: 4, reason: 'found' }) },
      { name: 'status change', url: '/api/inventory/status-changes',
        body: () => ({ bin: w.binsB[7], sku: 'SKU-1', to: 'hold', qty: 2, reason: 'suspect' }) },
      { name: 'scrap', url: '/api/inventory/scrap',
        body: () => ({ bin: w.binsA[0], sku: 'SKU-1', qty: 1, reason: 'crushed' }) },
    ];

    it.each(stockCases)('a replayed $name returns the first result with replayed: true and changes nothing',
      async ({ name, url, body }) => {
        const key = `stock-${name.replace(/ /g, '-')}`;
        const first = await send('POST', url, body(), key);
        expect(first.statusCode, first.body).toBe(200);
        expect(first.json().replayed).toBeUndefined();
        const after = await state();
        for (let i = 0; i < 2; i++) {
          const replay = await send('POST', url, body(), key);
          expect(replay.statusCode, replay.body).toBe(200);
          expect(replay.json()).toEqual({ ...first.json(), replayed: true });
          expect(await state()).toEqual(after);
        }
        expect((await checkLedger(t.db)).ok).toBe(true);
      });

    it('a replay answers even after the first request used the stock up (whole-bin move)', async () => {
      const source = w.binsA[4]!;
      const gain = await send('POST', '/api/inventory/adjustments',
        { bin: source, sku: 'SKU-1', owner: 'OWN1', qty: 6, reason: 'setup' });
      expect(gain.statusCode, gain.body).toBe(200);
      const body = { fromBin: source, toBin: w.binsA[5], sku: 'SKU-1' }; // no qty: everything
      const first = await send('POST', '/api/inventory/moves', body, 'whole-bin');
      expect(first.statusCode, first.body).toBe(200);
      expect(await qty(source)).toBe(0);
      const after = await state();
      const replay = await send('POST', '/api/inventory/moves', body, 'whole-bin');
      expect(replay.statusCode, replay.body).toBe(200);
      expect(replay.json()).toEqual({ ...first.json(), replayed: true });
      expect(replay.json().legs.map((l: { bin: string; delta: number }) => [l.bin, l.delta]))
        .toEqual([[source, -6], [w.binsA[5], 6]]);
      expect(await state()).toEqual(after);
    });

    it('the same key with a different body is 422 naming Idempotency-Key, and changes nothing', async () => {
      const body = { fromBin: w.binsA[0], toBin: w.binsA[6], sku: 'SKU-1', qty: 1 };
      expect((await send('POST', '/api/inventory/moves', body, 'stock-mismatch')).statusCode).toBe(200);
      const before = await state();
      for (const [url, other] of [['/api/inventory/moves', { ...body, qty: 2 }],
        ['/api/inventory/scrap', { bin: w.binsA[0], sku: 'SKU-1', qty: 1, reason: 'x' }]] as const) {
        const res = await send('POST', url, other, 'stock-mismatch');
        expect(res.statusCode, res.body).toBe(422);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().field).toBe('headers.idempotency-key');
        expect(res.json().detail).toContain('headers.idempotency-key');
      }
      expect(await state()).toEqual(before);
    });
  });

  describe('master-data replays', () => {
    it('a replayed POST returns the same 201 and body with idempotent-replayed: true, and creates nothing', async () => {
      const first = await send('POST', '/api/owners', { code: 'IDEM-1', name: 'Once' }, 'owner-post');
      expect(first.statusCode, first.body).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const after = await state();
      const replay = await send('POST', '/api/owners', { code: 'IDEM-1', name: 'Once' }, 'owner-post');
      expect(replay.statusCode, replay.body).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json()).toEqual(first.json());
      expect(await state()).toEqual(after);
    });

    it('a replayed PATCH returns the first result and does not apply again', async () => {
      await send('POST', '/api/owners', { code: 'IDEM-P', name: 'Start' });
      const first = await send('PATCH', '/api/owners/IDEM-P', { name: 'First' }, 'owner-patch');
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json().name).toBe('First');
      // Someone else renames it in between; a late retry of the first PATCH must not undo that.
      expect((await send('PATCH', '/api/owners/IDEM-P', { name: 'Second' })).json().name).toBe('Second');
      const after = await state();
      const replay = await send('PATCH', '/api/owners/IDEM-P', { name: 'First' }, 'owner-patch');
      expect(replay.statusCode).toBe(200);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json()).toEqual(first.json());
      expect(await state()).toEqual(after);
      const now = await t.app.inject({ url: '/api/owners/IDEM-P', headers: bearer(t.adminToken) });
      expect(now.json().name).toBe('Second');
    });

    it('the same key with a different body is 422 naming Idempotency-Key', async () => {
      expect((await send('POST', '/api/owners', { code: 'IDEM-2', name: 'x' }, 'owner-mismatch')).statusCode)
        .toBe(201);
      const before = await state();
      for (const [method, url, body] of [['POST', '/api/owners', { code: 'IDEM-3', name: 'x' }],
        ['PATCH', '/api/owners/IDEM-2', { name: 'y' }]] as const) {
        const res = await send(method, url, body, 'owner-mismatch');
        expect(res.statusCode, res.body).toBe(422);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().field).toBe('headers.idempotency-key');
      }
      expect(await state()).toEqual(before);
    });
  });

  it('the same key used by two users is two independent requests', async () => {
    const mine = await send('POST', '/api/owners', { code: 'MINE', name: 'x' }, 'shared-key');
    const theirs = await send('POST', '/api/owners', { code: 'THEIRS', name: 'y' }, 'shared-key', otherToken);
    expect(mine.statusCode, mine.body).toBe(201);
    expect(theirs.statusCode, theirs.body).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json().code).toBe('THEIRS');

    const move = { fromBin: w.binsA[0], toBin: w.binsA[7], sku: 'SKU-1', qty: 1 };
    const before = await qty(w.binsA[7]!);
    const a = await send('POST', '/api/inventory/moves', move, 'shared-stock-key');
    const b = await send('POST', '/api/inventory/moves', move, 'shared-stock-key', otherToken);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(b.json().replayed).toBeUndefined();
    expect(b.json().movementId).not.toBe(a.json().movementId);
    expect(await qty(w.binsA[7]!)).toBe(before + 2);
  });

  describe('concurrent duplicates apply once', () => {
    it('five identical stock moves at once', async () => {
      const body = { fromBin: w.binsA[0], toBin: w.binsA[3], sku: 'SKU-1', qty: 5 };
      const before = { state: await state(), from: await qty(w.binsA[0]!), to: await qty(w.binsA[3]!) };
      const results = await Promise.all(Array.from({ length: 5 },
        () => send('POST', '/api/inventory/moves', body, 'concurrent-move')));
      for (const r of results) expect(r.statusCode, r.body).toBe(200);
      expect(new Set(results.map((r) => r.json().movementId)).size).toBe(1);
      expect(results.filter((r) => !r.json().replayed)).toHaveLength(1);
      const after = await state();
      expect(Number(after.movements)).toBe(Number(before.state.movements) + 1);
      expect(Number(after.outbox)).toBe(Number(before.state.outbox) + 1);
      expect(Number(after.ledger)).toBe(Number(before.state.ledger) + 2);
      expect(await qty(w.binsA[0]!)).toBe(before.from - 5);
      expect(await qty(w.binsA[3]!)).toBe(before.to + 5);
      expect((await checkLedger(t.db)).ok).toBe(true);
    });

    it('five identical owner creations at once', async () => {
      const before = await state();
      const results = await Promise.all(Array.from({ length: 5 },
        () => send('POST', '/api/owners', { code: 'RACE', name: 'Race' }, 'concurrent-owner')));
      const created = results.filter((r) => r.statusCode === 201);
      expect(created.length, results.map((r) => `${r.statusCode} ${r.body}`).join('\n')).toBeGreaterThanOrEqual(1);
      for (const r of created) expect(r.json()).toEqual(created[0]!.json());
      // The others either replayed or were told the first is still in progress: never a second owner.
      for (const r of results.filter((x) => x.statusCode !== 201)) {
        expect(r.statusCode, r.body).toBe(409);
        expect(r.json().field).toBe('headers.idempotency-key');
      }
      expect(Number((await state()).owners)).toBe(Number(before.owners) + 1);
      // Once settled, a retry is a clean replay.
      const retry = await send('POST', '/api/owners', { code: 'RACE', name: 'Race' }, 'concurrent-owner');
      expect(retry.statusCode).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
    });
  });

  describe('a failed request does not burn its key', () => {
    it('a move refused for lack of stock succeeds with the same key once the stock is there', async () => {
      const bin = w.binsB[0]!;
      const body = { fromBin: bin, toBin: w.binsB[1], sku: 'SKU-1', qty: 8 };
      const refused = await send('POST', '/api/inventory/moves', body, 'retry-move');
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json().field).toBe('body.sku');
      const gain = await send('POST', '/api/inventory/adjustments',
        { bin, sku: 'SKU-1', owner: 'OWN1', qty: 5, reason: 'arrived' });
      expect(gain.statusCode).toBe(200);
      const tooFew = await send('POST', '/api/inventory/moves', body, 'retry-move');
      expect(tooFew.statusCode, tooFew.body).toBe(409);
      expect(tooFew.json()).toMatchObject({ field: 'body.qty', requested: 8, available: 5 });
      await send('POST', '/api/inventory/adjustments', { bin, sku: 'SKU-1', owner: 'OWN1', qty: 5, reason: 'more' });
      const before = await state();
      const ok = await send('POST', '/api/inventory/moves', body, 'retry-move');
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().replayed).toBeUndefined();
      expect(Number((await state()).movements)).toBe(Number(before.movements) + 1);
      expect(await qty(bin)).toBe(2);
      const replay = await send('POST', '/api/inventory/moves', body, 'retry-move');
      expect(replay.json()).toEqual({ ...ok.json(), replayed: true });
      expect(await qty(bin)).toBe(2);
    });

    it('an owner refused as a duplicate is created with the same key once the conflict is gone', async () => {
      await send('POST', '/api/owners', { code: 'TAKEN', name: 'Old' });
      const refused = await send('POST', '/api/owners', { code: 'TAKEN', name: 'New' }, 'retry-owner');
      expect(refused.statusCode, refused.body).toBe(409);
      const removed = await t.app.inject({ method: 'DELETE', url: '/api/owners/TAKEN', headers: bearer(t.adminToken) });
      expect(removed.statusCode).toBe(204);
      const ok = await send('POST', '/api/owners', { code: 'TAKEN', name: 'New' }, 'retry-owner');
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.headers['idempotent-replayed']).toBeUndefined();
      expect(ok.json().name).toBe('New');
    });
  });
});
