import { sql, type Kysely } from 'kysely';

/**
 * wms_move(p jsonb): a stock move in one round trip, for the common case only. It resolves the codes,
 * checks the actor's scope, and when everything is plainly in order (both bins exist in one warehouse,
 * target not blocked, exactly one balance of the SKU in the source matches, enough unreserved stock)
 * posts the move through wms_post_movement. In any other case it returns null and writes nothing: the
 * service then takes its ordinary path, which owns every refusal and its message. So the rules that say
 * "no" live in one place (TypeScript); this function only ever says "yes" early.
 *
 * p = movement header fields (userId, device, docRef, reason, idemKey, requestHash)
 *     + { fromBin, toBin, sku, lot?, owner?, status?, qty?, scope: null | { w: [warehouse ids], z: [zone ids] } }
 * Returns wms_post_movement's result plus { lotNo, ownerCode } of the moved stock, or null.
 */
const fastMove = `
create or replace function wms_move(p jsonb) returns jsonb
language plpgsql
set plan_cache_mode = force_generic_plan as $fn$
declare
  v_from record;
  v_to record;
  v_sku bigint;
  v_lot bigint;
  v_owner bigint;
  v_row record;
  v_pick record;
  v_n int := 0;
  v_qty bigint;
  v_scope jsonb := nullif(p->'scope', 'null'::jsonb);
  v_result jsonb;
begin
  select id, warehouse_id, zone_id into v_from from bins where code = p->>'fromBin';
  if not found then return null; end if;
  select id, warehouse_id, zone_id, blocked into v_to from bins where code = p->>'toBin';
  if not found or v_to.blocked or v_to.id = v_from.id or v_to.warehouse_id <> v_from.warehouse_id then
    return null;
  end if;
  if v_scope is not null and not (
       (v_scope->'w' @> to_jsonb(v_from.warehouse_id) or v_scope->'z' @> to_jsonb(v_from.zone_id))
   and (v_scope->'w' @> to_jsonb(v_to.warehouse_id) or v_scope->'z' @> to_jsonb(v_to.zone_id))) then
    return null;
  end if;
  select id into v_sku from skus where code = p->>'sku';
  if not found then return null; end if;
  if p->>'lot' is not null then
    select id into v_lot from lots where sku_id = v_sku and lot_no = p->>'lot';
    if not found then return null; end if;
  end if;
  if p->>'owner' is not null then
    select id into v_owner from owners where code = p->>'owner';
    if not found then return null; end if;
  end if;
  for v_row in
    select sb.lot_id, sb.owner_id, sb.status, sb.qty - sb.reserved as available
      from stock_balances sb
     where sb.bin_id = v_from.id and sb.sku_id = v_sku and sb.qty > 0
       and (v_lot is null or sb.lot_id = v_lot) and (v_owner is null or sb.owner_id = v_owner)
       and (p->>'status' is null or sb.status = p->>'status')
     limit 2
  loop
    v_n := v_n + 1;
    v_pick := v_row;
  end loop;
  if v_n <> 1 then return null; end if;
  v_qty := coalesce((p->>'qty')::bigint, v_pick.available);
  if v_qty <= 0 or v_qty > v_pick.available then return null; end if;

  v_result := wms_post_movement(p || jsonb_build_object('type', 'move', 'warehouseId', v_from.warehouse_id,
    'legs', jsonb_build_array(
      jsonb_build_object('binId', v_from.id, 'skuId', v_sku, 'lotId', v_pick.lot_id, 'ownerId', v_pick.owner_id,
        'status', v_pick.status, 'delta', -v_qty, 'counterBinId', v_to.id),
      jsonb_build_object('binId', v_to.id, 'skuId', v_sku, 'lotId', v_pick.lot_id, 'ownerId', v_pick.owner_id,
        'status', v_pick.status, 'delta', v_qty, 'counterBinId', v_from.id))));
  return v_result || jsonb_build_object(
    'lotNo', (select lot_no from lots where id = v_pick.lot_id),
    'ownerCode', (select code from owners where id = v_pick.owner_id));
end
$fn$`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(fastMove).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop function if exists wms_move(jsonb)').execute(db);
}
