import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { raiseAlert } from '../domain/events.ts';
import { OutboxRelay } from '../stream/relay.ts';
import { backends, bearer, waitFor } from './harness.ts';
import { BOX_GTIN, isoDateIn, useFlowWorld } from './flow-fixtures.ts';

/**
 * The control room's read API: bin inspector, search, ABC classes, and the snapshot's dirty-bin refetch,
 * on a warehouse stocked through the ordinary routes (adjustments, a move, an order allocated and waved,
 * a receipt), with a second warehouse whose stock must never show up, and a zone-scoped operator.
 */
describe.each(backends)('control room read API on $name', (backend) => {
  const w = useFlowWorld(backend);
  const early = isoDateIn(15);
  const late = isoDateIn(40);
  const received = isoDateIn(25);
  const ids: Record<string, number> = {};
  let stor0: string, stor1: string, pick0: string;
  let pickTaskId: number;
  let stagingBin: string;
  let receivingBin: string;
  let opToken: string;

  const binId = async (code: string) => {
    if (ids[code]) return ids[code]!;
    const row = await w.t.db.selectFrom('bins').select('id').where('code', '=', code).executeTakeFirstOrThrow();
    return (ids[code] = Number(row.id));
  };
  const gain = (bin: string, sku: string, qty: number, extra: object = {}) => w.ok('POST', '/api/inventory/adjustments',
    { bin, sku, qty, owner: 'OWN1', reason: 'stock', ...extra });
  const inspect = async (code: string, token?: string) =>
    w.ok('GET', `/api/control-room/bins/${await binId(code)}`, undefined, token);
  const search = (q: string, token?: string, wh = w.warehouseCode, extra = '') =>
    w.ok('GET', `/api/control-room/warehouses/${wh}/search?q=${encodeURIComponent(q)}${extra}`, undefined, token);
  const matchOf = (r: any, kind: string, key: string) => r.matches.find((m: any) => m.kind === kind && m.key === key);
  let otherWarehouse: number;
  let otherCode: string;
  let otherBin: string;

  it('stocks the warehouse: three SKUs and two lots in one bin, a move out, an order allocated and waved', async () => {
    [stor0, stor1, pick0] = [w.bins.STOR![0]!, w.bins.STOR![1]!, w.bins.PICK![0]!];
    await gain(stor0, 'BOX', 30);
    await gain(stor0, 'MILK', 40, { lot: 'L1', lotExpiry: early });
    await gain(stor0, 'MILK', 10, { lot: 'L2', lotExpiry: late });
    await gain(stor0, 'BOLT', 20);
    await w.ok('POST', '/api/inventory/moves', { fromBin: stor0, toBin: stor1, sku: 'BOLT', qty: 5, docRef: 'MV-1',
      reason: 'make room' });
    await gain(pick0, 'BOLT', 7);

    const order = await w.ok('POST', '/api/outbound-orders', { warehouse: 'F1', code: 'SO-CR', type: 'sales',
      owner: 'OWN1', customer: 'CUS1', lines: [{ sku: 'BOX', qty: 12 }] });
    expect((await w.ok('POST', `/api/outbound-orders/${order.id}/allocate`)).status).toBe('allocated');
    await w.ok('POST', '/api/waves', { warehouse: 'F1', mode: 'order', orders: ['SO-CR'] });
    const task = await w.t.db.selectFrom('tasks as t').innerJoin('bins as b', 'b.id', 't.target_bin_id')
      .select(['t.id', 'b.code']).where('t.type', '=', 'pick').where('t.ref_type', '=', 'allocation')
      .executeTakeFirstOrThrow();
    pickTaskId = Number(task.id);
    stagingBin = task.code;

    // A second warehouse with BOX stock of its own.
    const wh2 = await w.ok('POST', '/api/warehouses', { code: 'W2', name: 'Other', zones: [{ code: 'A', name: 'A',
      kind: 'storage', temperature: 'ambient', origin: { x: 0, y: 0 }, aisles: 1, racksPerAisle: 1, levels: 1,
      binsPerLevel: 2, bin: { width: 1, depth: 1, height: 1, maxWeightKg: 100 } }] });
    otherWarehouse = wh2.id;
    otherCode = wh2.code;
    otherBin = (await w.t.db.selectFrom('bins').select('code').where('warehouse_id', '=', wh2.id).orderBy('id')
      .executeTakeFirstOrThrow()).code;
    await gain(otherBin, 'BOX', 3);
    await gain(otherBin, 'MILK', 2, { lot: 'L1' });

    await w.ok('POST', '/api/users', { username: 'cr-op', password: 'cr-op-pass-1', role: 'operator',
      scopes: [{ warehouse: 'F1', zone: 'PICK' }] });
    opToken = await w.t.login('cr-op', 'cr-op-pass-1');
  });

  it('inspects a bin: capacity, fill, contents by SKU/expiry/lot, the open pick task, movements newest first', async () => {
    const r = await inspect(stor0);
    expect(Object.keys(r)).toEqual(['bin', 'contents', 'tasks', 'movements']);
    expect(r.bin).toMatchObject({ id: await binId(stor0), code: stor0, warehouseId: w.warehouseId, zone: 'STOR',
      zoneKind: 'storage', blocked: false, frozen: false, capacity: { units: 500, weight: 500 } });
    expect(typeof r.bin.aisle).toBe('number');
    expect(typeof r.bin.level).toBe('number');
    expect(r.bin.capacity.volume).toBeGreaterThan(0);
    // 25 boxes of 0.008 m³ ... everything on hand: BOLT 15, BOX 30 (12 reserved), MILK 40 + 10.
    expect(r.bin.fill).toMatchObject({ units: 95, reserved: 12 });
    expect(r.bin.fill.volume).toBeCloseTo(15 * 0.05 * 0.02 * 0.02 + 30 * 0.008 + 50 * 0.002, 9);
    expect(r.bin.fill.weight).toBeCloseTo(15 * 0.05 + 30 * 1 + 50 * 1.05, 9);
    const snap = await w.ok('GET', `/api/warehouses/${w.warehouseCode}/snapshot?format=json`);
    expect(r.bin.fill.ratio).toBeCloseTo(snap.bins.find((b: any) => b.code === stor0).fill, 6);

    expect(r.contents.map((c: any) => [c.sku, c.lot, c.expiry, c.qty, c.reserved])).toEqual([
      ['BOLT', null, null, 15, 0], ['BOX', null, null, 30, 12], ['MILK', 'L1', early, 40, 0], ['MILK', 'L2', late, 10, 0],
    ]);
    const owner = await w.t.db.selectFrom('owners').select('id').where('code', '=', 'OWN1').executeTakeFirstOrThrow();
    for (const c of r.contents) {
      expect(c).toMatchObject({ owner: 'OWN1', ownerId: Number(owner.id), status: 'available', skuId: expect.any(Number) });
      expect(Number.isNaN(Date.parse(c.receivedAt))).toBe(false);
    }
    expect(r.contents[2]).toMatchObject({ skuName: 'Milk 1L', lotId: expect.any(Number) });
    expect(r.contents[0].lotId).toBeNull();

    expect(r.tasks).toEqual([{ id: pickTaskId, type: 'pick', status: 'open', priority: expect.any(Number), sku: 'BOX',
      qty: 12, sourceBin: stor0, targetBin: stagingBin, assignee: null, createdAt: expect.any(String) }]);

    // Newest first: the move out (negative, to stor1), then the four gains in reverse order.
    expect(r.movements.map((m: any) => [m.type, m.sku, m.lot, m.qty, m.otherBin])).toEqual([
      ['move', 'BOLT', null, -5, stor1], ['adjust_gain', 'BOLT', null, 20, null], ['adjust_gain', 'MILK', 'L2', 10, null],
      ['adjust_gain', 'MILK', 'L1', 40, null], ['adjust_gain', 'BOX', null, 30, null],
    ]);
    expect(r.movements[0]).toMatchObject({ status: 'available', user: 'admin', document: 'MV-1', reason: 'make room' });
    expect(r.movements[1]).toMatchObject({ reason: 'stock', document: null });
    const ats = r.movements.map((m: any) => Date.parse(m.at));
    expect(ats).toEqual([...ats].sort((a, b) => b - a));
    // The other end of the move sees it positive.
    const other = await inspect(stor1);
    expect(other.movements.map((m: any) => [m.type, m.qty, m.otherBin])).toEqual([['move', 5, stor0]]);
    expect(other.contents).toMatchObject([{ sku: 'BOLT', qty: 5 }]);
  });

  it('after the pick: the task is gone, the pick leg is negative, and the staging bin holds the reserved units', async () => {
    await w.ok('POST', `/api/tasks/${pickTaskId}/pick`, { bin: stor0, item: 'BOX', qty: 12 });
    const r = await inspect(stor0);
    expect(r.tasks).toEqual([]);
    expect(r.movements[0]).toMatchObject({ type: 'pick', sku: 'BOX', qty: -12, otherBin: stagingBin });
    expect(r.contents.find((c: any) => c.sku === 'BOX')).toMatchObject({ qty: 18, reserved: 0 });
    const staged = await inspect(stagingBin);
    expect(staged.bin.zoneKind).toBe('staging');
    expect(staged.contents).toMatchObject([{ sku: 'BOX', qty: 12, reserved: 12 }]);
    expect(staged.movements).toMatchObject([{ type: 'pick', qty: 12, otherBin: stor0 }]);
  });

  it('a receipt: the receiving bin shows the lot and the open putaway task from it', async () => {
    const po = await w.ok('POST', '/api/inbound-orders', { warehouse: 'F1', code: 'PO-CR', type: 'purchase',
      owner: 'OWN1', supplier: 'SUP1', lines: [{ sku: 'MILK', qty: 10 }] });
    const rec = await w.ok('POST', `/api/inbound-orders/${po.id}/receipts`, { scan: 'MILK', qty: 10, lot: 'LR1',
      expiry: received });
    receivingBin = rec.bin;
    const r = await inspect(receivingBin);
    // The dock's staging lane; the picked boxes of SO-CR wait there too when their wave staged them in this lane
    // (waves spread their staging over the lanes).
    const milk = r.contents.find((c: any) => c.sku === 'MILK');
    expect(milk).toMatchObject({ lot: 'LR1', expiry: received, qty: 10, status: 'available' });
    expect(Number.isNaN(Date.parse(milk.receivedAt))).toBe(false);
    expect(r.tasks).toMatchObject([{ type: 'putaway', status: 'open', sku: 'MILK', qty: 10, sourceBin: receivingBin,
      targetBin: rec.next.targetBin }]);
    const picked = receivingBin === stagingBin ? [['pick', 'BOX', 12, 'SO-CR']] : [];
    expect(r.movements.map((m: any) => [m.type, m.sku, m.qty, m.document])).toEqual([['receipt', 'MILK', 10, 'PO-CR'],
      ...picked]);
  });

  it('searches by SKU code, name fragment, barcode, lot, bin code and order number', async () => {
    const box = await search('box');
    expect(box.query).toBe('box');
    expect(matchOf(box, 'sku', 'BOX')).toEqual({ kind: 'sku', key: 'BOX', label: 'Box',
      bins: [{ id: await binId(stagingBin), code: stagingBin, qty: 12 }, { id: await binId(stor0), code: stor0, qty: 18 }]
        .sort((a, b) => (a.code < b.code ? -1 : 1)) });
    expect(box.binIds).not.toContain(await binId(otherBin));
    expect(box.binIds).toEqual(expect.arrayContaining([await binId(stor0), await binId(stagingBin)]));
    expect(box.matches[0]).toMatchObject({ kind: 'sku', key: 'BOX' }); // the exact code first

    const bolt = await search('olt'); // name fragment, case-insensitive
    const boltBins = [{ id: await binId(stor0), code: stor0, qty: 15 }, { id: await binId(stor1), code: stor1, qty: 5 },
      { id: await binId(pick0), code: pick0, qty: 7 }].sort((a, b) => (a.code < b.code ? -1 : 1));
    expect(matchOf(bolt, 'sku', 'BOLT').bins).toEqual(boltBins);
    expect(bolt.binIds).toEqual(boltBins.map((b) => b.id).sort((a, b) => a - b));
    expect(bolt.truncated).toBe(false);

    expect(matchOf(await search('milk 1'), 'sku', 'MILK').label).toBe('Milk 1L');
    expect(matchOf(await search(BOX_GTIN), 'sku', 'BOX')).toBeTruthy();

    const lot = await search('l2');
    expect(matchOf(lot, 'lot', 'L2')).toEqual({ kind: 'lot', key: 'L2', label: `lot L2 of MILK, expires ${late}`,
      bins: [{ id: await binId(stor0), code: stor0, qty: 10 }] });
    // L1 has stock in the other warehouse too: only this warehouse's bins.
    expect(matchOf(await search('L1'), 'lot', 'L1').bins).toEqual([{ id: await binId(stor0), code: stor0, qty: 40 }]);

    const bin = await search(stor1.toLowerCase());
    expect(bin.matches[0]).toEqual({ kind: 'bin', key: stor1, label: 'zone STOR (storage)',
      bins: [{ id: await binId(stor1), code: stor1, qty: 5 }] });
    const prefix = stor0.slice(0, stor0.lastIndexOf('-'));
    const byPrefix = await search(prefix);
    const binMatches = byPrefix.matches.filter((m: any) => m.kind === 'bin');
    expect(binMatches.length).toBeGreaterThan(1);
    expect(binMatches.every((m: any) => m.key.startsWith(prefix))).toBe(true);

    const so = await search('so-cr');
    expect(matchOf(so, 'order', 'SO-CR')).toEqual({ kind: 'order', key: 'SO-CR',
      label: 'outbound order for Customer, picked', bins: [{ id: await binId(stagingBin), code: stagingBin, qty: 12 }] });
    const po = await search('PO-CR');
    expect(matchOf(po, 'order', 'PO-CR')).toMatchObject({ label: expect.stringMatching(/^inbound order from Plain supplier/),
      bins: [{ id: await binId(receivingBin), code: receivingBin, qty: 10 }] });

    expect(await search('no-such-thing-at-all')).toEqual({ query: 'no-such-thing-at-all', matches: [], binIds: [],
      truncated: false });
    // The other warehouse sees only its own.
    const there = await search('BOX', undefined, otherCode);
    expect(there.matches.filter((m: any) => m.kind === 'sku')).toEqual([{ kind: 'sku', key: 'BOX', label: 'Box',
      bins: [{ id: await binId(otherBin), code: otherBin, qty: 3 }] }]);
  });

  it('caps binIds at limit and says so', async () => {
    const prefix = stor0.slice(0, 4);
    const r = await search(prefix, undefined, w.warehouseCode, '&limit=3');
    expect(r.binIds).toHaveLength(3);
    expect(r.truncated).toBe(true);
  });

  it('a search for an order after the order was picked follows it to the staging bin; an allocated one to its bins', async () => {
    const order = await w.ok('POST', '/api/outbound-orders', { warehouse: 'F1', code: 'SO-CR2', type: 'issue',
      owner: 'OWN1', lines: [{ sku: 'BOLT', qty: 4 }] });
    await w.ok('POST', `/api/outbound-orders/${order.id}/allocate`);
    const r = await search('SO-CR2');
    expect(r.matches).toHaveLength(1);
    const m = matchOf(r, 'order', 'SO-CR2');
    expect(m.label).toBe('outbound order for Owner one, allocated');
    expect(m.bins.reduce((n: number, b: any) => n + b.qty, 0)).toBe(4);
    // SO-CR matches SO-CR2's number too: both come, the exact one first.
    const both = await search('SO-CR');
    expect(both.matches.filter((x: any) => x.kind === 'order').map((x: any) => x.key)).toEqual(['SO-CR', 'SO-CR2']);
  });

  it('gives ABC classes of the SKUs with stock in the warehouse', async () => {
    expect(await w.ok('GET', `/api/control-room/warehouses/${w.warehouseCode}/sku-classes`))
      .toEqual({ classes: { BOLT: 'C', BOX: 'A', MILK: 'C' } });
    await w.ok('PATCH', '/api/skus/MILK', { abcClass: 'B' });
    expect((await w.ok('GET', `/api/control-room/warehouses/${w.warehouseCode}/sku-classes`)).classes.MILK).toBe('B');
    expect(await w.ok('GET', `/api/control-room/warehouses/${w.warehouseCode}/sku-classes`, undefined, opToken))
      .toEqual({ classes: { BOLT: 'C' } });
  });

  it('a zone-scoped operator inspects only bins of their zones and finds only those', async () => {
    const denied = await w.api('GET', `/api/control-room/bins/${await binId(stor0)}`, undefined, opToken);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ status: 403, field: 'params.id' });
    expect((await inspect(pick0, opToken)).contents).toMatchObject([{ sku: 'BOLT', qty: 7 }]);

    const r = await search('BOLT', opToken);
    expect(matchOf(r, 'sku', 'BOLT').bins).toEqual([{ id: await binId(pick0), code: pick0, qty: 7 }]);
    expect(r.binIds).toEqual([await binId(pick0)]);
    expect(matchOf(await search('L1', opToken), 'lot', 'L1')).toBeUndefined(); // no L1 stock in PICK
    expect((await search(stor0, opToken)).matches).toEqual([]);
    // Another warehouse is outside their scope altogether.
    const other = await w.api('GET', `/api/control-room/warehouses/${otherCode}/search?q=BOX`, undefined, opToken);
    expect(other.status).toBe(403);
    expect((await w.api('GET', `/api/control-room/warehouses/${otherCode}/sku-classes`, undefined, opToken))
      .status).toBe(403);
  });

  it('refuses bad input with problem+json naming the field', async () => {
    const problem = async (url: string, status: number, field: RegExp) => {
      const res = await w.t.app.inject({ method: 'GET', url, headers: bearer(w.t.adminToken) });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().field, url).toMatch(field);
    };
    const base = `/api/control-room/warehouses/${w.warehouseCode}`;
    await problem('/api/control-room/bins/abc', 400, /^params\.id$/);
    await problem('/api/control-room/bins/0', 400, /^params\.id$/);
    await problem('/api/control-room/bins/999999', 404, /^params\.id$/);
    await problem(`${base}/search`, 400, /(^|\.)q$/);
    await problem(`${base}/search?q=`, 400, /(^|\.)q$/);
    await problem(`${base}/search?q=%20%20%20`, 400, /^query\.q$/);
    await problem(`${base}/search?q=${'x'.repeat(101)}`, 400, /(^|\.)q$/);
    await problem(`${base}/search?q=${'x'.repeat(201)}`, 400, /(^|\.)q$/);
    await problem(`${base}/search?q=BOX&limit=0`, 400, /limit$/);
    await problem(`${base}/search?q=BOX&limit=2001`, 400, /limit$/);
    await problem(`${base}/search?q=BOX&colour=red`, 400, /colour$/);
    await problem('/api/control-room/warehouses/NOPE/search?q=BOX', 404, /^params\.warehouse$/);
    await problem('/api/control-room/warehouses/A%20B/search?q=BOX', 400, /^params\.warehouse$/);
    await problem('/api/control-room/warehouses/NOPE/sku-classes', 404, /^params\.warehouse$/);
    const snap = `/api/warehouses/${w.warehouseCode}/snapshot?format=json`;
    await problem(`${snap}&bins=abc`, 400, /(^|\.)bins$/);
    await problem(`${snap}&bins=1,,2`, 400, /(^|\.)bins$/);
    await problem(`${snap}&bins=1,-2`, 400, /(^|\.)bins$/);
    await problem(`${snap}&bins=0`, 400, /(^|\.)bins$/);
    await problem(`${snap}&bins=`, 400, /(^|\.)bins$/);
    await problem(`${snap}&bins=${Array.from({ length: 1001 }, (_, i) => i + 1).join(',')}`, 400, /(^|\.)bins$/);
  });

  it('the snapshot refetches just the named bins, with the same rows and stamp as the full snapshot', async () => {
    const full = await w.ok('GET', `/api/warehouses/${w.warehouseCode}/snapshot?format=json`);
    const wanted = [await binId(stor0), await binId(pick0), await binId(stagingBin), await binId(w.bins.COLD![0]!)];
    const list = [...wanted, await binId(otherBin), 987654321, wanted[0]].join(','); // another warehouse's, unknown, repeated
    const part = await w.ok('GET', `/api/warehouses/${w.warehouseCode}/snapshot?format=json&bins=${list}`);
    expect(part.bins).toEqual(full.bins.filter((b: any) => wanted.includes(b.id)));
    expect(part.bins).toHaveLength(4);
    expect(part.pos).toBe(full.pos);
    expect(part.skip).toEqual(full.skip);
    expect(part.warehouse).toEqual(full.warehouse);

    const res = await w.t.app.inject({ method: 'GET', url: `/api/warehouses/${w.warehouseCode}/snapshot?bins=${list}`,
      headers: bearer(w.t.adminToken) });
    expect(res.statusCode).toBe(200);
    const rows = tableFromIPC(res.rawPayload).toArray().map((r) => r.toJSON());
    expect(rows).toEqual(part.bins);
    expect(res.headers['x-wetms-pos']).toBe(String(full.pos));

    // A zone-scoped operator gets only the asked bins of their zones.
    const scoped = await w.ok('GET', `/api/warehouses/${w.warehouseCode}/snapshot?format=json&bins=${list}`, undefined,
      opToken);
    expect(scoped.bins).toEqual(full.bins.filter((b: any) => b.id === ids[pick0]));
  });

  it('gives the latest published alerts newest first; a zone-scoped operator gets those of their zones and AGVs', async () => {
    await raiseAlert(w.t.db, w.warehouseId, 'count_variance', 'count C-1: -2 BOX', { binId: await binId(stor0), bin: stor0 });
    await raiseAlert(w.t.db, w.warehouseId, 'stock_below_min', 'pick face low', { binId: await binId(pick0), bin: pick0 });
    await raiseAlert(w.t.db, w.warehouseId, 'agv_fault', 'AGV-01 stopped: bumper', { agv: 'AGV-01' });
    await raiseAlert(w.t.db, otherWarehouse, 'qc_hold', 'elsewhere', { bin: otherBin });
    const alertsOf = (token?: string, extra = '') =>
      w.ok('GET', `/api/control-room/warehouses/${w.warehouseCode}/alerts${extra}`, undefined, token);
    // Not yet published by the relay: no stream position, not listed (the stream will bring them).
    expect((await alertsOf()).alerts).toEqual([]);
    const relay = new OutboxRelay(w.t.db, { pollMs: 5 });
    relay.start();
    try {
      await waitFor('the relay to stamp the alerts', async () => (await alertsOf()).alerts.length === 3);
    } finally {
      await relay.stop();
    }
    const { alerts } = await alertsOf();
    expect(alerts.map((a: any) => a.payload.kind)).toEqual(['agv_fault', 'stock_below_min', 'count_variance']);
    expect(alerts[0]).toMatchObject({ kind: 'event', type: 'alert', payload: { agv: 'AGV-01', message: 'AGV-01 stopped: bumper' } });
    expect(alerts[0].pos).toBeGreaterThan(alerts[1].pos);
    expect(typeof alerts[0].at).toBe('string');
    expect((await alertsOf(undefined, '?limit=1')).alerts).toHaveLength(1);
    const scoped = await alertsOf(opToken);
    expect(scoped.alerts.map((a: any) => a.payload.kind)).toEqual(['agv_fault', 'stock_below_min']);
    const bad = await w.api('GET', `/api/control-room/warehouses/${w.warehouseCode}/alerts?limit=0`);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/limit/);
    expect((await w.api('GET', `/api/control-room/warehouses/${otherCode}/alerts`, undefined, opToken)).status)
      .toBe(403);
  });

  it('lists the routes in OpenAPI under control-room, reading with inventory:read', async () => {
    const doc = (await w.t.app.inject({ url: '/api/openapi.json' })).json();
    for (const path of ['/api/control-room/bins/{id}', '/api/control-room/warehouses/{warehouse}/search',
      '/api/control-room/warehouses/{warehouse}/sku-classes', '/api/control-room/warehouses/{warehouse}/alerts',
      '/api/fleet/{warehouse}/agvs/{agv}']) {
      expect(doc.paths[path]?.get?.tags, path).toContain('control-room');
    }
    const routes = w.t.app.registeredRoutes.filter((r) => r.url.startsWith('/api/control-room/') && r.method !== 'HEAD');
    expect(routes.map((r) => [r.method, r.permission])).toEqual(Array(routes.length).fill(['GET', 'inventory:read']));
    expect(routes.length).toBeGreaterThanOrEqual(3);
  });
});
