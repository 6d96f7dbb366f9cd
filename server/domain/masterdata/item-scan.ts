import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { parseScan, ScanError, type ScanResult } from '../../../model/scan/gs1.ts';
import { badInput, notFound } from '../errors.ts';
import { requireSku, SKU_COLUMNS, type SkuRow } from './lookup.ts';

/** What a scanned item barcode says: which SKU, in which unit, and what a GS1 string adds (lot, dates, count). */
export interface ItemScan {
  sku: SkuRow;
  /** Base units per scanned unit (a case GTIN scans as its pack unit's factor). */
  unitFactor: number;
  lot?: string;
  expiry?: string;
  productionDate?: string;
  serial?: string;
  /** Count from AI (30)/(37), in scanned units. */
  count?: number;
  parsed: ScanResult;
}

/** A SKU code, a GTIN or a GS1-128/DataMatrix string -> the SKU it names; 404 naming `field` if none. */
export async function resolveItemScan(db: Kysely<DB>, raw: string, field: string): Promise<ItemScan> {
  let parsed: ScanResult;
  try {
    parsed = parseScan(raw);
  } catch (error) {
    if (error instanceof ScanError) throw badInput(field, error.message);
    throw error;
  }
  if (parsed.kind === 'code') return { sku: await requireSku(db, parsed.code, field), unitFactor: 1, parsed };
  const gtin = parsed.kind === 'gtin' ? parsed.gtin : parsed.gtin ?? parsed.contentGtin;
  if (!gtin) throw badInput(field, 'the GS1 string carries no GTIN (AI 01 or 02)');
  const found = await skuByGtin(db, gtin);
  if (!found) {
    // A numeric SKU code that happens to look like a GTIN still counts as a code.
    const asCode = parsed.kind === 'gtin' ? await db.selectFrom('skus').select('code').where('code', '=', parsed.raw.trim())
      .executeTakeFirst() : undefined;
    if (asCode) return { sku: await requireSku(db, asCode.code, field), unitFactor: 1, parsed };
    throw notFound(field, `no SKU has barcode ${gtin}`);
  }
  if (parsed.kind === 'gtin') return { ...found, parsed };
  return { ...found, parsed, lot: parsed.lot, expiry: parsed.expiry ?? parsed.bestBefore,
    productionDate: parsed.productionDate, serial: parsed.serial, count: parsed.qty };
}

/** Barcodes are stored as entered (8..14 digits); a scanner gives the same digits, maybe zero-padded to 14. */
async function skuByGtin(db: Kysely<DB>, gtin14: string): Promise<{ sku: SkuRow; unitFactor: number } | undefined> {
  // The shorter forms a GTIN-14 with leading zeros may have been entered as.
  const variants = [gtin14, ...[8, 12, 13].map((n) => gtin14.slice(14 - n))
    .filter((v) => gtin14.startsWith('0'.repeat(14 - v.length)))];
  const hit = await db.selectFrom('sku_barcodes as b').innerJoin('skus as s', 's.id', 'b.sku_id')
    .leftJoin('sku_units as u', (j) => j.onRef('u.sku_id', '=', 'b.sku_id').onRef('u.unit', '=', 'b.unit'))
    .select(SKU_COLUMNS.map((c) => `s.${c}` as const)).select('u.factor')
    .where('b.barcode', 'in', variants).executeTakeFirst();
  if (!hit) return undefined;
  const { factor, ...sku } = hit;
  return { sku: sku as SkuRow, unitFactor: factor ?? 1 };
}
