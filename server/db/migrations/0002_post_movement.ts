import { sql, type Kysely } from 'kysely';

/**
 * wms_post_movement(p jsonb): the only writer of stock. One call = one round trip = one atomic
 * movement: idempotency check, one guarded statement per balance key in key order (pgledger's
 * recipe: every movement locks rows in the same order, so movements cannot deadlock each other),
 * ledger legs with before/after quantities, and one outbox event, all in the caller's transaction.
 * Gains are upserts, losses are updates that refuse to go below the reserved quantity; no explicit
 * row locks, so a move costs two heap updates that touch no index (HOT), three inserts and the outbox.
 *
 * p = { type, warehouseId, userId, device, docRef, reason, idemKey, requestHash, receivedAt,
 *       legs: [{ binId, skuId, lotId, ownerId, status, delta, counterBinId }] }
 * Returns legs in request order. Errors: WM409 not enough stock (detail = JSON of the leg),
 * WM422 idempotency key reused, WM400 malformed movement.
 */
const postMovement = `
create or replace function wms_post_movement(p jsonb) returns jsonb
language plpgsql
-- Every statement here is a primary-key or unique-key access: the generic plan is always right, and
-- re-planning each statement per call (the default for the first calls and whenever a custom plan
-- looks cheaper) cost more than running it.
set plan_cache_mode = force_generic_plan as $fn$
declare
  v_user bigint := (p->>'userId')::bigint;
  v_key text := p->>'idemKey';
  v_prior record;
  v_movement bigint;
  v_at timestamptz := now();
  v_leg record;
  v_bal record;
  v_received timestamptz;
  v_out jsonb[] := '{}';
  v_legs jsonb;
  v_seq bigint;
  v_result jsonb;
begin
  if jsonb_array_length(coalesce(p->'legs', '[]'::jsonb)) = 0 then
    raise exception using errcode = 'WM400', message = 'a movement needs at least one leg';
  end if;

  if v_key is not null then
    insert into idempotency_keys (user_id, key, request_hash)
      values (coalesce(v_user, 0), v_key, p->>'requestHash')
      on conflict do nothing;
    if not found then
      select request_hash, response into v_prior
        from idempotency_keys where user_id = coalesce(v_user, 0) and key = v_key;
      if v_prior.request_hash is distinct from p->>'requestHash' or v_prior.response is null then
        raise exception using errcode = 'WM422',
          message = 'Idempotency-Key was already used for a different request';
      end if;
      return v_prior.response || jsonb_build_object('replayed', true);
    end if;
  end if;

  -- Stock keeps the receipt time of where it came from (stock age survives moves). A plain read:
  -- it only dates the stock, the guarded writes below decide the quantities. One key lookup per
  -- source leg: a join against the legs would be planned once per session (generic plan), possibly
  -- as a sequential scan while the table was small, and slow down as the table grows.
  for v_leg in
    select * from jsonb_to_recordset(p->'legs') as l("binId" bigint, "skuId" bigint, "lotId" bigint,
      "ownerId" bigint, status text, delta bigint)
    where l.delta < 0
  loop
    v_received := least(v_received, (select b.first_receipt_at from stock_balances b
      where b.bin_id = v_leg."binId" and b.sku_id = v_leg."skuId" and b.lot_key = coalesce(v_leg."lotId", 0)
        and b.owner_id = v_leg."ownerId" and b.status = v_leg.status));
  end loop;
  v_received := coalesce(v_received, (p->>'receivedAt')::timestamptz, v_at);

  insert into movements (type, at, warehouse_id, user_id, device, doc_ref, reason, idem_key)
    values (p->>'type', v_at, (p->>'warehouseId')::bigint, v_user, p->>'device', p->>'docRef',
            p->>'reason', v_key)
    returning id into v_movement;

  for v_leg in
    select * from rows from (jsonb_to_recordset(p->'legs') as ("binId" bigint, "skuId" bigint,
      "lotId" bigint, "ownerId" bigint, status text, delta bigint, "counterBinId" bigint))
      with ordinality as l("binId", "skuId", "lotId", "ownerId", status, delta, "counterBinId", ord)
    order by "binId", "skuId", coalesce("lotId", 0), "ownerId", status
  loop
    if v_leg.delta is null or v_leg.delta = 0 then
      raise exception using errcode = 'WM400', message = 'every leg needs a non-zero delta';
    end if;
    if v_leg.delta > 0 then
      insert into stock_balances as b (bin_id, sku_id, lot_id, owner_id, status, qty, first_receipt_at, updated_at)
        values (v_leg."binId", v_leg."skuId", v_leg."lotId", v_leg."ownerId", v_leg.status, v_leg.delta,
                v_received, v_at)
        on conflict (bin_id, sku_id, lot_key, owner_id, status) do update
          set qty = b.qty + excluded.qty,
              first_receipt_at = case when b.qty > 0 then least(b.first_receipt_at, excluded.first_receipt_at)
                                      else excluded.first_receipt_at end,
              updated_at = excluded.updated_at
        returning b.qty - v_leg.delta as before, b.qty as after, b.reserved into v_bal;
    else
      update stock_balances as b
         set qty = b.qty + v_leg.delta,
             first_receipt_at = case when b.qty + v_leg.delta = 0 then null else b.first_receipt_at end,
             updated_at = v_at
       where b.bin_id = v_leg."binId" and b.sku_id = v_leg."skuId" and b.lot_key = coalesce(v_leg."lotId", 0)
         and b.owner_id = v_leg."ownerId" and b.status = v_leg.status
         and b.qty + v_leg.delta >= b.reserved
      returning b.qty - v_leg.delta as before, b.qty as after, b.reserved into v_bal;
      if not found then
        select qty - reserved as available into v_bal from stock_balances
          where bin_id = v_leg."binId" and sku_id = v_leg."skuId" and lot_key = coalesce(v_leg."lotId", 0)
            and owner_id = v_leg."ownerId" and status = v_leg.status;
        raise exception using errcode = 'WM409',
          message = format('not enough stock: %s requested, %s available', -v_leg.delta, coalesce(v_bal.available, 0)),
          detail = jsonb_build_object('leg', v_leg.ord - 1, 'binId', v_leg."binId", 'skuId', v_leg."skuId",
            'lotId', v_leg."lotId", 'ownerId', v_leg."ownerId", 'status', v_leg.status,
            'requested', -v_leg.delta, 'available', coalesce(v_bal.available, 0))::text;
      end if;
    end if;
    v_out := v_out || jsonb_build_object('ord', v_leg.ord, 'binId', v_leg."binId", 'skuId', v_leg."skuId",
      'lotId', v_leg."lotId", 'ownerId', v_leg."ownerId", 'status', v_leg.status, 'delta', v_leg.delta,
      'counterBinId', v_leg."counterBinId", 'qtyBefore', v_bal.before, 'qtyAfter', v_bal.after,
      'reserved', v_bal.reserved);
  end loop;

  -- All legs of the movement in one insert, in request order.
  insert into ledger_entries (movement_id, at, type, bin_id, sku_id, lot_id, owner_id, status,
                              qty_delta, qty_before, qty_after, counter_bin_id)
    select v_movement, v_at, p->>'type', (o->>'binId')::bigint, (o->>'skuId')::bigint, (o->>'lotId')::bigint,
           (o->>'ownerId')::bigint, o->>'status', (o->>'delta')::bigint, (o->>'qtyBefore')::bigint,
           (o->>'qtyAfter')::bigint, (o->>'counterBinId')::bigint
      from unnest(v_out) as o order by (o->>'ord')::int;
  select jsonb_agg(o - 'ord' - 'counterBinId' order by (o->>'ord')::int) into v_legs from unnest(v_out) as o;

  insert into outbox (type, warehouse_id, payload)
    values ('stock.changed', (p->>'warehouseId')::bigint, jsonb_build_object(
      'movementId', v_movement, 'type', p->>'type', 'at', v_at, 'docRef', p->>'docRef',
      'userId', v_user, 'legs', v_legs))
    returning seq into v_seq;

  v_result := jsonb_build_object('movementId', v_movement, 'type', p->>'type', 'at', v_at,
    'seq', v_seq, 'legs', v_legs);
  if v_key is not null then
    update idempotency_keys set response = v_result, status_code = 200
      where user_id = coalesce(v_user, 0) and key = v_key;
  end if;
  return v_result;
end
$fn$`;

/**
 * wms_stock_context(...): everything a stock command needs to validate and authorise, in one round
 * trip: the bins (zone, warehouse, blocked), the SKU, lot and owner by code, and the SKU's balances
 * in the source bin. A PL/pgSQL function so the server keeps its plans (an ad-hoc query of this size
 * costs more to plan than to run).
 */
const stockContext = `
create or replace function wms_stock_context(p_bins text[], p_sku text, p_lot text, p_owner text,
  p_stock_bin text) returns jsonb
language plpgsql stable
-- The subqueries are cheap to run but costly to plan; a custom plan per call cost ~0.7 ms.
set plan_cache_mode = force_generic_plan as $fn$
declare
  v_sku record;
  v_result jsonb;
begin
  select id, code, name, lot_tracked, expiry_tracked, shelf_life_days into v_sku from skus where code = p_sku;
  select jsonb_build_object(
    'bins', (select coalesce(jsonb_agg(jsonb_build_object('id', b.id, 'code', b.code, 'warehouse_id', b.warehouse_id,
               'zone_id', b.zone_id, 'blocked', b.blocked)), '[]'::jsonb)
               from bins b where b.code = any(p_bins)),
    'sku', case when v_sku.id is null then null else jsonb_build_object('id', v_sku.id, 'code', v_sku.code,
             'name', v_sku.name, 'lot_tracked', v_sku.lot_tracked, 'expiry_tracked', v_sku.expiry_tracked,
             'shelf_life_days', v_sku.shelf_life_days) end,
    'lot', (select jsonb_build_object('id', l.id, 'lot_no', l.lot_no, 'expiry_date', l.expiry_date,
              'mfg_date', l.mfg_date) from lots l where l.sku_id = v_sku.id and l.lot_no = p_lot),
    'owner', (select jsonb_build_object('id', o.id, 'code', o.code) from owners o where o.code = p_owner),
    'stock', (select coalesce(jsonb_agg(jsonb_build_object('bin_id', sb.bin_id, 'lot_id', sb.lot_id,
                'lot_no', l.lot_no, 'expiry_date', l.expiry_date, 'owner_id', sb.owner_id, 'owner_code', o.code,
                'status', sb.status, 'qty', sb.qty, 'reserved', sb.reserved)
                order by l.expiry_date nulls last, l.lot_no), '[]'::jsonb)
                from stock_balances sb
                join owners o on o.id = sb.owner_id
                left join lots l on l.id = sb.lot_id
               where sb.bin_id = (select id from bins where code = p_stock_bin) and sb.sku_id = v_sku.id
                 and sb.qty > 0))
    into v_result;
  return v_result;
end
$fn$`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(postMovement).execute(db);
  await sql.raw(stockContext).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop function if exists wms_stock_context(text[], text, text, text, text)').execute(db);
  await sql.raw('drop function if exists wms_post_movement(jsonb)').execute(db);
}
