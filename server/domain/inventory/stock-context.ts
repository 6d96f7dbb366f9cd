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
 * zone and warehouse), the SKU, lot and owner by code, and the SKU's balances in the source bin.
 */
export async function loadStockContext(db: Kysely<DB>, q: StockContextQuery): Promise<StockContext> {
  const { rows } = await sql<{ bins: BinRef[]; sku: SkuRef | null; lot: LotRef | null; owner: OwnerRef | null;
    stock: StockRow[] }>`
    select
      (select coalesce(jsonb_agg(to_jsonb(b)), '[]'::jsonb) from
         (select id, code, warehouse_id, zone_id, blocked from bins where code = any(${q.binCodes}::text[])) b) as bins,
      (select to_jsonb(s) from
         (select id, code, name, lot_tracked, expiry_tracked, shelf_life_days from skus where code = ${q.sku}) s) as sku,
      (select to_jsonb(l) from
         (select l.id, l.lot_no, l.expiry_date, l.mfg_date from lots l join skus s on s.id = l.sku_id
           where s.code = ${q.sku} and l.lot_no = ${q.lot ?? null}::text) l) as lot,
      (select to_jsonb(o) from (select id, code from owners where code = ${q.owner ?? null}::text) o) as owner,
      (select coalesce(jsonb_agg(to_jsonb(x) order by x.expiry_date nulls last, x.lot_no), '[]'::jsonb) from
         (select sb.bin_id, sb.lot_id, l.lot_no, l.expiry_date, sb.owner_id, o.code as owner_code, sb.status,
                 sb.qty, sb.reserved
            from stock_balances sb
            join bins b on b.id = sb.bin_id
            join skus s on s.id = sb.sku_id
            join owners o on o.id = sb.owner_id
            left join lots l on l.id = sb.lot_id
           where b.code = ${q.stockBin ?? null}::text and s.code = ${q.sku} and sb.qty > 0) x) as stock
  `.execute(db);
  const row = rows[0]!;
  return {
    bins: new Map(row.bins.map((b) => [b.code, b])),
    sku: row.sku,
    lot: row.lot,
    owner: row.owner,
    stock: row.stock,
  };
}

export function requireBin(ctx: StockContext, code: string, field: string): BinRef {
  const bin = ctx.bins.get(code);
  if (!bin) throw notFound(field, `no bin with code ${code}`);
  return bin;
}

export function requireSku(ctx: StockContext, code: string): SkuRef {
  if (!ctx.sku) throw notFound('sku', `no SKU with code ${code}`);
  return ctx.sku;
}
