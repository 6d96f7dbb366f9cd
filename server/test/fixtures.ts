import type { LayoutSpec } from '../../model/layout-spec.ts';
import { afterAll, beforeAll } from 'vitest';
import { bearer, startTestApp, type TestApp } from './harness.ts';

/** A small warehouse: two storage zones (A, B) of 2 aisles x 2 racks x 2 levels x 2 bins, and staging. */
export const smallLayout: LayoutSpec = {
  code: 'T1', name: 'Test warehouse',
  zones: [
    { code: 'A', name: 'Zone A', kind: 'storage', temperature: 'ambient', origin: { x: 0, y: 0 },
      aisles: 2, racksPerAisle: 2, levels: 2, binsPerLevel: 2,
      bin: { width: 1, depth: 1, height: 1, maxWeightKg: 500, maxUnits: 1000 } },
    { code: 'B', name: 'Zone B', kind: 'storage', temperature: 'ambient', origin: { x: 30, y: 0 },
      aisles: 2, racksPerAisle: 2, levels: 2, binsPerLevel: 2,
      bin: { width: 1, depth: 1, height: 1, maxWeightKg: 500 } },
  ],
  docks: [{ code: 'D1', x: 10, y: -8 }],
};

export interface SmallWorld {
  warehouseId: number;
  /** The warehouse's code, which names it in API paths. */
  warehouseCode: string;
  binsA: string[];
  binsB: string[];
}

/** Create the small warehouse, an owner, and SKUs (plain, lot-tracked with expiry) through the API. */
export async function seedSmallWorld(t: TestApp): Promise<SmallWorld> {
  const post = async (url: string, payload: unknown) => {
    const res = await t.app.inject({ method: 'POST', url, payload: payload as object, headers: bearer(t.adminToken) });
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const wh = await post('/api/warehouses', smallLayout);
  await post('/api/owners', { code: 'OWN1', name: 'Owner one' });
  await post('/api/owners', { code: 'OWN2', name: 'Owner two' });
  await post('/api/skus', { code: 'SKU-1', name: 'Widget', lengthM: 0.1, widthM: 0.1, heightM: 0.1, weightKg: 0.5 });
  await post('/api/skus', { code: 'SKU-2', name: 'Gadget', lengthM: 0.2, widthM: 0.1, heightM: 0.1, weightKg: 1 });
  await post('/api/skus', { code: 'MILK', name: 'Milk 1L', lengthM: 0.1, widthM: 0.1, heightM: 0.2, weightKg: 1.05,
    lotTracked: true, expiryTracked: true, shelfLifeDays: 14, temperature: 'ambient' });
  const bins = await t.db.selectFrom('bins as b').innerJoin('zones as z', 'z.id', 'b.zone_id')
    .select(['b.code', 'z.code as zone']).where('b.warehouse_id', '=', wh.id).orderBy('b.code').execute();
  return {
    warehouseId: wh.id,
    warehouseCode: wh.code,
    binsA: bins.filter((b) => b.zone === 'A').map((b) => b.code),
    binsB: bins.filter((b) => b.zone === 'B').map((b) => b.code),
  };
}

/** Stock-changing POST as admin (or the given token); returns the raw response. */
export function stockPost(t: TestApp, url: string, payload: object, token = t.adminToken,
  headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url, payload, headers: { ...bearer(token), ...headers } });
}

/**
 * For a describe block: start a test app on the backend with the small world before its tests and
 * close it after. Read `world.t` and `world.w` inside the tests (they are set by then).
 */
export function useSmallWorld(backend: { url?: string }): { t: TestApp; w: SmallWorld } {
  const world = {} as { t: TestApp; w: SmallWorld };
  beforeAll(async () => {
    world.t = await startTestApp(backend);
    world.w = await seedSmallWorld(world.t);
  });
  afterAll(async () => world.t?.close());
  return world;
}
