import { sql } from 'kysely';
import { limited, type AlertCandidate, type AlertCheck, CHECK_ROW_LIMIT } from './check.ts';

/** Stock whose lot expires within this many days raises 'stock_expiring'. */
export const EXPIRY_HORIZON_DAYS = 7;

const DAY_MS = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Expiry approaching: every lot in a bin (summed over owners and statuses) still on hand whose expiry date is
 * within the horizon ('stock_expiring', level 1) or past ('stock_expired', level 2; a lot expires at the end
 * of its date, in UTC as elsewhere in the system).
 */
export function expiryCheck(horizonDays = EXPIRY_HORIZON_DAYS): AlertCheck {
  return {
    condition: 'expiry',
    async run({ db, warehouseId, now }) {
      const today = isoDay(now);
      const horizon = isoDay(new Date(now.getTime() + horizonDays * DAY_MS));
      const { rows } = await sql<{ bin_id: number; bin: string; zone_id: number; sku: string; lot_id: number;
        lot: string; expiry: string; qty: string | number }>`
        select sb.bin_id, b.code as bin, b.zone_id, s.code as sku, l.id as lot_id, l.lot_no as lot,
               to_char(l.expiry_date, 'YYYY-MM-DD') as expiry, sum(sb.qty)::int8 as qty
          from stock_balances sb
          join lots l on l.id = sb.lot_id
          join bins b on b.id = sb.bin_id
          join skus s on s.id = sb.sku_id
         where b.warehouse_id = ${warehouseId} and sb.qty > 0 and l.expiry_date <= ${horizon}::date
         group by sb.bin_id, b.code, b.zone_id, s.code, l.id, l.lot_no, l.expiry_date
         order by l.expiry_date, b.code, l.lot_no
         limit ${CHECK_ROW_LIMIT + 1}`.execute(db);
      const { rows: lines, complete } = limited(rows);
      const candidates = lines.map((r): AlertCandidate => {
        const days = Math.round((Date.parse(r.expiry) - Date.parse(today)) / DAY_MS);
        const expired = r.expiry < today;
        const qty = Number(r.qty);
        return {
          subject: `bin:${r.bin_id}/lot:${r.lot_id}`, level: expired ? 2 : 1,
          kind: expired ? 'stock_expired' : 'stock_expiring', severity: expired ? 'critical' : 'warning',
          message: expired ? `${qty} ${r.sku} lot ${r.lot} in ${r.bin} expired on ${r.expiry}`
            : `${qty} ${r.sku} lot ${r.lot} in ${r.bin} expires on ${r.expiry} (${days === 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${days} days`})`,
          zoneId: Number(r.zone_id),
          details: { binId: Number(r.bin_id), bin: r.bin, sku: r.sku, lot: r.lot, expiry: r.expiry, days, qty },
        };
      });
      // Expired first: when a run raises only some of them one by one, the worst go first.
      candidates.sort((a, b) => b.level - a.level);
      return { candidates, complete };
    },
    summarize(kind, total) {
      return kind === 'stock_expired'
        ? { message: `${total} more stock lines have expired and are still on hand`, details: {} }
        : { message: `${total} more stock lines expire within ${horizonDays} days`, details: { days: horizonDays } };
    },
  };
}
