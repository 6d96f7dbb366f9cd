import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { seedSmallWorld, smallLayout, stockPost, type SmallWorld } from './fixtures.ts';
import { backends, bearer, startTestApp, type TestApp } from './harness.ts';

/** Stock queries, status changes, traces and trails, all through the HTTP API. */

interface StockLine {
  warehouse: string; zone: string; bin: string; sku: string; lot: string | null; expiry: string | null;
  owner: string; status: string; qty: number; reserved: number; atp: number; firstReceiptAt: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (t: string | Date) => new Date(t).getTime();
const future = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);

describe.each(backends)('stock queries and status on $name', (backend) => {
  let t: TestApp;
  let w: SmallWorld;
  let A0: string, A1: string, A2: string, B0: string, T2bin: string;
  let managerToken: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    w = await seedSmallWorld(t);
    [A0, A1, A2] = w.binsA as [string, string, string];
    B0 = w.binsB[0]!;
    // A second, tiny warehouse, so that the warehouse filter has something to leave out.
    const wh2 = await t.app.inject({ method: 'POST', url: '/api/warehouses', headers: bearer(t.adminToken), payload: {
      ...smallLayout, code: 'T2', name: 'Second warehouse',
      zones: [{ ...smallLayout.zones[0]!, aisles: 1, racksPerAisle: 1, levels: 1, binsPerLevel: 2 }] } });
    expect(wh2.statusCode, wh2.body).toBeLessThan(300);
    const t2Bins = await t.db.selectFrom('bins').select('code').where('warehouse_id', '=', wh2.json().id)
      .orderBy('code').execute();
    T2bin = t2Bins[0]!.code;
    const user = await t.app.inject({ method: 'POST', url: '/api/users', headers: bearer(t.adminToken),
      payload: { username: 'mgr1', password: 'manager-pass-1', role: 'manager' } });
    expect(user.statusCode, user.body).toBe(201);
    managerToken = await t.login('mgr1', 'manager-pass-1');
  });
  afterAll(async () => t?.close());

  // Every test starts from an empty warehouse (same bins, SKUs and owners).
  beforeEach(async () => {
    await sql`delete from ledger_entries`.execute(t.db);
    await sql`delete from movements`.execute(t.db);
    await sql`delete from stock_balances`.execute(t.db);
    await sql`delete from outbox`.execute(t.db);
    await sql`delete from lots`.execute(t.db);
  });

  const get = async (url: string, token = t.adminToken) => {
    const res = await t.app.inject({ url, headers: bearer(token) });
    return res;
  };
  const stock = async (query: string): Promise<StockLine[]> => {
    const res = await get(`/api/stock?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  };
  /** "bin sku lot owner status qty", sorted: easy to compare as a set. */
  const lines = (rows: StockLine[]) =>
    rows.map((r) => `${r.bin} ${r.sku} ${r.lot ?? '-'} ${r.owner} ${r.status} ${r.qty}`).sort();
  const ok = async (url: string, payload: object, token = t.adminToken, headers: Record<string, string> = {}) => {
    const res = await stockPost(t, url, payload, token, headers);
    expect(res.statusCode, `${url} ${JSON.stringify(payload)}: ${res.body}`).toBe(200);
    return res.json() as { movementId: number; at: string; type: string;
      legs: { bin: string; delta: number; status: string; lot: string | null; qtyAfter: number }[] };
  };
  const gain = (bin: string, sku: string, qty: number, extra: object = {}) =>
    ok('/api/inventory/adjustments', { bin, sku, owner: 'OWN1', qty, reason: 'count', ...extra });
  const milk = (bin: string, lot: string, qty: number, extra: object = {}) =>
    gain(bin, 'MILK', qty, { lot, lotExpiry: future, ...extra });
  const ledgerRows = async () => (await checkLedger(t.db)).ledgerRows;

  it('filters stock lines by SKU, bin, lot, owner, zone, warehouse and status', async () => {
    await gain(A0, 'SKU-1', 50);
    await ok('/api/inventory/status-changes', { bin: A0, sku: 'SKU-1', to: 'qc', qty: 10, reason: 'sample' });
    await milk(A1, 'L1', 8);
    await milk(A1, 'L2', 5, { owner: 'OWN2' });
    await gain(B0, 'SKU-2', 20, { owner: 'OWN2' });
    await gain(T2bin, 'SKU-1', 7);

    const all = [
      `${A0} SKU-1 - OWN1 available 40`, `${A0} SKU-1 - OWN1 qc 10`, `${A1} MILK L1 OWN1 available 8`,
      `${A1} MILK L2 OWN2 available 5`, `${B0} SKU-2 - OWN2 available 20`, `${T2bin} SKU-1 - OWN1 available 7`,
    ].sort();
    expect(lines(await stock(''))).toEqual(all);
    const only = (pred: (l: string) => boolean) => all.filter(pred);
    expect(lines(await stock('sku=SKU-1'))).toEqual(only((l) => l.includes(' SKU-1 ')));
    expect(lines(await stock(`bin=${A1}`))).toEqual(only((l) => l.startsWith(A1)));
    expect(lines(await stock('lot=L2'))).toEqual([`${A1} MILK L2 OWN2 available 5`]);
    expect(lines(await stock('owner=OWN2'))).toEqual(only((l) => l.includes(' OWN2 ')));
    expect(lines(await stock('zone=B'))).toEqual([`${B0} SKU-2 - OWN2 available 20`]);
    expect(lines(await stock('zone=A'))).toEqual(only((l) => !l.startsWith(B0)));
    expect(lines(await stock('warehouse=T2'))).toEqual([`${T2bin} SKU-1 - OWN1 available 7`]);
    expect(lines(await stock('warehouse=T1'))).toEqual(only((l) => !l.startsWith(T2bin)));
    expect(lines(await stock('status=qc'))).toEqual([`${A0} SKU-1 - OWN1 qc 10`]);
    expect(lines(await stock('sku=SKU-1&warehouse=T1&status=available'))).toEqual([`${A0} SKU-1 - OWN1 available 40`]);
    expect(lines(await stock('zone=A&owner=OWN2'))).toEqual([`${A1} MILK L2 OWN2 available 5`]);
    expect(await stock('lot=NO-SUCH-LOT')).toEqual([]);

    // Each line carries its place and what of it can be promised (nothing of qc stock).
    const [qc] = await stock('status=qc');
    expect(qc).toMatchObject({ warehouse: 'T1', zone: 'A', qty: 10, reserved: 0, atp: 0 });
    const milkL1 = (await stock('lot=L1'))[0]!;
    expect(milkL1).toMatchObject({ expiry: future, atp: 8 });
    // Paging.
    const page = await stock('limit=2&offset=1');
    expect(page.map((r) => r.bin)).toEqual((await stock('')).slice(1, 3).map((r) => r.bin));
    expect((await get('/api/stock?status=lost')).statusCode).toBe(400);
  });

  it('available to promise leaves out qc and held stock and subtracts what is reserved', async () => {
    await gain(A0, 'SKU-1', 100);
    await ok('/api/inventory/status-changes', { bin: A0, sku: 'SKU-1', to: 'hold', qty: 15, reason: 'frozen' });
    await ok('/api/inventory/status-changes', { bin: A0, sku: 'SKU-1', from: 'available', to: 'qc', qty: 5,
      reason: 'sample' });
    await gain(A1, 'SKU-1', 30, { owner: 'OWN2' });
    await gain(T2bin, 'SKU-1', 4, { status: 'damaged' });
    // Allocation comes later; reserve directly.
    await sql`update stock_balances set reserved = 12 where qty = 80 and status = 'available'`.execute(t.db);

    const res = await get('/api/stock/atp?sku=SKU-1');
    expect(res.statusCode, res.body).toBe(200);
    const atp = res.json();
    expect(atp).toMatchObject({ sku: 'SKU-1', onHand: 134, atp: 98 });
    expect(atp.lines).toEqual([
      { warehouse: 'T1', owner: 'OWN1', onHand: 100, available: 80, qc: 5, hold: 15, damaged: 0, reserved: 12, atp: 68 },
      { warehouse: 'T1', owner: 'OWN2', onHand: 30, available: 30, qc: 0, hold: 0, damaged: 0, reserved: 0, atp: 30 },
      { warehouse: 'T2', owner: 'OWN1', onHand: 4, available: 0, qc: 0, hold: 0, damaged: 4, reserved: 0, atp: 0 },
    ]);
    const own2 = (await get('/api/stock/atp?sku=SKU-1&owner=OWN2')).json();
    expect(own2).toMatchObject({ onHand: 30, atp: 30 });
    expect(own2.lines).toHaveLength(1);
    expect((await get('/api/stock/atp?sku=SKU-1&warehouse=T2')).json()).toMatchObject({ onHand: 4, atp: 0 });

    // The same figure per line, and reserved stock cannot be moved away.
    const a0 = await stock(`bin=${A0}&sku=SKU-1`);
    expect(a0.map((r) => [r.status, r.qty, r.reserved, r.atp]).sort()).toEqual(
      [['available', 80, 12, 68], ['hold', 15, 0, 0], ['qc', 5, 0, 0]]);
    const tooMuch = await stockPost(t, '/api/inventory/moves',
      { fromBin: A0, toBin: A2, sku: 'SKU-1', status: 'available', qty: 69 });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json()).toMatchObject({ field: 'body.qty', available: 68, requested: 69 });
    expect((await get('/api/stock/atp?sku=NOPE')).statusCode).toBe(404);
  });

  it('a move without qty moves everything unreserved, and refuses when everything is reserved', async () => {
    await gain(A0, 'SKU-2', 30);
    await sql`update stock_balances set reserved = 5`.execute(t.db);
    const whole = await ok('/api/inventory/moves', { fromBin: A0, toBin: A1, sku: 'SKU-2' });
    expect(whole.legs.map((l) => [l.bin, l.delta, l.qtyAfter])).toEqual([[A0, -25, 5], [A1, 25, 25]]);
    expect(lines(await stock('sku=SKU-2'))).toEqual([`${A0} SKU-2 - OWN1 available 5`, `${A1} SKU-2 - OWN1 available 25`]);

    const before = await ledgerRows();
    const nothing = await stockPost(t, '/api/inventory/moves', { fromBin: A0, toBin: A1, sku: 'SKU-2' });
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json().field).toBe('body.qty');
    expect(await ledgerRows()).toBe(before);

    await sql`update stock_balances set reserved = 0`.execute(t.db);
    const rest = await ok('/api/inventory/moves', { fromBin: A0, toBin: A1, sku: 'SKU-2' });
    expect(rest.legs.map((l) => l.delta)).toEqual([-5, 5]);
    expect(lines(await stock('sku=SKU-2'))).toEqual([`${A1} SKU-2 - OWN1 available 30`]);
    expect((await checkLedger(t.db)).ok).toBe(true);
  });

  it('an ambiguous selector is refused with 422 listing the candidates, and writes nothing', async () => {
    await milk(A0, 'L1', 6);
    await milk(A0, 'L2', 4);
    const before = await ledgerRows();
    const res = await stockPost(t, '/api/inventory/moves', { fromBin: A0, toBin: A1, sku: 'MILK', qty: 1 });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.field).toBe('body.lot');
    expect(body.candidates.map((c: { lot: string; qty: number; owner: string; status: string }) =>
      [c.lot, c.qty, c.owner, c.status]).sort()).toEqual([['L1', 6, 'OWN1', 'available'], ['L2', 4, 'OWN1', 'available']]);
    const scrap = await stockPost(t, '/api/inventory/scrap', { bin: A0, sku: 'MILK', qty: 1, reason: 'leak' });
    expect(scrap.statusCode).toBe(422);
    expect(await ledgerRows()).toBe(before);

    // Naming the lot settles it.
    const move = await ok('/api/inventory/moves', { fromBin: A0, toBin: A1, sku: 'MILK', lot: 'L2', qty: 1 });
    expect(move.legs.map((l) => l.lot)).toEqual(['L2', 'L2']);
    expect(lines(await stock(`bin=${A0}`))).toEqual([`${A0} MILK L1 OWN1 available 6`, `${A0} MILK L2 OWN1 available 3`]);

    // Two owners of the same SKU in one bin: the owner must be named.
    await gain(A2, 'SKU-1', 3);
    await gain(A2, 'SKU-1', 4, { owner: 'OWN2' });
    const byOwner = await stockPost(t, '/api/inventory/moves', { fromBin: A2, toBin: A1, sku: 'SKU-1', qty: 1 });
    expect(byOwner.statusCode).toBe(422);
    expect(byOwner.json().field).toBe('body.owner');
    expect(byOwner.json().candidates).toHaveLength(2);
    await ok('/api/inventory/moves', { fromBin: A2, toBin: A1, sku: 'SKU-1', owner: 'OWN2', qty: 4 });
    expect(lines(await stock(`bin=${A1}&sku=SKU-1`))).toEqual([`${A1} SKU-1 - OWN2 available 4`]);
  });

  it('freezes and unfreezes stock: available -> hold -> available', async () => {
    await gain(A0, 'SKU-1', 20);
    const freeze = await ok('/api/inventory/status-changes',
      { bin: A0, sku: 'SKU-1', to: 'hold', qty: 8, reason: 'suspected damage' });
    expect(freeze.type).toBe('status_change');
    expect(freeze.legs.map((l) => [l.status, l.delta])).toEqual([['available', -8], ['hold', 8]]);
    expect(lines(await stock(`bin=${A0}`))).toEqual([`${A0} SKU-1 - OWN1 available 12`, `${A0} SKU-1 - OWN1 hold 8`]);
    expect((await get('/api/stock/atp?sku=SKU-1')).json()).toMatchObject({ onHand: 20, atp: 12 });

    // Held and available stock side by side: a change to a third status must say which it means.
    const which = await stockPost(t, '/api/inventory/status-changes',
      { bin: A0, sku: 'SKU-1', to: 'damaged', qty: 1, reason: 'dropped' });
    expect(which.statusCode).toBe(422);
    expect(which.json().field).toBe('body.status');
    // Unfreezing more than is held is refused, and so is a change to the status it already has.
    const tooMuch = await stockPost(t, '/api/inventory/status-changes',
      { bin: A0, sku: 'SKU-1', from: 'hold', to: 'available', qty: 9, reason: 'cleared' });
    expect(tooMuch.statusCode).toBe(409);
    const same = await stockPost(t, '/api/inventory/status-changes',
      { bin: A0, sku: 'SKU-1', from: 'hold', to: 'hold', reason: 'no-op' });
    expect(same.statusCode).toBe(400);

    const unfreeze = await ok('/api/inventory/status-changes',
      { bin: A0, sku: 'SKU-1', from: 'hold', to: 'available', reason: 'cleared' });
    expect(unfreeze.legs.map((l) => [l.status, l.delta])).toEqual([['hold', -8], ['available', 8]]);
    expect(lines(await stock(`bin=${A0}`))).toEqual([`${A0} SKU-1 - OWN1 available 20`]);
    expect(await stock('status=hold')).toEqual([]);
    expect((await get('/api/stock/atp?sku=SKU-1')).json()).toMatchObject({ onHand: 20, atp: 20 });
  });

  it('puts stock on QC hold and releases it; an expired lot cannot be released or received', async () => {
    await milk(A0, 'FRESH', 10);
    await ok('/api/inventory/status-changes', { bin: A0, sku: 'MILK', to: 'qc', reason: 'inspection' });
    expect(lines(await stock(`bin=${A0}`))).toEqual([`${A0} MILK FRESH OWN1 qc 10`]);
    expect((await get('/api/stock/atp?sku=MILK')).json()).toMatchObject({ onHand: 10, atp: 0 });
    await ok('/api/inventory/status-changes', { bin: A0, sku: 'MILK', from: 'qc', to: 'available', reason: 'passed' });
    expect(lines(await stock(`bin=${A0}`))).toEqual([`${A0} MILK FRESH OWN1 available 10`]);

    // A lot that expires while it waits in QC.
    await milk(A1, 'OLD', 6);
    await ok('/api/inventory/status-changes', { bin: A1, sku: 'MILK', lot: 'OLD', to: 'qc', reason: 'inspection' });
    await sql`update lots set expiry_date = '2020-01-31' where lot_no = 'OLD'`.execute(t.db);
    const before = await ledgerRows();
    const release = await stockPost(t, '/api/inventory/status-changes',
      { bin: A1, sku: 'MILK', lot: 'OLD', from: 'qc', to: 'available', reason: 'passed' });
    expect(release.statusCode).toBe(422);
    expect(release.json().field).toBe('body.to');
    expect(release.json().detail).toContain('2020-01-31');
    expect(await ledgerRows()).toBe(before);
    expect(lines(await stock(`bin=${A1}`))).toEqual([`${A1} MILK OLD OWN1 qc 6`]);
    // It may still be marked damaged (and then scrapped).
    await ok('/api/inventory/status-changes', { bin: A1, sku: 'MILK', lot: 'OLD', to: 'damaged', reason: 'expired' });
    // Nor can expired stock come in: neither into the expired lot nor as a new lot already past its date.
    const intoOld = await stockPost(t, '/api/inventory/adjustments',
      { bin: A2, sku: 'MILK', lot: 'OLD', owner: 'OWN1', qty: 1, reason: 'found' });
    expect(intoOld.statusCode).toBe(422);
    expect(intoOld.json()).toMatchObject({ field: 'body.lot' });
    expect(intoOld.json().detail).toContain('expired');
    const newOld = await stockPost(t, '/api/inventory/adjustments',
      { bin: A2, sku: 'MILK', lot: 'STALE', lotExpiry: '2021-05-01', owner: 'OWN1', qty: 1, reason: 'found' });
    expect(newOld.statusCode).toBe(422);
    expect(newOld.json().field).toBe('body.lot');
    expect(await stock(`bin=${A2}`)).toEqual([]);
  });

  it('scraps stock with its reason, and no more than is there', async () => {
    await gain(A0, 'SKU-2', 10);
    const scrap = await ok('/api/inventory/scrap',
      { bin: A0, sku: 'SKU-2', qty: 3, reason: 'crushed by forklift', docRef: 'SCRAP-1' });
    expect(scrap.type).toBe('scrap');
    expect(scrap.legs.map((l) => [l.bin, l.delta, l.qtyAfter])).toEqual([[A0, -3, 7]]);
    expect(lines(await stock('sku=SKU-2'))).toEqual([`${A0} SKU-2 - OWN1 available 7`]);
    const trail = (await get('/api/movements?docRef=SCRAP-1')).json();
    expect(trail.items).toHaveLength(1);
    expect(trail.items[0]).toMatchObject({ type: 'scrap', reason: 'crushed by forklift', user: 'admin', docRef: 'SCRAP-1' });
    expect(trail.items[0].legs.map((l: { delta: number }) => l.delta)).toEqual([-3]);

    const tooMuch = await stockPost(t, '/api/inventory/scrap', { bin: A0, sku: 'SKU-2', qty: 8, reason: 'x' });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json()).toMatchObject({ field: 'body.qty', available: 7 });
    const noReason = await stockPost(t, '/api/inventory/scrap', { bin: A0, sku: 'SKU-2', qty: 1 });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().field).toBe('body.reason');
    expect(lines(await stock('sku=SKU-2'))).toEqual([`${A0} SKU-2 - OWN1 available 7`]);
  });

  it('traces a lot: every movement of it, where it is now and totals per movement type', async () => {
    await milk(A0, 'LT', 20);
    await milk(A0, 'LU', 9); // another lot of the same SKU: must not show up
    await ok('/api/inventory/moves', { fromBin: A0, toBin: B0, sku: 'MILK', lot: 'LT', qty: 5 });
    await ok('/api/inventory/scrap', { bin: A0, sku: 'MILK', lot: 'LT', qty: 2, reason: 'leaking' });
    await ok('/api/inventory/status-changes', { bin: B0, sku: 'MILK', lot: 'LT', to: 'hold', qty: 3, reason: 'check' });
    await ok('/api/inventory/moves', { fromBin: A0, toBin: A1, sku: 'MILK', lot: 'LU', qty: 1 });

    const res = await get('/api/lots/trace?sku=MILK&lot=LT');
    expect(res.statusCode, res.body).toBe(200);
    const trace = res.json();
    expect(trace.lot).toMatchObject({ sku: 'MILK', lotNo: 'LT', expiryDate: future });
    expect(trace.onHand).toBe(18);
    expect(lines(trace.current)).toEqual([`${A0} MILK LT OWN1 available 13`, `${B0} MILK LT OWN1 available 2`,
      `${B0} MILK LT OWN1 hold 3`].sort());
    expect(trace.totals).toEqual({ adjust_gain: 20, move: 0, scrap: -2, status_change: 0 });
    expect(trace.movements.map((m: { type: string; bin: string; delta: number; lot: string }) =>
      [m.type, m.bin, m.delta, m.lot])).toEqual([
      ['adjust_gain', A0, 20, 'LT'],
      ['move', A0, -5, 'LT'], ['move', B0, 5, 'LT'],
      ['scrap', A0, -2, 'LT'],
      ['status_change', B0, -3, 'LT'], ['status_change', B0, 3, 'LT'],
    ]);
    expect(trace.movements[1]).toMatchObject({ counterBin: B0, before: 20, after: 15 });
    expect(trace.movements[3]).toMatchObject({ reason: 'leaking' });
    expect((await get('/api/lots/trace?sku=MILK&lot=NOPE')).statusCode).toBe(404);
  });

  it('rebuilds what was in a bin at an earlier time from the ledger', async () => {
    const first = await gain(A0, 'SKU-1', 10);
    await sleep(30);
    const second = await ok('/api/inventory/moves', { fromBin: A0, toBin: A1, sku: 'SKU-1', qty: 4 });
    await gain(A0, 'SKU-2', 5);
    // A moment after the first movement and before the second, on the database's own clock.
    const between = new Date(ms(first.at) + 1);
    expect(between.getTime()).toBeLessThan(ms(second.at));

    const then = await get(`/api/bins/${A0}/history?at=${encodeURIComponent(between.toISOString())}`);
    expect(then.statusCode, then.body).toBe(200);
    const thenBody = then.json();
    expect(thenBody.contents.map((c: { sku: string; qty: number }) => [c.sku, c.qty])).toEqual([['SKU-1', 10]]);
    expect(thenBody.lastMovements).toHaveLength(1);

    const now = (await get(`/api/bins/${A0}/history`)).json();
    expect(now.contents.map((c: { sku: string; qty: number; status: string }) => [c.sku, c.qty, c.status]))
      .toEqual([['SKU-1', 6, 'available'], ['SKU-2', 5, 'available']]);
    expect(now.lastMovements.map((m: { type: string; delta: number }) => [m.type, m.delta]))
      .toEqual([['adjust_gain', 5], ['move', -4], ['adjust_gain', 10]]);

    const before = (await get(`/api/bins/${A0}/history?at=${encodeURIComponent(
      new Date(ms(first.at) - 1000).toISOString())}`)).json();
    expect(before.contents).toEqual([]);
    // The other bin did not exist in the ledger at that time, and holds 4 now.
    const a1Then = (await get(`/api/bins/${A1}/history?at=${encodeURIComponent(between.toISOString())}`)).json();
    expect(a1Then.contents).toEqual([]);
    expect((await get(`/api/bins/${A1}/history`)).json().contents[0]).toMatchObject({ sku: 'SKU-1', qty: 4 });
    expect((await get('/api/bins/NO-SUCH-BIN/history')).statusCode).toBe(404);
  });

  it('a document trail groups the movements of one docRef, with user, device and reason', async () => {
    await gain(A0, 'SKU-1', 30, { docRef: 'ORD-1', reason: 'opening' });
    await ok('/api/inventory/moves', { fromBin: A0, toBin: A1, sku: 'SKU-1', qty: 10, docRef: 'ORD-1',
      reason: 'replenish' }, managerToken, { 'x-device-id': 'PDA-7' });
    await ok('/api/inventory/moves', { fromBin: A0, toBin: A2, sku: 'SKU-1', qty: 1, docRef: 'ORD-2',
      reason: 'other document' });
    await ok('/api/inventory/status-changes', { bin: A1, sku: 'SKU-1', to: 'hold', qty: 2, docRef: 'ORD-1',
      reason: 'inspection' }, managerToken);

    const res = await get('/api/movements?docRef=ORD-1');
    expect(res.statusCode, res.body).toBe(200);
    const trail = res.json();
    expect(trail.next).toBeNull();
    expect(trail.items.map((m: { type: string; user: string; reason: string; device: string | null;
      legs: unknown[] }) => [m.type, m.user, m.reason, m.device, m.legs.length])).toEqual([
      ['adjust_gain', 'admin', 'opening', null, 1],
      ['move', 'mgr1', 'replenish', 'PDA-7', 2],
      ['status_change', 'mgr1', 'inspection', null, 2],
    ]);
    const ids = trail.items.map((m: { movementId: number }) => m.movementId);
    expect(new Set(ids).size).toBe(3);
    for (const m of trail.items) {
      for (const leg of m.legs) expect(leg).toMatchObject({ movementId: m.movementId, docRef: 'ORD-1' });
    }
    expect(trail.items[1].legs.map((l: { bin: string; delta: number }) => [l.bin, l.delta]))
      .toEqual([[A0, -10], [A1, 10]]);
    expect((await get('/api/movements?docRef=ORD-2')).json().items).toHaveLength(1);
    expect((await get('/api/movements?docRef=NONE')).json()).toEqual({ items: [], next: null });
  });

  it('stock age: the receipt time travels with moved stock and resets when a bin empties', async () => {
    const receiptAt = async (bin: string) => {
      const rows = await stock(`bin=${bin}&sku=SKU-1`);
      expect(rows, bin).toHaveLength(1);
      return ms(rows[0]!.firstReceiptAt!);
    };
    const first = await gain(A0, 'SKU-1', 10);
    const t1 = ms(first.at);
    expect(await receiptAt(A0)).toBe(t1);
    await sleep(25);

    // A whole move into an empty bin: the stock keeps its receipt time, not the move's.
    const move = await ok('/api/inventory/moves', { fromBin: A0, toBin: A1, sku: 'SKU-1' });
    expect(ms(move.at)).toBeGreaterThan(t1);
    expect(await receiptAt(A1)).toBe(t1);
    // The emptied bin forgets it.
    const { rows } = await sql<{ qty: number; first: Date | null }>`select sb.qty, sb.first_receipt_at as first
      from stock_balances sb join bins b on b.id = sb.bin_id where b.code = ${A0}`.execute(t.db);
    expect(rows.map((r) => [Number(r.qty), r.first])).toEqual([[0, null]]);
    await sleep(25);

    // New stock in the emptied bin starts a new age.
    const again = await gain(A0, 'SKU-1', 5);
    const t3 = ms(again.at);
    expect(t3).toBeGreaterThan(t1);
    expect(await receiptAt(A0)).toBe(t3);

    // A partial move into an empty bin carries the age too, and the source keeps its own.
    await ok('/api/inventory/moves', { fromBin: A1, toBin: A2, sku: 'SKU-1', qty: 3 });
    expect(await receiptAt(A2)).toBe(t1);
    expect(await receiptAt(A1)).toBe(t1);
    // Older stock joining younger stock makes the bin's first receipt the older one; not the other way round.
    await ok('/api/inventory/moves', { fromBin: A0, toBin: A1, sku: 'SKU-1', qty: 2 });
    expect(await receiptAt(A1)).toBe(t1);
    await ok('/api/inventory/moves', { fromBin: A2, toBin: A0, sku: 'SKU-1', qty: 1 });
    expect(await receiptAt(A0)).toBe(t1);

    // Emptying by a loss resets it as well; the next gain is young again.
    await ok('/api/inventory/adjustments', { bin: A2, sku: 'SKU-1', qty: -2, reason: 'lost' });
    expect(await stock(`bin=${A2}`)).toEqual([]);
    await sleep(5);
    const fresh = await gain(A2, 'SKU-1', 1);
    expect(await receiptAt(A2)).toBe(ms(fresh.at));
    expect(ms(fresh.at)).toBeGreaterThan(t3);
    expect((await checkLedger(t.db)).ok).toBe(true);
  });
});
