import { sql, type Kysely } from 'kysely';

/**
 * The daily work of a warehouse on the core: tasks, inbound orders and receipts, QC, outbound orders,
 * allocations (reservations on stock_balances), waves, pick lists, cartons and shipments.
 *
 * Stock still changes only through wms_post_movement; it now also moves reservations with a leg
 * (`reservedDelta`), so a pick consumes the reservation it picks and the staged stock stays
 * reserved for its order until it ships.
 */
const statements = [
  // Allocation strategy: per order line / order, else owner, else SKU, else FEFO for expiry-tracked SKUs, FIFO otherwise.
  `alter table skus add column allocation_strategy text check (allocation_strategy in ('fifo','lifo','fefo'))`,
  `alter table owners add column allocation_strategy text check (allocation_strategy in ('fifo','lifo','fefo'))`,
  // Receiving tolerance: how far above the expected quantity a line may be received, in percent.
  `alter table suppliers add column over_receipt_pct int not null default 0 check (over_receipt_pct between 0 and 100)`,

  // Every physical step is a task. zone_id is where the work happens (scope checks); assignee is an
  // operator or an AGV. ref_* name the document that caused it.
  `create table tasks (
     id bigint generated always as identity primary key,
     warehouse_id bigint not null references warehouses,
     zone_id bigint references zones,
     type text not null check (type in ('putaway','pick','replenish','count','move','qc')),
     status text not null default 'open' check (status in ('open','assigned','in_progress','done','cancelled')),
     priority int not null default 50 check (priority between 0 and 100),
     assignee_user_id bigint references users,
     assignee_agv text,
     source_bin_id bigint references bins,
     target_bin_id bigint references bins,
     sku_id bigint references skus,
     lot_id bigint references lots,
     owner_id bigint references owners,
     stock_status text check (stock_status in ('available','qc','hold','damaged')),
     qty bigint check (qty > 0),
     done_qty bigint not null default 0 check (done_qty >= 0),
     ref_type text,
     ref_id bigint,
     pick_list_id bigint,
     seq int,
     details jsonb not null default '{}'::jsonb,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     done_at timestamptz)`,
  `create index tasks_open on tasks (warehouse_id, priority desc, id) where status in ('open','assigned','in_progress')`,
  `create index tasks_ref on tasks (ref_type, ref_id)`,
  `create index tasks_pick_list on tasks (pick_list_id, seq) where pick_list_id is not null`,
  `create index tasks_source_bin on tasks (source_bin_id) where status in ('open','assigned','in_progress')`,
  `create index tasks_target_bin on tasks (target_bin_id) where status in ('open','assigned','in_progress')`,

  // ---------------------------------------------------------------- inbound
  `create table inbound_orders (
     id bigint generated always as identity primary key,
     warehouse_id bigint not null references warehouses,
     code text not null,
     type text not null check (type in ('purchase','return','transfer_in','production')),
     status text not null default 'open' check (status in ('open','receiving','closed','cancelled')),
     owner_id bigint not null references owners,
     supplier_id bigint references suppliers,
     customer_id bigint references customers,
     blind boolean not null default false,
     over_receipt_pct int not null default 0 check (over_receipt_pct between 0 and 100),
     expected_at timestamptz,
     dock_bin_id bigint references bins,
     created_by bigint,
     created_at timestamptz not null default now(),
     closed_at timestamptz,
     unique (warehouse_id, code))`,
  `create table inbound_lines (
     id bigint generated always as identity primary key,
     order_id bigint not null references inbound_orders on delete cascade,
     line_no int not null check (line_no > 0),
     sku_id bigint not null references skus,
     expected_qty bigint not null check (expected_qty >= 0),
     received_qty bigint not null default 0 check (received_qty >= 0),
     lot_no text,
     expiry_date date,
     unique (order_id, line_no))`,
  `create table receipts (
     id bigint generated always as identity primary key,
     order_id bigint not null references inbound_orders,
     line_id bigint not null references inbound_lines,
     bin_id bigint not null references bins,
     sku_id bigint not null references skus,
     lot_id bigint references lots,
     owner_id bigint not null references owners,
     status text not null check (status in ('available','qc')),
     qty bigint not null check (qty > 0),
     serial text,
     scan text,
     movement_id bigint not null,
     user_id bigint,
     at timestamptz not null default now())`,
  `create index receipts_order on receipts (order_id)`,
  `create table inbound_discrepancies (
     id bigint generated always as identity primary key,
     order_id bigint not null references inbound_orders,
     line_id bigint not null references inbound_lines,
     expected_qty bigint not null,
     received_qty bigint not null,
     kind text not null check (kind in ('short','over','unexpected')),
     note text,
     created_at timestamptz not null default now())`,
  `create table qc_inspections (
     id bigint generated always as identity primary key,
     warehouse_id bigint not null references warehouses,
     receipt_id bigint references receipts,
     task_id bigint references tasks,
     bin_id bigint not null references bins,
     sku_id bigint not null references skus,
     lot_id bigint references lots,
     owner_id bigint not null references owners,
     qty bigint not null check (qty > 0),
     status text not null default 'open' check (status in ('open','done')),
     result text check (result in ('pass','fail','partial')),
     passed_qty bigint,
     failed_qty bigint,
     disposition text check (disposition in ('quarantine','damaged')),
     note text,
     inspected_by bigint,
     created_at timestamptz not null default now(),
     done_at timestamptz)`,

  // ---------------------------------------------------------------- outbound
  `create table outbound_orders (
     id bigint generated always as identity primary key,
     warehouse_id bigint not null references warehouses,
     code text not null,
     type text not null check (type in ('sales','issue','transfer_out')),
     status text not null default 'open' check (status in ('open','allocated','backordered','released','picked',
       'packed','shipped','cancelled')),
     owner_id bigint not null references owners,
     customer_id bigint references customers,
     strategy text check (strategy in ('fifo','lifo','fefo')),
     carrier text,
     cutoff_at timestamptz,
     priority int not null default 50 check (priority between 0 and 100),
     wave_id bigint,
     staging_bin_id bigint references bins,
     created_by bigint,
     created_at timestamptz not null default now(),
     shipped_at timestamptz,
     unique (warehouse_id, code))`,
  `create index outbound_orders_status on outbound_orders (warehouse_id, status)`,
  `create table outbound_lines (
     id bigint generated always as identity primary key,
     order_id bigint not null references outbound_orders on delete cascade,
     line_no int not null check (line_no > 0),
     sku_id bigint not null references skus,
     qty bigint not null check (qty > 0),
     lot_no text,
     strategy text check (strategy in ('fifo','lifo','fefo')),
     allocated_qty bigint not null default 0 check (allocated_qty >= 0),
     picked_qty bigint not null default 0 check (picked_qty >= 0),
     shipped_qty bigint not null default 0 check (shipped_qty >= 0),
     short_qty bigint not null default 0 check (short_qty >= 0),
     unique (order_id, line_no),
     check (allocated_qty + picked_qty <= qty))`,
  // An allocation reserves qty of one balance (its key is copied: balances are never deleted).
  `create table allocations (
     id bigint generated always as identity primary key,
     order_id bigint not null references outbound_orders,
     line_id bigint not null references outbound_lines,
     balance_id bigint not null references stock_balances,
     bin_id bigint not null references bins,
     sku_id bigint not null references skus,
     lot_id bigint references lots,
     owner_id bigint not null references owners,
     qty bigint not null check (qty > 0),
     picked_qty bigint not null default 0 check (picked_qty >= 0),
     status text not null default 'open' check (status in ('open','picked','short','cancelled')),
     strategy text not null,
     created_at timestamptz not null default now())`,
  `create index allocations_line on allocations (line_id)`,
  `create index allocations_open_bin on allocations (bin_id) where status = 'open'`,
  `create table waves (
     id bigint generated always as identity primary key,
     warehouse_id bigint not null references warehouses,
     code text not null,
     mode text not null check (mode in ('order','batch','zone')),
     status text not null default 'released' check (status in ('released','picking','picked','cancelled')),
     criteria jsonb not null default '{}'::jsonb,
     created_by bigint,
     created_at timestamptz not null default now(),
     unique (warehouse_id, code))`,
  `create table pick_lists (
     id bigint generated always as identity primary key,
     wave_id bigint not null references waves,
     warehouse_id bigint not null references warehouses,
     zone_id bigint references zones,
     mode text not null,
     status text not null default 'open' check (status in ('open','in_progress','done','cancelled')),
     orders bigint[] not null,
     totes jsonb not null default '{}'::jsonb,
     start_node text,
     end_node text,
     route_method text,
     distance_m double precision,
     assignee_user_id bigint references users,
     created_at timestamptz not null default now())`,
  `create table cartons (
     id bigint generated always as identity primary key,
     order_id bigint not null references outbound_orders,
     code text not null unique,
     weight_kg double precision not null check (weight_kg > 0),
     length_m double precision, width_m double precision, height_m double precision,
     contents jsonb not null,
     packed_by bigint,
     packed_at timestamptz not null default now())`,
  `create table shipments (
     id bigint generated always as identity primary key,
     order_id bigint not null references outbound_orders unique,
     carrier text not null,
     tracking_no text not null,
     cartons int not null,
     weight_kg double precision not null,
     movement_id bigint,
     shipped_by bigint,
     shipped_at timestamptz not null default now())`,
];

/**
 * wms_post_movement with reservations: a leg may carry `reservedDelta` (signed). A pick leg takes
 * qty and its reservation together (delta -n, reservedDelta -n); the staging leg reserves what it
 * receives for the same order (delta +n, reservedDelta +n). The guard is unchanged in spirit: a loss
 * may never eat into stock that stays reserved.
 */
export const postMovementFunction = `
create or replace function wms_post_movement(p jsonb) returns jsonb
language plpgsql
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
      "lotId" bigint, "ownerId" bigint, status text, delta bigint, "counterBinId" bigint, "reservedDelta" bigint))
      with ordinality as l("binId", "skuId", "lotId", "ownerId", status, delta, "counterBinId", "reservedDelta", ord)
    order by "binId", "skuId", coalesce("lotId", 0), "ownerId", status
  loop
    if v_leg.delta is null or v_leg.delta = 0 then
      raise exception using errcode = 'WM400', message = 'every leg needs a non-zero delta';
    end if;
    if v_leg.delta > 0 then
      if coalesce(v_leg."reservedDelta", 0) < 0 or coalesce(v_leg."reservedDelta", 0) > v_leg.delta then
        raise exception using errcode = 'WM400', message = 'a gain may reserve between 0 and its delta';
      end if;
      insert into stock_balances as b (bin_id, sku_id, lot_id, owner_id, status, qty, reserved, first_receipt_at,
                                       updated_at)
        values (v_leg."binId", v_leg."skuId", v_leg."lotId", v_leg."ownerId", v_leg.status, v_leg.delta,
                coalesce(v_leg."reservedDelta", 0), v_received, v_at)
        on conflict (bin_id, sku_id, lot_key, owner_id, status) do update
          set qty = b.qty + excluded.qty,
              reserved = b.reserved + excluded.reserved,
              first_receipt_at = case when b.qty > 0 then least(b.first_receipt_at, excluded.first_receipt_at)
                                      else excluded.first_receipt_at end,
              updated_at = excluded.updated_at
        returning b.qty - v_leg.delta as before, b.qty as after, b.reserved into v_bal;
    else
      if coalesce(v_leg."reservedDelta", 0) > 0 or coalesce(v_leg."reservedDelta", 0) < v_leg.delta then
        raise exception using errcode = 'WM400', message = 'a loss may release between 0 and its delta of reservation';
      end if;
      update stock_balances as b
         set qty = b.qty + v_leg.delta,
             reserved = b.reserved + coalesce(v_leg."reservedDelta", 0),
             first_receipt_at = case when b.qty + v_leg.delta = 0 then null else b.first_receipt_at end,
             updated_at = v_at
       where b.bin_id = v_leg."binId" and b.sku_id = v_leg."skuId" and b.lot_key = coalesce(v_leg."lotId", 0)
         and b.owner_id = v_leg."ownerId" and b.status = v_leg.status
         and b.reserved + coalesce(v_leg."reservedDelta", 0) >= 0
         and b.qty + v_leg.delta >= b.reserved + coalesce(v_leg."reservedDelta", 0)
      returning b.qty - v_leg.delta as before, b.qty as after, b.reserved into v_bal;
      if not found then
        select qty - reserved as available, reserved into v_bal from stock_balances
          where bin_id = v_leg."binId" and sku_id = v_leg."skuId" and lot_key = coalesce(v_leg."lotId", 0)
            and owner_id = v_leg."ownerId" and status = v_leg.status;
        raise exception using errcode = 'WM409',
          message = format('not enough stock: %s requested, %s available', -v_leg.delta,
            coalesce(v_bal.available, 0) - coalesce(v_leg."reservedDelta", 0)),
          detail = jsonb_build_object('leg', v_leg.ord - 1, 'binId', v_leg."binId", 'skuId', v_leg."skuId",
            'lotId', v_leg."lotId", 'ownerId', v_leg."ownerId", 'status', v_leg.status,
            'requested', -v_leg.delta,
            'available', coalesce(v_bal.available, 0) - coalesce(v_leg."reservedDelta", 0))::text;
      end if;
    end if;
    v_out := v_out || jsonb_build_object('ord', v_leg.ord, 'binId', v_leg."binId", 'skuId', v_leg."skuId",
      'lotId', v_leg."lotId", 'ownerId', v_leg."ownerId", 'status', v_leg.status, 'delta', v_leg.delta,
      'counterBinId', v_leg."counterBinId", 'qtyBefore', v_bal.before, 'qtyAfter', v_bal.after,
      'reserved', v_bal.reserved);
  end loop;

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

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
  await sql.raw(postMovementFunction).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['shipments', 'cartons', 'pick_lists', 'waves', 'allocations', 'outbound_lines',
    'outbound_orders', 'qc_inspections', 'inbound_discrepancies', 'receipts', 'inbound_lines', 'inbound_orders',
    'tasks']) {
    await sql.raw(`drop table if exists ${table} cascade`).execute(db);
  }
  await sql.raw('alter table suppliers drop column if exists over_receipt_pct').execute(db);
  await sql.raw('alter table owners drop column if exists allocation_strategy').execute(db);
  await sql.raw('alter table skus drop column if exists allocation_strategy').execute(db);
}
