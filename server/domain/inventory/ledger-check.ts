import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export interface LedgerMismatch {
  binId: number; skuId: number; lotId: number | null; ownerId: number; status: string;
  balance: number; ledger: number;
}

export interface LedgerCheck {
  ok: boolean; keys: number; ledgerRows: number; negative: number; mismatches: LedgerMismatch[];
}

/**
 * The invariant: for every balance key, balance = sum of its ledger rows, and no balance is negative.
 * A full outer join catches a balance with no ledger and ledger rows with no balance.
 */
export async function checkLedger(db: Kysely<DB>, maxReported = 100): Promise<LedgerCheck> {
  const { rows } = await sql<LedgerMismatch>`
    with l as (
      select bin_id, sku_id, coalesce(lot_id, 0) as lot_key, owner_id, status, sum(qty_delta) as total
        from ledger_entries group by 1, 2, 3, 4, 5)
    select coalesce(b.bin_id, l.bin_id) as "binId", coalesce(b.sku_id, l.sku_id) as "skuId",
           nullif(coalesce(b.lot_key, l.lot_key), 0) as "lotId", coalesce(b.owner_id, l.owner_id) as "ownerId",
           coalesce(b.status, l.status) as status, coalesce(b.qty, 0)::int8 as balance,
           coalesce(l.total, 0)::int8 as ledger
      from stock_balances b
      full join l on l.bin_id = b.bin_id and l.sku_id = b.sku_id and l.lot_key = b.lot_key
                 and l.owner_id = b.owner_id and l.status = b.status
     where coalesce(b.qty, 0) <> coalesce(l.total, 0)
     limit ${maxReported}`.execute(db);
  const { rows: stats } = await sql<{ keys: number; ledger_rows: number; negative: number }>`
    select (select count(*) from stock_balances)::int8 as keys,
           (select count(*) from ledger_entries)::int8 as ledger_rows,
           (select count(*) from stock_balances where qty < 0 or reserved < 0 or reserved > qty)::int8 as negative`
    .execute(db);
  const s = stats[0]!;
  return { ok: rows.length === 0 && s.negative === 0, keys: s.keys, ledgerRows: s.ledger_rows,
    negative: s.negative, mismatches: rows };
}
