import type { Kysely } from 'kysely';
import type { DB, Temperature } from '../../db/schema.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { ensureLot } from './lots.ts';
import { inTransaction } from '../../db/transaction.ts';
import { isValidGtin } from '../../../model/scan/gs1.ts';
import { pageRows } from '../paging.ts';

export interface SkuInput {
  code: string;
  name: string;
  spec?: string;
  baseUnit?: string;
  lengthM: number;
  widthM: number;
  heightM: number;
  weightKg: number;
  /** Base units on one pallet, for pallet locations (bins.max_pallets); default: the PAL pack unit's factor. */
  unitsPerPallet?: number | null;
  shelfLifeDays?: number | null;
  minRemainingShelfLifeDays?: number | null;
  lotTracked?: boolean;
  expiryTracked?: boolean;
  abcClass?: 'A' | 'B' | 'C';
  temperature?: Temperature;
  requiresQc?: boolean;
  /** Allocation strategy of this SKU unless the order, line or owner says otherwise (default FEFO when expiry-tracked, else FIFO). */
  allocationStrategy?: 'fifo' | 'lifo' | 'fefo' | null;
  /** Pack units: how many base units one of them holds (e.g. CASE = 12). */
  units?: { unit: string; factor: number }[];
  barcodes?: { barcode: string; kind?: 'gtin' | 'ean' | 'upc' | 'internal'; unit?: string }[];
}

// The GS1 check-digit rule lives with the scan parser; re-exported so existing importers keep working.
export { isValidGtin };

function validateSku(input: Partial<SkuInput>) {
  if (input.expiryTracked && !input.lotTracked && input.lotTracked !== undefined) {
    throw badInput('lotTracked', 'expiry-tracked SKUs must also be lot-tracked (expiry belongs to a lot)');
  }
  const baseUnit = input.baseUnit ?? 'EA';
  const units = input.units ?? [];
  const seen = new Set<string>();
  units.forEach((u, i) => {
    if (u.unit === baseUnit) throw badInput(`units[${i}].unit`, `${u.unit} is the base unit already`);
    if (seen.has(u.unit)) throw badInput(`units[${i}].unit`, `${u.unit} is listed twice`);
    seen.add(u.unit);
  });
  const seenBarcodes = new Set<string>();
  (input.barcodes ?? []).forEach((b, i) => {
    if (seenBarcodes.has(b.barcode)) throw badInput(`barcodes[${i}].barcode`, `${b.barcode} is listed twice`);
    seenBarcodes.add(b.barcode);
    if ((b.kind ?? 'gtin') !== 'internal' && !isValidGtin(b.barcode)) {
      throw badInput(`barcodes[${i}].barcode`, `${b.barcode} is not a valid GTIN/EAN/UPC (check digit)`);
    }
    if (b.unit && b.unit !== baseUnit && !seen.has(b.unit)) {
      throw badInput(`barcodes[${i}].unit`, `unit ${b.unit} is not defined for this SKU`);
    }
  });
}

export async function createSku(db: Kysely<DB>, input: SkuInput) {
  validateSku(input);
  const existing = await db.selectFrom('skus').select('id').where('code', '=', input.code).executeTakeFirst();
  if (existing) throw conflict(`a SKU with code ${input.code} already exists`, 'code');
  if (input.barcodes?.length) {
    const taken = await db.selectFrom('sku_barcodes').select('barcode')
      .where('barcode', 'in', input.barcodes.map((b) => b.barcode)).executeTakeFirst();
    if (taken) throw conflict(`barcode ${taken.barcode} already belongs to another SKU`, 'barcodes');
  }
  const id = await inTransaction(db, async (trx) => {
    const row = await trx.insertInto('skus').values(toRow({ ...input,
      unitsPerPallet: input.unitsPerPallet ?? palletFactor(input.units) }) as any).returning('id').executeTakeFirstOrThrow();
    await writeUnitsAndBarcodes(trx, row.id, input);
    return row.id;
  });
  return getSkuById(db, id);
}

function toRow(input: Partial<SkuInput>) {
  const row = {
    code: input.code, name: input.name, spec: input.spec, base_unit: input.baseUnit,
    length_m: input.lengthM, width_m: input.widthM, height_m: input.heightM, weight_kg: input.weightKg,
    units_per_pallet: input.unitsPerPallet,
    shelf_life_days: input.shelfLifeDays, min_remaining_shelf_life_days: input.minRemainingShelfLifeDays,
    lot_tracked: input.lotTracked ?? (input.expiryTracked ? true : undefined), expiry_tracked: input.expiryTracked,
    abc_class: input.abcClass, temperature: input.temperature, requires_qc: input.requiresQc,
    allocation_strategy: input.allocationStrategy,
  };
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
}

/** A pallet pack unit's factor, if the SKU has one. */
function palletFactor(units: SkuInput['units']): number | undefined {
  return units?.find((u) => ['PAL', 'PLT', 'PALLET'].includes(u.unit.toUpperCase()))?.factor;
}

async function writeUnitsAndBarcodes(db: Kysely<DB>, skuId: number, input: Partial<SkuInput>) {
  if (input.units) {
    await db.deleteFrom('sku_units').where('sku_id', '=', skuId).execute();
    if (input.units.length) {
      await db.insertInto('sku_units').values(input.units.map((u) => ({ sku_id: skuId, unit: u.unit,
        factor: u.factor }))).execute();
    }
  }
  if (input.barcodes) {
    await db.deleteFrom('sku_barcodes').where('sku_id', '=', skuId).execute();
    if (input.barcodes.length) {
      await db.insertInto('sku_barcodes').values(input.barcodes.map((b) => ({ sku_id: skuId, barcode: b.barcode,
        kind: b.kind ?? 'gtin', unit: b.unit ?? input.baseUnit ?? 'EA' }))).execute();
    }
  }
}

export async function updateSku(db: Kysely<DB>, code: string, patch: Partial<SkuInput>) {
  const current = await getSku(db, code);
  validateSku({ lotTracked: current.lot_tracked, baseUnit: current.base_unit, ...patch,
    units: patch.units ?? current.units, barcodes: patch.barcodes });
  if (patch.barcodes?.length) {
    const taken = await db.selectFrom('sku_barcodes').select('barcode')
      .where('barcode', 'in', patch.barcodes.map((b) => b.barcode)).where('sku_id', '<>', current.id)
      .executeTakeFirst();
    if (taken) throw conflict(`barcode ${taken.barcode} already belongs to another SKU`, 'barcodes');
  }
  await inTransaction(db, async (trx) => {
    const row = toRow({ ...patch, code: undefined });
    if (Object.keys(row).length) await trx.updateTable('skus').set(row as any).where('id', '=', current.id).execute();
    await writeUnitsAndBarcodes(trx, current.id, { ...patch, baseUnit: patch.baseUnit ?? current.base_unit });
  });
  return getSkuById(db, current.id);
}

export async function deleteSku(db: Kysely<DB>, code: string) {
  const sku = await getSku(db, code);
  await inTransaction(db, async (trx) => {
    // Lock the SKU before looking for its history: a movement that creates a balance of it holds a key-share
    // lock on this row until it commits, so the check below sees every movement committed before the delete,
    // and one that comes after finds the SKU gone. Checked outside, a movement in between lost its stock here.
    await trx.selectFrom('skus').select('id').where('id', '=', sku.id).forUpdate().execute();
    const used = await trx.selectFrom('ledger_entries').select('id').where('sku_id', '=', sku.id).limit(1)
      .executeTakeFirst();
    if (used) throw conflict(`SKU ${code} has stock history and cannot be deleted`, 'code');
    await trx.deleteFrom('stock_balances').where('sku_id', '=', sku.id).execute();
    await trx.deleteFrom('lots').where('sku_id', '=', sku.id).execute();
    await trx.deleteFrom('skus').where('id', '=', sku.id).execute();
  });
}

export async function getSku(db: Kysely<DB>, code: string) {
  const row = await db.selectFrom('skus').select('id').where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound('code', `no SKU with code ${code}`);
  return getSkuById(db, row.id);
}

async function getSkuById(db: Kysely<DB>, id: number) {
  const sku = await db.selectFrom('skus').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const units = await db.selectFrom('sku_units').select(['unit', 'factor']).where('sku_id', '=', id)
    .orderBy('factor').execute();
  const barcodes = await db.selectFrom('sku_barcodes').select(['barcode', 'kind', 'unit']).where('sku_id', '=', id)
    .orderBy('barcode').execute();
  return { ...sku, units, barcodes };
}

export async function listSkus(db: Kysely<DB>, f: { q?: string; abcClass?: string; limit: number; offset: number }) {
  let q = db.selectFrom('skus').select(['id', 'code', 'name', 'spec', 'base_unit', 'abc_class', 'temperature',
    'lot_tracked', 'expiry_tracked', 'shelf_life_days']);
  if (f.q) {
    const like = `%${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('code', 'ilike', like), eb('name', 'ilike', like),
      eb('id', 'in', eb.selectFrom('sku_barcodes').select('sku_id').where('barcode', '=', f.q!))]));
  }
  if (f.abcClass) q = q.where('abc_class', '=', f.abcClass as 'A');
  return pageRows(db, q.orderBy('code'), f);
}

/** Convert a quantity in a pack unit to base units (explicit, never implied). */
export async function toBaseUnits(db: Kysely<DB>, skuCode: string, qty: number, unit: string): Promise<number> {
  const sku = await getSku(db, skuCode);
  if (unit === sku.base_unit) return qty;
  const u = sku.units.find((x) => x.unit === unit);
  if (!u) throw badInput('unit', `SKU ${skuCode} has no unit ${unit}; known: ${[sku.base_unit, ...sku.units.map((x) => x.unit)].join(', ')}`);
  return qty * u.factor;
}

export async function listLots(db: Kysely<DB>, skuCode: string) {
  const sku = await getSku(db, skuCode);
  return db.selectFrom('lots').select(['id', 'lot_no', 'mfg_date', 'expiry_date', 'created_at'])
    .where('sku_id', '=', sku.id).orderBy('expiry_date').orderBy('lot_no').execute();
}

export async function createLot(db: Kysely<DB>, skuCode: string, lot: { lotNo: string; expiryDate?: string;
  mfgDate?: string }) {
  const sku = await getSku(db, skuCode);
  const existing = await db.selectFrom('lots').select('id').where('sku_id', '=', sku.id)
    .where('lot_no', '=', lot.lotNo).executeTakeFirst();
  if (existing) throw conflict(`SKU ${skuCode} already has lot ${lot.lotNo}`, 'lotNo');
  return ensureLot(db, sku, lot, { expiryField: 'expiryDate' });
}
