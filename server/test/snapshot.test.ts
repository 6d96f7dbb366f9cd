import { tableFromIPC, type Table } from 'apache-arrow';
import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { acceptsGzip } from '../http/routes/snapshot.ts';
import { BinFlag } from '../stream/snapshot.ts';
import { backends, bearer } from './harness.ts';
import { isoDateIn, useFlowWorld } from './flow-fixtures.ts';

const ARROW = 'application/vnd.apache.arrow.stream';

describe.each(backends)('warehouse snapshot on $name', (backend) => {
  const w = useFlowWorld(backend);
  const expiry = isoDateIn(20);

  const arrow = async (token = w.t.adminToken, code = w.warehouseCode) => {
    const res = await w.t.app.inject({ method: 'GET', url: `/api/warehouses/${code}/snapshot`, headers: bearer(token) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe(ARROW);
    return { res, table: tableFromIPC(res.rawPayload) };
  };
  const rowsOf = (table: Table) => table.toArray().map((r) => r.toJSON() as Record<string, any>);
  const meta = (table: Table, key: string) => table.schema.metadata.get(key);

  it('puts stock into a storage bin: available, on hold, and a lot in QC', async () => {
    const bin = w.bins.STOR![0]!;
    await w.ok('POST', '/api/inventory/adjustments', { bin, sku: 'BOX', qty: 35, owner: 'OWN1', reason: 'stock' });
    await w.ok('POST', '/api/inventory/status-changes', { bin, sku: 'BOX', from: 'available', to: 'hold', qty: 5,
      reason: 'suspect' });
    await w.ok('POST', '/api/inventory/adjustments', { bin, sku: 'MILK', lot: 'L1', lotExpiry: expiry, qty: 10,
      owner: 'OWN1', status: 'qc', reason: 'stock' });
    await w.ok('POST', '/api/inventory/adjustments', { bin: w.bins.PICK![0]!, sku: 'BOLT', qty: 7, owner: 'OWN1',
      reason: 'stock' });
    await w.ok('PATCH', `/api/bins/${w.bins.STOR![1]!}`, { blocked: true });
  });

  it('decodes as Arrow: one row per bin, the stocked bin\'s units, fill, flags, top SKU, dates', async () => {
    const { table } = await arrow();
    const total = Object.values(w.bins).reduce((n, list) => n + list.length, 0);
    expect(table.numRows).toBe(total);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'code', 'zone', 'zoneKind', 'aisle', 'level', 'x',
      'y', 'z', 'width', 'depth', 'height', 'maxUnits', 'units', 'reserved', 'fill', 'flags', 'skuCount', 'topSku',
      'oldestReceiptAt', 'earliestExpiry']);
    const rows = rowsOf(table);
    const row = rows.find((r) => r.code === w.bins.STOR![0])!;
    const first = await w.t.db.selectFrom('stock_balances as sb').innerJoin('bins as b', 'b.id', 'sb.bin_id')
      .select((eb) => eb.fn.min('sb.first_receipt_at').as('at')).where('b.code', '=', w.bins.STOR![0]!)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      zone: 'STOR', zoneKind: 'storage', units: 45, reserved: 0, skuCount: 2, topSku: 'BOX', maxUnits: 500,
      flags: BinFlag.QC | BinFlag.HOLD, oldestReceiptAt: new Date(first.at as Date).getTime(),
      earliestExpiry: Date.parse(`${expiry}T00:00:00Z`),
    });
    // 35 boxes of 0.008 m³ and 10 cartons of 0.002 m³ in a 1 m³ bin.
    expect(row.fill).toBeCloseTo(0.3, 5);
    expect(rows.find((r) => r.code === w.bins.PICK![0])).toMatchObject({ units: 7, topSku: 'BOLT', skuCount: 1,
      flags: 0, earliestExpiry: null, zone: 'PICK', zoneKind: 'pick_face' });
    expect(rows.find((r) => r.code === w.bins.STOR![1])).toMatchObject({ units: 0, fill: 0, topSku: null,
      flags: BinFlag.BLOCKED | BinFlag.EMPTY, oldestReceiptAt: null, skuCount: 0 });
    expect(rows.find((r) => r.code === w.bins.COLD![0])!.maxUnits).toBeNull();
    expect(JSON.parse(meta(table, 'wetms.warehouse')!)).toMatchObject({ id: w.warehouseId, code: 'F1' });
    expect(Number.isNaN(Date.parse(meta(table, 'wetms.generatedAt')!))).toBe(false);
    // Compact types: Float32 coordinates, Uint8 flags, dictionary-encoded zone codes.
    expect(String(table.schema.fields.find((f) => f.name === 'x')!.type)).toBe('Float32');
    expect(String(table.schema.fields.find((f) => f.name === 'flags')!.type)).toBe('Uint8');
    expect(String(table.schema.fields.find((f) => f.name === 'zone')!.type)).toMatch(/^Dictionary/);
  });

  it('shows later changes: reserved units, a bin\'s capacity, blocking and unblocking', async () => {
    const bin = w.bins.PICK![0]!;
    await w.t.db.updateTable('stock_balances').set({ reserved: 3 })
      .where('bin_id', '=', (eb) => eb.selectFrom('bins').select('id').where('code', '=', bin)).execute();
    await w.ok('PATCH', `/api/bins/${w.bins.PICK![1]!}`, { maxUnits: 123, blocked: true });
    await w.ok('PATCH', `/api/bins/${w.bins.STOR![1]!}`, { blocked: false });
    const rows = rowsOf((await arrow()).table);
    expect(rows.find((r) => r.code === bin)).toMatchObject({ units: 7, reserved: 3 });
    expect(rows.find((r) => r.code === w.bins.PICK![1])).toMatchObject({ maxUnits: 123,
      flags: BinFlag.BLOCKED | BinFlag.EMPTY });
    expect(rows.find((r) => r.code === w.bins.STOR![1])!.flags).toBe(BinFlag.EMPTY);
    const ids = rows.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('the JSON form has the same rows and stamp as the Arrow form', async () => {
    const { table, res } = await arrow();
    const json = await w.ok('GET', `/api/warehouses/${w.warehouseCode}/snapshot?format=json`);
    expect(json.bins).toEqual(rowsOf(table));
    expect(json.pos).toBe(Number(meta(table, 'wetms.pos')));
    expect(json.skip).toEqual(JSON.parse(meta(table, 'wetms.skip')!));
    expect(json.warehouse).toEqual(JSON.parse(meta(table, 'wetms.warehouse')!));
    expect(res.headers['x-wetms-pos']).toBe(meta(table, 'wetms.pos'));
    expect(res.headers['x-wetms-skip']).toBe(meta(table, 'wetms.skip'));
  });

  it('sends the Arrow body gzip-encoded when the client accepts gzip', async () => {
    const { table } = await arrow();
    const res = await w.t.app.inject({ method: 'GET', url: `/api/warehouses/${w.warehouseCode}/snapshot`,
      headers: { ...bearer(w.t.adminToken), 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toBe(ARROW);
    expect(rowsOf(tableFromIPC(gunzipSync(res.rawPayload)))).toEqual(rowsOf(table));
    expect(acceptsGzip('gzip;q=0, br')).toBe(false);
    expect(acceptsGzip('br, *;q=0.5')).toBe(true);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it('stamps pos = max(outbox.pos) and skip = the seqs not yet given a position', async () => {
    const seqs = async () => (await w.t.db.selectFrom('outbox').select('seq').orderBy('seq').execute())
      .map((r) => Number(r.seq));
    const all = await seqs();
    expect(all.length).toBeGreaterThan(2);
    // Nothing published (the relay does not run in tests): pos 0, every event skipped.
    await w.t.db.updateTable('outbox').set({ pos: null }).execute();
    let { table, res } = await arrow();
    expect(meta(table, 'wetms.pos')).toBe('0');
    expect(JSON.parse(meta(table, 'wetms.skip')!)).toEqual(all);
    expect(res.headers['x-wetms-skip-count']).toBe(String(all.length));

    // The relay's job, by hand: the first events get positions 1..k.
    const k = all.length - 2;
    await sql`update outbox set pos = s.n from (select seq, row_number() over (order by seq) as n from outbox
      order by seq limit ${k}) s where outbox.seq = s.seq`.execute(w.t.db);
    // An event committed after that, not yet stamped.
    const extra = await w.t.db.insertInto('outbox').values({ type: 'alert', warehouse_id: w.warehouseId,
      payload: JSON.stringify({ kind: 'test' }) }).returning('seq').executeTakeFirstOrThrow();
    ({ table, res } = await arrow());
    expect(meta(table, 'wetms.pos')).toBe(String(k));
    expect(res.headers['x-wetms-pos']).toBe(String(k));
    expect(JSON.parse(meta(table, 'wetms.skip')!)).toEqual([...all.slice(k), Number(extra.seq)]);
    const json = await w.ok('GET', `/api/warehouses/${w.warehouseCode}/snapshot?format=json`);
    expect(json).toMatchObject({ pos: k, skip: [...all.slice(k), Number(extra.seq)] });
  });

  it('leaves a long skip list out of the headers; the metadata has it all', async () => {
    await sql`insert into outbox (type, warehouse_id, payload)
      select 'alert', ${w.warehouseId}, '{}'::jsonb from generate_series(1, 2000)`.execute(w.t.db);
    const pending = await w.t.db.selectFrom('outbox').select('seq').where('pos', 'is', null).orderBy('seq').execute();
    const { table, res } = await arrow();
    expect(res.headers['x-wetms-skip']).toBeUndefined();
    expect(res.headers['x-wetms-skip-count']).toBe(String(pending.length));
    expect(JSON.parse(meta(table, 'wetms.skip')!)).toEqual(pending.map((r) => Number(r.seq)));
  });

  it('a zone-scoped operator sees only the bins of their zones', async () => {
    await w.ok('POST', '/api/users', { username: 'snap-op', password: 'snap-op-pass-1', role: 'operator',
      scopes: [{ warehouse: 'F1', zone: 'PICK' }, { warehouse: 'F1', zone: 'QC' }] });
    const token = await w.t.login('snap-op', 'snap-op-pass-1');
    const rows = rowsOf((await arrow(token)).table);
    expect(rows.map((r) => r.code).sort()).toEqual([...w.bins.PICK!, ...w.bins.QC!].sort());
    expect(rows.find((r) => r.code === w.bins.PICK![0])).toMatchObject({ units: 7, topSku: 'BOLT' });
    const json = await w.ok('GET', `/api/warehouses/${w.warehouseCode}/snapshot?format=json`, undefined, token);
    expect(json.bins).toEqual(rows);
    // The floor plan is the whole warehouse's: it is needed to draw around their zones.
    expect((await w.api('GET', `/api/warehouses/${w.warehouseCode}/layout`, undefined, token)).status).toBe(200);
  });

  it('unknown warehouse is 404 naming its code, a malformed code 400, no token 401', async () => {
    const unknown = await w.api('GET', '/api/warehouses/NOPE/snapshot');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ field: 'params.warehouse', detail: 'params.warehouse: no warehouse with code NOPE',
      type: 'https://wetms.dev/problems/not-found' });
    expect((await w.api('GET', '/api/warehouses/A%20B/snapshot')).status).toBe(400);
    // A numeric id is not a code: warehouses are named by code everywhere.
    expect((await w.api('GET', `/api/warehouses/${w.warehouseId}/snapshot`)).status).toBe(404);
    expect((await w.api('GET', `/api/warehouses/${w.warehouseCode}/snapshot?format=csv`)).status).toBe(400);
    expect((await w.t.app.inject({ method: 'GET', url: `/api/warehouses/${w.warehouseCode}/snapshot` })).statusCode)
      .toBe(401);
  });

  it('reads in one repeatable-read transaction', async () => {
    // The snapshot function states the level itself; check it holds on this backend.
    const level = await w.t.db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
      await sql`set transaction isolation level repeatable read`.execute(trx);
      return (await sql<{ l: string }>`select current_setting('transaction_isolation') as l`.execute(trx)).rows[0]!.l;
    });
    expect(level).toBe('repeatable read');
  });

  it('serves the static layout with an ETag, and 304 when it matches', async () => {
    const url = `/api/warehouses/${w.warehouseCode}/layout`;
    const res = await w.t.app.inject({ method: 'GET', url, headers: bearer(w.t.adminToken) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.zones.map((z: any) => z.code)).toEqual(['STOR', 'PICK', 'COLD', 'QC', 'QUAR', 'STAGE']);
    expect(body.zones[0]).toMatchObject({ aisleCount: 3, block: { minX: 0, minY: 8 } });
    expect(body.docks).toHaveLength(1);
    expect(body.nodes.length).toBeGreaterThan(0);
    expect(body.edges.length).toBeGreaterThan(0);
    expect(body.bounds).toHaveProperty('maxX');
    expect(res.headers['cache-control']).toMatch(/max-age=\d{4,}/);
    const etag = res.headers.etag as string;
    expect(etag).toBeTruthy();
    const again = await w.t.app.inject({ method: 'GET', url,
      headers: { ...bearer(w.t.adminToken), 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect((await w.api('GET', '/api/warehouses/NOPE/layout')).status).toBe(404);
  });
});
