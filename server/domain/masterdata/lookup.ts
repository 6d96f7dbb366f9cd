import type { Kysely } from 'kysely';
import type { DB, ZoneKind } from '../../db/schema.ts';
import { badInput, notFound } from '../errors.ts';

/** Code -> row lookups shared by the workflow services; each failure names the input field. */

export async function requireWarehouse(db: Kysely<DB>, code: string, field = 'warehouse') {
  const row = await db.selectFrom('warehouses').select(['id', 'code', 'name']).where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw notFound(field, `no warehouse with code ${code}`);
  return row;
}

export async function requireOwner(db: Kysely<DB>, code: string, field = 'owner') {
  const row = await db.selectFrom('owners').select(['id', 'code', 'allocation_strategy']).where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw notFound(field, `no owner with code ${code}`);
  return row;
}

export async function requireSupplier(db: Kysely<DB>, code: string, field = 'supplier') {
  const row = await db.selectFrom('suppliers').select(['id', 'code', 'requires_qc', 'over_receipt_pct'])
    .where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound(field, `no supplier with code ${code}`);
  return row;
}

export async function requireCustomer(db: Kysely<DB>, code: string, field = 'customer') {
  const row = await db.selectFrom('customers').select(['id', 'code', 'min_remaining_shelf_life_days'])
    .where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound(field, `no customer with code ${code}`);
  return row;
}

export const SKU_COLUMNS = ['id', 'code', 'name', 'lot_tracked', 'expiry_tracked', 'shelf_life_days',
  'min_remaining_shelf_life_days', 'requires_qc', 'abc_class', 'temperature', 'length_m', 'width_m', 'height_m',
  'weight_kg', 'allocation_strategy', 'base_unit'] as const;

export async function requireSku(db: Kysely<DB>, code: string, field = 'sku') {
  const row = await db.selectFrom('skus').select(SKU_COLUMNS).where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound(field, `no SKU with code ${code}`);
  return row;
}
export type SkuRow = Awaited<ReturnType<typeof requireSku>>;

export async function skuById(db: Kysely<DB>, id: number) {
  return db.selectFrom('skus').select(SKU_COLUMNS).where('id', '=', id).executeTakeFirstOrThrow();
}

/** A bin with its zone, by code; optionally required to lie in a warehouse and in zones of given kinds. */
export async function requireBin(db: Kysely<DB>, code: string, field: string,
  opts: { warehouseId?: number; kinds?: readonly ZoneKind[] } = {}) {
  const row = await db.selectFrom('bins as b').innerJoin('zones as z', 'z.id', 'b.zone_id')
    .select(['b.id', 'b.code', 'b.warehouse_id', 'b.zone_id', 'b.blocked', 'b.access_node', 'z.kind as zone_kind',
      'z.code as zone_code', 'z.temperature as zone_temperature'])
    .where('b.code', '=', code).executeTakeFirst();
  if (!row) throw notFound(field, `no bin with code ${code}`);
  if (opts.warehouseId !== undefined && row.warehouse_id !== opts.warehouseId) {
    throw badInput(field, `bin ${code} is in another warehouse`);
  }
  if (opts.kinds && !opts.kinds.includes(row.zone_kind)) {
    throw badInput(field, `bin ${code} is in a ${row.zone_kind} zone; expected ${opts.kinds.join(' or ')}`);
  }
  return row;
}
export type BinRow = Awaited<ReturnType<typeof requireBin>>;

/** The first bin (by pick sequence) of the warehouse's zones of the given kinds, in the order given. */
export async function firstBinOfKind(db: Kysely<DB>, warehouseId: number, kinds: readonly ZoneKind[]) {
  for (const kind of kinds) {
    const row = await db.selectFrom('bins as b').innerJoin('zones as z', 'z.id', 'b.zone_id')
      .select(['b.id', 'b.code', 'b.zone_id', 'b.access_node']).where('b.warehouse_id', '=', warehouseId)
      .where('z.kind', '=', kind).where('b.blocked', '=', false).orderBy('b.pick_seq').orderBy('b.id').limit(1)
      .executeTakeFirst();
    if (row) return row;
  }
  return undefined;
}

export async function lotById(db: Kysely<DB>, id: number | null) {
  if (id === null) return null;
  return db.selectFrom('lots').select(['id', 'lot_no', 'expiry_date', 'mfg_date']).where('id', '=', id)
    .executeTakeFirstOrThrow();
}
