import { sql, type Kysely } from 'kysely';

/**
 * wms_post_movement(p jsonb): the only writer of stock. One call = one round trip = one atomic
 * movement: idempotency check, balance rows locked in key order (pgledger's recipe: no deadlocks
 * between movements), guarded updates (never below zero, never into reserved stock), ledger legs
 * with before/after quantities, and one outbox event, all in the caller's transaction.
 *
 * p = { type, warehouseId, userId, device, docRef, reason, idemKey, requestHash, receivedAt,
 *       legs: [{ binId, skuId, lotId, ownerId, status, delta, counterBinId }] }
 * Errors: WM409 not enough stock (detail = JSON of the leg), WM422 idempotency key reused.
 */
const postMovement = `
create or replace function wms_post_movement(p jsonb) returns jsonb
language plpgsql as $fn$
declare
  v_user bigint := (p->>'userId')::bigint;
  v_key text := p->>'idemKey';
  v_prior record;
  v_movement bigint;
  v_at timestamptz := now();
  v_leg record;
  v_bal record;
  v_received timestamptz;
  v_new_receipt timestamptz;
  v_legs jsonb := '[]'::jsonb;
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

  -- Phase 1: create missing target rows and lock every row of the movement in key order.
  for v_leg in
    select * from jsonb_to_recordset(p->'legs') as l("binId" bigint, "skuId" bigint, "lotId" bigint,
      "ownerId" bigint, status text, delta bigint, "counterBinId" bigint)
    order by "binId", "skuId", coalesce("lotId", 0), "ownerId", status
  loop
    if v_leg.delta > 0 then
      insert into stock_balances (bin_id, sku_id, lot_id, owner_id, status)
        values (v_leg."binId", v_leg."skuId", v_leg."lotId", v_leg."ownerId", v_leg.status)
        on conflict do nothing;
    end if;
    select first_receipt_at into v_bal from stock_balances
      where bin_id = v_leg."binId" and sku_id = v_leg."skuId" and lot_key = coalesce(v_leg."lotId", 0)
        and owner_id = v_leg."ownerId" and status = v_leg.status
      for update;
    -- Stock keeps the receipt date of where it came from (stock age survives moves).
    if v_leg.delta < 0 and found then
      v_received := least(v_received, v_bal.first_receipt_at);
    end if;
  end loop;
  v_new_receipt := coalesce(v_received, (p->>'receivedAt')::timestamptz, v_at);

  insert into movements (type, at, warehouse_id, user_id, device, doc_ref, reason, idem_key)
    values (p->>'type', v_at, (p->>'warehouseId')::bigint, v_user, p->>'device', p->>'docRef',
            p->>'reason', v_key)
    returning id into v_movement;

  -- Phase 2: guarded updates and ledger legs, in request order.
  for v_leg in
    select * from rows from (jsonb_to_recordset(p->'legs') as ("binId" bigint, "skuId" bigint,
      "lotId" bigint, "ownerId" bigint, status text, delta bigint, "counterBinId" bigint))
      with ordinality as l("binId", "skuId", "lotId", "ownerId", status, delta, "counterBinId", ord)
    order by ord
  loop
    update stock_balances
       set qty = qty + v_leg.delta,
           first_receipt_at = case
             when qty + v_leg.delta = 0 then null
             when v_leg.delta > 0 then least(case when qty > 0 then first_receipt_at end, v_new_receipt)
             else first_receipt_at end,
           updated_at = v_at
     where bin_id = v_leg."binId" and sku_id = v_leg."skuId" and lot_key = coalesce(v_leg."lotId", 0)
       and owner_id = v_leg."ownerId" and status = v_leg.status
       and qty + v_leg.delta >= reserved
    returning qty - v_leg.delta as before, qty as after, reserved into v_bal;
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
    insert into ledger_entries (movement_id, at, type, bin_id, sku_id, lot_id, owner_id, status,
                                qty_delta, qty_before, qty_after, counter_bin_id)
      values (v_movement, v_at, p->>'type', v_leg."binId", v_leg."skuId", v_leg."lotId", v_leg."ownerId",
              v_leg.status, v_leg.delta, v_bal.before, v_bal.after, v_leg."counterBinId");
    v_legs := v_legs || jsonb_build_object('binId', v_leg."binId", 'skuId', v_leg."skuId",
      'lotId', v_leg."lotId", 'ownerId', v_leg."ownerId", 'status', v_leg.status, 'delta', v_leg.delta,
      'qtyBefore', v_bal.before, 'qtyAfter', v_bal.after, 'reserved', v_bal.reserved);
  end loop;

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

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(postMovement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop function if exists wms_post_movement(jsonb)').execute(db);
}
