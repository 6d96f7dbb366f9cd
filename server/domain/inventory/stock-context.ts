import { sql, type Kysely } from 'kysely';
import type { DB, StockStatus } from '../../db/schema.ts';
import { notFound } from '../errors.ts';

export interface BinRef { id: number; code: string; warehouse_id: number; zone_id: number; blocked: boolean }
export interface SkuRef {
  id: number; code: string; name: string; lot_tracked: boolean; expiry_tracked: boolean;
  shelf_life_days: number | null;
}
export interface LotRef { id: number; lot_no: string; expiry_date: string | null; mfg_date: string | null }
export interface OwnerRef { id: number; code: string }
export interface StockRow {
  bin_id: number; lot_id: number | null; lot_no: string | null; expiry_date: string | null;
  owner_id: number; owner_code: string; status: StockStatus; qty: number; reserved: number;
}

export interface StockContext {
  bins: Map<string, BinRef>;
  sku: SkuRef | null;
  lot: LotRef | null;
  owner: OwnerRef | null;
  /** Non-empty balances of the SKU in `stockBin`. */
  stock: StockRow[];
}

export interface StockContextQuery {
  binCodes: string[];
  sku: string;
  lot?: string;
  owner?: string;
  /** Bin whose current stock of the SKU is wanted (the source of a move, say). */
  stockBin?: string;
}

/**
 * Everything a stock command needs to validate and authorise, in one round trip: the bins (with
 * zone and warehouse), the SKU, lot and owner by code, and the SKU's balances in the source bin
 * (SQL function wms_stock_context, see migration 0002).
 */
export async function loadStockContext(db: Kysely<DB>, q: StockContextQuery): Promise<StockContext> {
  const { rows } = await sql<{ r: { bins: BinRef[]; sku: SkuRef | null; lot: LotRef | null;
    owner: OwnerRef | null; stock: StockRow[] } }>`
    select wms_stock_context(${q.binCodes}::text[], ${q.sku}, ${q.lot ?? null}::text, ${q.owner ?? null}::text,
      ${q.stockBin ?? null}::text) as r`.execute(db);
  const row = rows[0]!.r;
  return {
    bins: new Map(row.bins.map((b) => [b.code, b])),
    sku: row.sku,
    lot: row.lot,
    owner: row.owner,
    stock: row.stock,
  };
}

/** How refusals and movement errors name some stock: "SKU-1 in WH1-A01-R01-L1-B01". */
export const stockLabel = (sku: string, binCode: string) => `${sku} in ${binCode}`;

export function requireBin(ctx: StockContext, code: string, field: string): BinRef {
  const bin = ctx.bins.get(code);
  if (!bin) throw notFound(field, `no bin with code ${code}`);
  return bin;
}

export function requireSku(ctx: StockContext, code: string): SkuRef {
  if (!ctx.sku) throw notFound('sku', `no SKU with code ${code}`);
  return ctx.sku;
}
