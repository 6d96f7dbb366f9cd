import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../auth/actor.ts';
import { badInput } from '../errors.ts';
import { binScopeSql, containsPattern, visibleWarehouse } from './visibility.ts';

export type SearchKind = 'sku' | 'lot' | 'bin' | 'order';

export interface SearchBin { id: number; code: string; qty: number }

export interface SearchMatch {
  kind: SearchKind;
  /** SKU code, lot number, bin code or order number. */
  key: string;
  label: string;
  /** Bins sorted by code; qty = units of the match there (for a bin-code match: all units in the bin). */
  bins: SearchBin[];
}

export interface SearchResult {
  query: string;
  matches: SearchMatch[];
  /** Union of the matches' bins (most relevant matches first), at most `limit`, ascending. */
  binIds: number[];
  /** Some kind had more matches than its cap, a match more bins than `limit`, or the union more than `limit`. */
  truncated: boolean;
}

/** Matches per kind: SKUs, lots, orders (inbound and outbound together). Bin-code matches are capped at `limit`. */
export const SEARCH_MATCH_CAP = 20;
export const SEARCH_DEFAULT_LIMIT = 200;
export const SEARCH_MAX_LIMIT = 2000;
export const SEARCH_MAX_QUERY = 100;

/** The shorter forms a GTIN may have been stored as (see item-scan.ts), for an all-digit query. */
function barcodeVariants(q: string): string[] {
  if (!/^\d{8,14}$/.test(q)) return [q];
  const gtin14 = q.padStart(14, '0');
  const variants = [q, gtin14, ...[8, 12, 13].map((n) => gtin14.slice(14 - n))
    .filter((v) => gtin14.startsWith('0'.repeat(14 - v.length)))];
  return [...new Set(variants)];
}

/**
 * Find things in a warehouse and the bins they are in, for highlighting in the twin: SKUs by code or name
 * (case-insensitive substring) or exact barcode, lots by number, bins by code, outbound orders (the bins holding
 * their allocations, and their staging bin once picked) and inbound orders (the receiving and putaway bins still
 * holding what they brought). SKUs and lots count only where they have stock. A zone-scoped actor sees only the
 * bins of their zones. A fixed number of queries, whatever the number of matches.
 */
export async function searchWarehouse(db: Kysely<DB>, actor: Actor, warehouseId: number, rawQuery: string,
  limit = SEARCH_DEFAULT_LIMIT): Promise<SearchResult> {
  const q = rawQuery.trim();
  if (q.length < 1 || q.length > SEARCH_MAX_QUERY) {
    throw badInput('q', `give 1 to ${SEARCH_MAX_QUERY} characters (besides spaces) to search for`);
  }
  await visibleWarehouse(db, actor, warehouseId);
  const like = containsPattern(q);
  const prefix = containsPattern(q, true);
  const scope = binScopeSql(actor, warehouseId, 'b');
  // A SKU (or lot) counts only with units on hand in bins of this warehouse the actor sees.
  const hasStock = (balanceColumn: 'sku_id' | 'lot_id', id: string) => sql`exists (select 1 from stock_balances sb
    join bins b on b.id = sb.bin_id where sb.${sql.raw(balanceColumn)} = ${sql.ref(id)} and sb.qty > 0
      and b.warehouse_id = ${warehouseId} ${scope})`;
  const take = SEARCH_MATCH_CAP + 1;
  let truncated = false;

  const [skus, lots, binRows, orders] = await Promise.all([
    sql<{ id: number; code: string; name: string }>`
      select s.id, s.code, s.name from skus s
       where (s.code ilike ${like} or s.name ilike ${like}
              or s.id in (select sku_id from sku_barcodes where barcode in (${sql.join(barcodeVariants(q))})))
         and ${hasStock('sku_id', 's.id')}
       order by case when lower(s.code) = lower(${q}) then 0 when s.code ilike ${prefix} then 1 else 2 end, s.code
       limit ${take}`.execute(db),
    sql<{ id: number; lot_no: string; sku: string; expiry: string | null }>`
      select l.id, l.lot_no, s.code as sku, l.expiry_date as expiry from lots l join skus s on s.id = l.sku_id
       where l.lot_no ilike ${like} and ${hasStock('lot_id', 'l.id')}
       order by case when lower(l.lot_no) = lower(${q}) then 0 when l.lot_no ilike ${prefix} then 1 else 2 end,
                l.lot_no, s.code
       limit ${take}`.execute(db),
    sql<{ id: number; code: string; zone: string; kind: string; units: number }>`
      with m as (
        select b.id, b.code, b.zone_id from bins b
         where b.warehouse_id = ${warehouseId} and b.code ilike ${like} ${scope}
         order by case when lower(b.code) = lower(${q}) then 0 when b.code ilike ${prefix} then 1 else 2 end, b.code
         limit ${limit + 1})
      select m.id, m.code, z.code as zone, z.kind,
             (select coalesce(sum(sb.qty), 0) from stock_balances sb where sb.bin_id = m.id and sb.qty > 0)::int8 as units
        from m join zones z on z.id = m.zone_id`.execute(db),
    sql<{ dir: 'out' | 'in'; id: number; code: string; status: string; party: string | null }>`
      select * from (
        select 'out' as dir, o.id, o.code, o.status, coalesce(c.name, ow.name) as party
          from outbound_orders o join owners ow on ow.id = o.owner_id left join customers c on c.id = o.customer_id
         where o.warehouse_id = ${warehouseId} and o.code ilike ${like}
        union all
        select 'in' as dir, i.id, i.code, i.status, coalesce(sp.name, c.name, ow.name) as party
          from inbound_orders i join owners ow on ow.id = i.owner_id left join suppliers sp on sp.id = i.supplier_id
          left join customers c on c.id = i.customer_id
         where i.warehouse_id = ${warehouseId} and i.code ilike ${like}) o
       order by case when lower(o.code) = lower(${q}) then 0 when o.code ilike ${prefix} then 1 else 2 end, o.code, o.dir desc
       limit ${take}`.execute(db),
  ]);
  const capped = <T>(rows: T[], cap: number) => {
    if (rows.length > cap) truncated = true;
    return rows.slice(0, cap);
  };
  const skuList = capped(skus.rows, SEARCH_MATCH_CAP);
  const lotList = capped(lots.rows, SEARCH_MATCH_CAP);
  const orderList = capped(orders.rows, SEARCH_MATCH_CAP);
  const binList = capped(binRows.rows.sort((a, b) => rank(a.code, q) - rank(b.code, q) || cmp(a.code, b.code)), limit);

  const skuIds = skuList.map((s) => Number(s.id));
  const lotIds = lotList.map((l) => Number(l.id));
  const outIds = orderList.filter((o) => o.dir === 'out').map((o) => Number(o.id));
  const inIds = orderList.filter((o) => o.dir === 'in').map((o) => Number(o.id));
  const none = [-1];

  const [stock, outBins, inBins] = await Promise.all([
    skuIds.length || lotIds.length ? sql<{ sku_id: number; lot_id: number | null; id: number; code: string; qty: number }>`
      select sb.sku_id, sb.lot_id, b.id, b.code, sum(sb.qty)::int8 as qty
        from stock_balances sb join bins b on b.id = sb.bin_id
       where (sb.sku_id in (${sql.join(skuIds.length ? skuIds : none)})
              or sb.lot_id in (${sql.join(lotIds.length ? lotIds : none)}))
         and sb.qty > 0 and b.warehouse_id = ${warehouseId} ${scope}
       group by sb.sku_id, sb.lot_id, b.id, b.code`.execute(db) : { rows: [] },
    // Outbound: where its open allocations wait to be picked, and the staging bin its picked units wait in.
    outIds.length ? sql<{ order_id: number; id: number; code: string; qty: number }>`
      select x.order_id, b.id, b.code, sum(x.qty)::int8 as qty from (
        select a.order_id, a.bin_id, a.qty - a.picked_qty as qty from allocations a
         where a.order_id in (${sql.join(outIds)}) and a.status = 'open' and a.qty > a.picked_qty
        union all
        select o.id, o.staging_bin_id, a.picked_qty from outbound_orders o join allocations a on a.order_id = o.id
         where o.id in (${sql.join(outIds)}) and o.staging_bin_id is not null and a.picked_qty > 0
           and o.status not in ('shipped', 'cancelled')) x
        join bins b on b.id = x.bin_id
       where b.warehouse_id = ${warehouseId} ${scope}
       group by x.order_id, b.id, b.code`.execute(db) : { rows: [] },
    // Inbound: the receiving bins and putaway targets that still hold the SKU/lot/owner it brought.
    inIds.length ? sql<{ order_id: number; id: number; code: string; qty: number }>`
      with k as (
        select r.order_id, r.bin_id, r.sku_id, r.lot_id, r.owner_id from receipts r
         where r.order_id in (${sql.join(inIds)})
        union
        select r.order_id, t.target_bin_id, r.sku_id, r.lot_id, r.owner_id
          from receipts r join tasks t on t.ref_type = 'receipt' and t.ref_id = r.id
         where r.order_id in (${sql.join(inIds)}) and t.status <> 'cancelled' and t.target_bin_id is not null)
      select k.order_id, b.id, b.code, sum(sb.qty)::int8 as qty
        from k join stock_balances sb on sb.bin_id = k.bin_id and sb.sku_id = k.sku_id
             and sb.lot_key = coalesce(k.lot_id, 0) and sb.owner_id = k.owner_id and sb.qty > 0
        join bins b on b.id = k.bin_id
       where b.warehouse_id = ${warehouseId} ${scope}
       group by k.order_id, b.id, b.code`.execute(db) : { rows: [] },
  ]);

  const group = (rows: { key: string; id: number; code: string; qty: number }[]) => {
    const by = new Map<string, Map<number, SearchBin>>();
    for (const r of rows) {
      let bins = by.get(r.key);
      if (!bins) by.set(r.key, bins = new Map());
      const id = Number(r.id);
      const hit = bins.get(id);
      if (hit) hit.qty += Number(r.qty);
      else bins.set(id, { id, code: r.code, qty: Number(r.qty) });
    }
    return (key: string) => capped([...(by.get(key)?.values() ?? [])].sort((a, b) => cmp(a.code, b.code)), limit);
  };
  const skuBins = group(stock.rows.map((r) => ({ ...r, key: String(r.sku_id) })));
  const lotBins = group(stock.rows.filter((r) => r.lot_id !== null).map((r) => ({ ...r, key: String(r.lot_id) })));
  const outOrderBins = group(outBins.rows.map((r) => ({ ...r, key: String(r.order_id) })));
  const inOrderBins = group(inBins.rows.map((r) => ({ ...r, key: String(r.order_id) })));

  const matches: SearchMatch[] = [
    ...skuList.map((s) => ({ kind: 'sku' as const, key: s.code, label: s.name, bins: skuBins(String(s.id)) })),
    ...lotList.map((l) => ({ kind: 'lot' as const, key: l.lot_no,
      label: `lot ${l.lot_no} of ${l.sku}${l.expiry ? `, expires ${l.expiry}` : ''}`, bins: lotBins(String(l.id)) })),
    ...orderList.map((o) => ({ kind: 'order' as const, key: o.code,
      label: `${o.dir === 'out' ? 'outbound order' : 'inbound order'}${o.party ? ` ${o.dir === 'out' ? 'for' : 'from'} ${o.party}` : ''}, ${o.status}`,
      bins: (o.dir === 'out' ? outOrderBins : inOrderBins)(String(o.id)) })),
    ...binList.map((b) => ({ kind: 'bin' as const, key: b.code, label: `zone ${b.zone} (${b.kind})`,
      bins: [{ id: Number(b.id), code: b.code, qty: Number(b.units) }] })),
  ];

  const union = new Set<number>();
  for (const m of matches) {
    for (const b of m.bins) {
      if (union.has(b.id)) continue;
      if (union.size >= limit) { truncated = true; break; }
      union.add(b.id);
    }
  }
  return { query: q, matches, binIds: [...union].sort((a, b) => a - b), truncated };
}

/** Exact match first, then prefix, then anywhere (case-insensitive), as the SQL orders them. */
function rank(code: string, q: string) {
  const c = code.toLowerCase(), l = q.toLowerCase();
  return c === l ? 0 : c.startsWith(l) ? 1 : 2;
}

/** Code order independent of the database collation. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
