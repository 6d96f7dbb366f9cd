import { sql } from 'kysely';
import { limited, type AlertCandidate, type AlertCheck, CHECK_ROW_LIMIT } from './check.ts';

/**
 * Stock below min: a pick face (bin and SKU with a replenishment min, server/domain/replenishment) whose free
 * stock (available qty - reserved) is below its min while no replenishment task is open for it, so nothing is
 * on its way ('face_below_min', level 1); empty, nothing free at all, is worse ('face_empty', level 2). A face
 * with an open replenishment task is being looked after and raises nothing.
 */
export function belowMinCheck(): AlertCheck {
  return {
    condition: 'below_min',
    async run({ db, warehouseId }) {
      const { rows } = await sql<{ face_id: number; bin_id: number; bin: string; zone_id: number; sku: string;
        min_qty: number; max_qty: number; free: string | number }>`
        with faces as (
          -- Free stock computed once per face, then filtered on.
          select pf.id as face_id, pf.bin_id, b.code as bin, b.zone_id, b.pick_seq, s.code as sku, pf.min_qty, pf.max_qty,
                 coalesce((select sum(sb.qty - sb.reserved) from stock_balances sb
                            where sb.bin_id = pf.bin_id and sb.sku_id = pf.sku_id and sb.status = 'available'), 0)::int8 as free
            from pick_faces pf
            join bins b on b.id = pf.bin_id
            join skus s on s.id = pf.sku_id
           where b.warehouse_id = ${warehouseId}
             and not exists (select 1 from tasks t where t.type = 'replenish' and t.ref_type = 'pick_face'
                              and t.ref_id = pf.id and t.status in ('open', 'assigned', 'in_progress')))
        select face_id, bin_id, bin, zone_id, sku, min_qty, max_qty, free
          from faces
         where free < min_qty
         order by pick_seq nulls last, bin, sku
         limit ${CHECK_ROW_LIMIT + 1}`.execute(db);
      const { rows: faces, complete } = limited(rows);
      const candidates = faces.map((r): AlertCandidate => {
        const free = Number(r.free);
        const empty = free <= 0;
        return {
          subject: `face:${r.face_id}`, level: empty ? 2 : 1, kind: empty ? 'face_empty' : 'face_below_min',
          severity: empty ? 'critical' : 'warning',
          message: empty ? `pick face ${r.bin} has no free ${r.sku} (min ${r.min_qty}) and no replenishment is open`
            : `pick face ${r.bin}: ${free} ${r.sku} free, below min ${r.min_qty}, and no replenishment is open`,
          zoneId: Number(r.zone_id),
          details: { binId: Number(r.bin_id), bin: r.bin, sku: r.sku, faceId: Number(r.face_id), free, min: r.min_qty,
            max: r.max_qty },
        };
      });
      candidates.sort((a, b) => b.level - a.level);
      return { candidates, complete };
    },
    summarize(kind, total) {
      return kind === 'face_empty'
        ? { message: `${total} more pick faces are empty with no replenishment open`, details: {} }
        : { message: `${total} more pick faces are below min with no replenishment open`, details: {} };
    },
  };
}
