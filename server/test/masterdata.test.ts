import { describe, expect, it } from 'vitest';
import { backends, bearer } from './harness.ts';
import { useSmallWorld } from './fixtures.ts';
import { toBaseUnits } from '../domain/masterdata/skus.ts';

/** Happy paths of master data: what a planner or admin does when setting up a warehouse. */
describe.each(backends)('master data on $name', (backend) => {
  const world = useSmallWorld(backend);

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    world.t.app.inject({ method, url, payload, headers: bearer(world.t.adminToken) });

  it('a warehouse from a layout has its zones, bins in pick sequence and a travel graph', async () => {
    const zones = (await call('GET', `/api/warehouses/${world.w.warehouseCode}/zones`)).json().items;
    expect(zones.map((z: { code: string; bins: number }) => [z.code, z.bins])).toEqual([['A', 16], ['B', 16]]);
    const bins = (await call('GET', `/api/warehouses/${world.w.warehouseCode}/bins?zone=B&limit=5`)).json().items;
    expect(bins).toHaveLength(5);
    expect(bins.every((b: { zone: string }) => b.zone === 'B')).toBe(true);
    const seqs = bins.map((b: { pickSeq: number }) => b.pickSeq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const graph = (await call('GET', `/api/warehouses/${world.w.warehouseCode}/graph`)).json();
    expect(graph.nodes.length).toBeGreaterThan(8);
    expect(graph.edges.every((e: { length: number }) => e.length > 0)).toBe(true);
  });

  it('renames a zone and changes its kind', async () => {
    const res = await call('PATCH', `/api/warehouses/${world.w.warehouseCode}/zones/B`, { name: 'Pick faces', kind: 'pick_face' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ code: 'B', name: 'Pick faces', kind: 'pick_face' });
    const bin = (await call('GET', `/api/bins/${world.w.binsB[0]}`)).json();
    expect(bin).toMatchObject({ zone: 'B', kind: 'pick_face', warehouse: 'T1' });
  });

  it('creates, finds by barcode, changes and deletes a SKU with pack units', async () => {
    const created = await call('POST', '/api/skus', { code: 'TEA-1', name: '绿茶 Green tea 1L', lengthM: 0.08,
      widthM: 0.08, heightM: 0.25, weightKg: 1.1, units: [{ unit: 'CASE', factor: 12 }],
      barcodes: [{ barcode: '6901234567892', unit: 'EA' }] });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().units).toEqual([{ unit: 'CASE', factor: 12 }]);
    const found = (await call('GET', '/api/skus?q=6901234567892')).json().items;
    expect(found.map((s: { code: string }) => s.code)).toEqual(['TEA-1']);
    const patched = await call('PATCH', '/api/skus/TEA-1', { abcClass: 'A', units: [{ unit: 'CASE', factor: 6 }] });
    expect(patched.json()).toMatchObject({ abcClass: 'A', units: [{ unit: 'CASE', factor: 6 }] });
    expect(await toBaseUnits(world.t.db, 'TEA-1', 2, 'CASE')).toBe(12);
    expect(await toBaseUnits(world.t.db, 'TEA-1', 2, 'EA')).toBe(2);
    await expect(toBaseUnits(world.t.db, 'TEA-1', 1, 'PAL')).rejects.toMatchObject({ status: 400, field: 'unit' });
    expect((await call('DELETE', '/api/skus/TEA-1')).statusCode).toBe(204);
    expect((await call('GET', '/api/skus/TEA-1')).statusCode).toBe(404);
  });

  it('registers a lot whose expiry follows from the manufacture date and shelf life', async () => {
    const res = await call('POST', '/api/skus/MILK/lots', { lotNo: 'M-001', mfgDate: '2099-03-01' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ lotNo: 'M-001', mfgDate: '2099-03-01', expiryDate: '2099-03-15' });
    const lots = (await call('GET', '/api/skus/MILK/lots')).json().items;
    expect(lots.map((l: { lotNo: string }) => l.lotNo)).toContain('M-001');
  });

  it('owners, suppliers and customers: create, change, list, delete', async () => {
    for (const [table, extra] of [['owners', {}], ['suppliers', { requiresQc: true }],
      ['customers', { minRemainingShelfLifeDays: 30 }]] as const) {
      expect((await call('POST', `/api/${table}`, { code: 'P1', name: 'Party', ...extra })).statusCode).toBe(201);
      const patched = await call('PATCH', `/api/${table}/P1`, { name: 'Party renamed' });
      expect(patched.json().name).toBe('Party renamed');
      const list = (await call('GET', `/api/${table}`)).json().items;
      expect(list.some((p: { code: string }) => p.code === 'P1')).toBe(true);
      expect((await call('DELETE', `/api/${table}/P1`)).statusCode).toBe(204);
    }
    const supplier = await call('POST', '/api/suppliers', { code: 'S9', name: 'QC supplier', requiresQc: true });
    expect(supplier.json().requiresQc).toBe(true);
  });
});
