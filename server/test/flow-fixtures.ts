import type { LayoutSpec } from '../../model/layout-spec.ts';
import { afterAll, beforeAll, expect } from 'vitest';
import { bearer, startTestApp, type TestApp } from './harness.ts';

/**
 * A warehouse for the workflow tests: ambient storage and a pick face, chilled storage, QC,
 * quarantine and dock staging lanes, one dock door.
 */
export const flowLayout: LayoutSpec = {
  code: 'F1', name: 'Flow warehouse',
  zones: [
    { code: 'STOR', name: 'Storage', kind: 'storage', temperature: 'ambient', origin: { x: 0, y: 8 },
      aisles: 3, racksPerAisle: 4, levels: 2, binsPerLevel: 2,
      bin: { width: 1, depth: 1, height: 1, maxWeightKg: 500, maxUnits: 500 } },
    { code: 'PICK', name: 'Pick face', kind: 'pick_face', temperature: 'ambient', origin: { x: 20, y: 8 },
      aisles: 2, racksPerAisle: 3, levels: 2, binsPerLevel: 2,
      bin: { width: 0.5, depth: 0.6, height: 0.4, maxWeightKg: 50, maxUnits: 200 } },
    { code: 'COLD', name: 'Chilled', kind: 'storage', temperature: 'chilled', origin: { x: 30, y: 8 },
      aisles: 1, racksPerAisle: 2, levels: 1, binsPerLevel: 2,
      bin: { width: 1, depth: 1, height: 1, maxWeightKg: 500 } },
    { code: 'QC', name: 'QC', kind: 'qc', temperature: 'ambient', origin: { x: 36, y: 8 },
      aisles: 1, racksPerAisle: 1, levels: 1, binsPerLevel: 2,
      bin: { width: 1, depth: 1, height: 1, maxWeightKg: 500 } },
    { code: 'QUAR', name: 'Quarantine', kind: 'quarantine', temperature: 'ambient', origin: { x: 42, y: 8 },
      aisles: 1, racksPerAisle: 1, levels: 1, binsPerLevel: 2,
      bin: { width: 1, depth: 1, height: 1, maxWeightKg: 500 } },
    { code: 'STAGE', name: 'Staging', kind: 'staging', temperature: 'ambient', origin: { x: 48, y: 8 },
      aisles: 1, racksPerAisle: 2, levels: 1, binsPerLevel: 2,
      bin: { width: 1.2, depth: 1.2, height: 2, maxWeightKg: 2000 } },
  ],
  docks: [{ code: 'D1', x: 50, y: 0 }],
};

export const MILK_GTIN = '09501101530003';
export const BOX_GTIN = '04006381333931';

export interface FlowWorld {
  t: TestApp;
  warehouseId: number;
  /** The warehouse's code, which names it in API paths. */
  warehouseCode: string;
  bins: Record<string, string[]>;
  api: (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, token?: string) =>
    Promise<{ status: number; body: any }>;
  ok: (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, token?: string) => Promise<any>;
}

export function isoDateIn(days: number) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** YYMMDD for GS1 AIs (17)/(11). */
export const gs1Date = (iso: string) => iso.slice(2).replaceAll('-', '');

export function useFlowWorld(backend: { url?: string }, options: Parameters<typeof startTestApp>[1] = {}): FlowWorld {
  const world = {} as FlowWorld;
  beforeAll(async () => {
    const t = await startTestApp(backend, options);
    const api = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, token = t.adminToken) => {
      const res = await t.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
      return { status: res.statusCode, body: res.body ? res.json() : null };
    };
    const ok = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, token?: string) => {
      const res = await api(method, url, payload, token);
      expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body;
    };
    const wh = await ok('POST', '/api/warehouses', flowLayout);
    await ok('POST', '/api/owners', { code: 'OWN1', name: 'Owner one' });
    await ok('POST', '/api/suppliers', { code: 'SUP1', name: 'Plain supplier' });
    await ok('POST', '/api/suppliers', { code: 'SUPQC', name: 'Inspected supplier', requiresQc: true });
    await ok('POST', '/api/customers', { code: 'CUS1', name: 'Customer', minRemainingShelfLifeDays: 5 });
    await ok('POST', '/api/skus', { code: 'BOX', name: 'Box', lengthM: 0.2, widthM: 0.2, heightM: 0.2, weightKg: 1,
      abcClass: 'A', barcodes: [{ barcode: BOX_GTIN.slice(1) }] });
    await ok('POST', '/api/skus', { code: 'BOLT', name: 'Bolt', lengthM: 0.05, widthM: 0.02, heightM: 0.02,
      weightKg: 0.05, abcClass: 'C' });
    await ok('POST', '/api/skus', { code: 'MILK', name: 'Milk 1L', lengthM: 0.1, widthM: 0.1, heightM: 0.2,
      weightKg: 1.05, lotTracked: true, expiryTracked: true, shelfLifeDays: 30, minRemainingShelfLifeDays: 7,
      barcodes: [{ barcode: MILK_GTIN }] });
    const rows = await t.db.selectFrom('bins as b').innerJoin('zones as z', 'z.id', 'b.zone_id')
      .select(['b.code', 'z.code as zone']).where('b.warehouse_id', '=', wh.id).orderBy('b.pick_seq').execute();
    const bins: Record<string, string[]> = {};
    for (const r of rows) (bins[r.zone] ??= []).push(r.code);
    Object.assign(world, { t, warehouseId: wh.id, warehouseCode: wh.code, bins, api, ok });
  });
  afterAll(async () => world.t?.close());
  return world;
}

/** Outbox events of the given types after a sequence number, oldest first. */
export async function eventsSince(t: TestApp, seq: number, types?: string[]) {
  let q = t.db.selectFrom('outbox').select(['seq', 'type', 'payload']).where('seq', '>', seq);
  if (types) q = q.where('type', 'in', types);
  return q.orderBy('seq').execute();
}

export async function lastSeq(t: TestApp) {
  const row = await t.db.selectFrom('outbox').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** Quantity per (bin, sku, lot, status) for a SKU, as a readable map. */
export async function stockOf(t: TestApp, sku: string) {
  const rows = await t.db.selectFrom('stock_balances as sb').innerJoin('bins as b', 'b.id', 'sb.bin_id')
    .innerJoin('skus as s', 's.id', 'sb.sku_id').leftJoin('lots as l', 'l.id', 'sb.lot_id')
    .select(['b.code as bin', 'l.lot_no as lot', 'sb.status', 'sb.qty', 'sb.reserved'])
    .where('s.code', '=', sku).where('sb.qty', '>', 0).orderBy('b.code').execute();
  return rows;
}
