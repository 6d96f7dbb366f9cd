import { sql, type Kysely } from 'kysely';

/**
 * wms_move_batch(p jsonb): many plain stock moves in one statement, one round trip and one commit.
 *
 * The service gathers moves that arrive while earlier ones are in flight (group commit, see
 * server/domain/inventory/move-batch.ts) and posts them here together. One statement costs one executor
 * start-up, one snapshot and one WAL flush for the whole batch, where a move each costs all of them per
 * move: on PostgreSQL that fixed part was most of a move's server time.
 *
 * It does what wms_move does for each move, set-wise: resolve the codes, check the actor's scope, refuse
 * frozen and blocked bins, find exactly one matching balance with enough unreserved stock, then take it
 * from the source (guarded update), add it to the target (upsert), write the movement, its two ledger
 * legs and its outbox event. A move it cannot do plainly (unknown code, out of scope, several matching
 * balances, not enough stock, a balance another move of the batch touches ...) is simply left out of
 * the result and nothing is written for it: the service then takes its ordinary path for that move,
 * which owns every refusal and its wording. As in wms_move, the rules that say "no" live in TypeScript;
 * for the commonest refusals (no such stock in the bin, too little of it) the answer carries the facts
 * the ordinary path would read, so the service can word the refusal without a second round trip.
 *
 * Two moves of one batch never touch the same (bin, SKU): such a move is left out (an UPDATE can change a
 * row once per statement, and an upsert cannot change a row another part of the statement changed).
 * The outbox seq of a move is drawn after both its balance rows are locked (j joins the results of the
 * update and the upsert), so a balance's changes still get seqs in commit order (see 0009_stream).
 *
 * p = [{ ord, fromBin, toBin, sku, lot?, owner?, status?, qty?, userId, device?, docRef?, reason?,
 *        scope: null | { w: [warehouse ids], z: [zone ids] }, idemKey?, requestHash? }, ...]
 * A move with an Idempotency-Key records its result under the key, as wms_post_movement does.
 * Returns { made: [[ord, movementId, seq, at, fromBinId, toBinId, skuId, lotId, ownerId, status, qty, fromBefore,
 * fromAfter, fromReserved, toBefore, toAfter, toReserved, lotNo, ownerCode], ...], unmet: [[ord, balances,
 * available], ...] }: the moves it made, and the facts behind the plainest refusals (no stock, too little).
 */
export const moveBatchFunction = `
create or replace function wms_move_batch(p jsonb) returns json
language plpgsql
set plan_cache_mode = force_generic_plan
-- A batch is a handful of moves, but the planner guesses 100 rows for jsonb_to_recordset and would hash-join
-- whole tables: every lookup here is a key lookup.
set enable_hashjoin = off set enable_mergejoin = off set enable_seqscan = off as $fn$
declare
  v_result json;
begin
  with m as (
    select * from jsonb_to_recordset(p) as m(ord int, "fromBin" text, "toBin" text, sku text, lot text,
      owner text, status text, qty bigint, "userId" bigint, device text, "docRef" text, reason text, scope jsonb,
      "idemKey" text, "requestHash" text)
  ),
  r as (
    select m.*, f.id as from_id, f.warehouse_id, t.id as to_id, s.id as sku_id, l.id as want_lot,
           o.id as want_owner
      from m
      -- Each bin by its code (offset 0 keeps the planner from joining the two bins by warehouse instead).
      cross join lateral (select * from bins where code = m."fromBin" offset 0) f
      cross join lateral (select * from bins where code = m."toBin" offset 0) t
      join skus s on s.code = m.sku
      left join lots l on m.lot is not null and l.sku_id = s.id and l.lot_no = m.lot
      left join owners o on m.owner is not null and o.code = m.owner
     where not f.frozen and not t.frozen and not t.blocked and t.id <> f.id and t.warehouse_id = f.warehouse_id
       and (m.lot is null or l.id is not null) and (m.owner is null or o.id is not null)
       -- A key seen before is a replay (or a misuse): the single-move path answers it.
       and (m."idemKey" is null or not exists (select 1 from idempotency_keys k
             where k.user_id = coalesce(m."userId", 0) and k.key = m."idemKey"))
       and (m.scope is null or m.scope = 'null'::jsonb or (
             (m.scope->'w' @> to_jsonb(f.warehouse_id) or m.scope->'z' @> to_jsonb(f.zone_id))
         and (m.scope->'w' @> to_jsonb(t.warehouse_id) or m.scope->'z' @> to_jsonb(t.zone_id))))
  ),
  -- The balances each move could mean (qty > 0, as wms_stock_context reads them): how many, and the first.
  c0 as (
    select r.*, b.id as bal_id, b.lot_id, b.owner_id, b.status as st, b.first_receipt_at as received,
           coalesce(b.n, 0) as n, b.available, coalesce(r.qty, b.available) as q
      from r left join lateral (
        select sb.id, sb.lot_id, sb.owner_id, sb.status, sb.qty - sb.reserved as available, sb.first_receipt_at,
               count(*) over () as n
          from stock_balances sb
         where sb.bin_id = r.from_id and sb.sku_id = r.sku_id and sb.qty > 0
           and (r.want_lot is null or sb.lot_id = r.want_lot)
           and (r.want_owner is null or sb.owner_id = r.want_owner)
           and (r.status is null or sb.status = r.status)
         limit 1) b on true
  ),
  c as (
    select * from c0 where n = 1 and q between 1 and available
  ),
  ok as (
    select c.* from c
     where not exists (select 1 from c c2 where c2.ord <> c.ord and c2.sku_id = c.sku_id
                          and (c2.from_id in (c.from_id, c.to_id) or c2.to_id in (c.from_id, c.to_id)))
  ),
  -- Lock every existing balance row the batch will change in key order, as wms_post_movement does, so a
  -- batch and any other movement do not deadlock over them (the update and upsert below find them locked);
  -- new balance rows are then created in key order too.
  lk as (
    select b.id
      from (select from_id as bin_id, sku_id, coalesce(lot_id, 0) as lot_key, owner_id, st from ok
            union all
            select to_id, sku_id, coalesce(lot_id, 0), owner_id, st from ok) l
      join stock_balances b on b.bin_id = l.bin_id and b.sku_id = l.sku_id and b.lot_key = l.lot_key
       and b.owner_id = l.owner_id and b.status = l.st
     order by b.bin_id, b.sku_id, b.lot_key, b.owner_id, b.status
       for update of b
  ),
  src as (
    update stock_balances b
       set qty = b.qty - ok.q,
           first_receipt_at = case when b.qty - ok.q = 0 then null else b.first_receipt_at end,
           updated_at = now()
      from ok
       -- (the count only makes lk run, and take its locks, before the first update)
     where b.id = ok.bal_id and b.qty - b.reserved >= ok.q and (select count(*) from lk) >= 0
    returning ok.ord, b.qty + ok.q as before, b.qty as after, b.reserved
  ),
  dst as (
    insert into stock_balances as b (bin_id, sku_id, lot_id, owner_id, status, qty, reserved, first_receipt_at,
                                     updated_at)
    select ok.to_id, ok.sku_id, ok.lot_id, ok.owner_id, ok.st, ok.q, 0, coalesce(ok.received, now()), now()
      from ok join src on src.ord = ok.ord
     order by ok.to_id, ok.sku_id, coalesce(ok.lot_id, 0), ok.owner_id, ok.st
    on conflict (bin_id, sku_id, lot_key, owner_id, status) do update
      set qty = b.qty + excluded.qty,
          first_receipt_at = case when b.qty > 0 then least(b.first_receipt_at, excluded.first_receipt_at)
                                  else excluded.first_receipt_at end,
          updated_at = excluded.updated_at
    returning b.bin_id, b.sku_id, b.qty as after, b.reserved
  ),
  j as (
    select ok.*, src.before as from_before, src.after as from_after, src.reserved as from_reserved,
           dst.after - ok.q as to_before, dst.after as to_after, dst.reserved as to_reserved,
           nextval('movements_id_seq') as mid, nextval('outbox_seq_seq') as oseq
      from ok
      join src on src.ord = ok.ord
      join dst on dst.bin_id = ok.to_id and dst.sku_id = ok.sku_id
  ),
  e as (
    select j.ord, j.mid, j.oseq, j.warehouse_id, j."userId", j."idemKey", j."requestHash", jsonb_build_object(
             'movementId', j.mid, 'type', 'move', 'at', now(), 'docRef', j."docRef", 'userId', j."userId",
             'legs', jsonb_build_array(
               jsonb_build_object('binId', j.from_id, 'skuId', j.sku_id, 'lotId', j.lot_id, 'ownerId', j.owner_id,
                 'status', j.st, 'delta', -j.q, 'qtyBefore', j.from_before, 'qtyAfter', j.from_after,
                 'reserved', j.from_reserved),
               jsonb_build_object('binId', j.to_id, 'skuId', j.sku_id, 'lotId', j.lot_id, 'ownerId', j.owner_id,
                 'status', j.st, 'delta', j.q, 'qtyBefore', j.to_before, 'qtyAfter', j.to_after,
                 'reserved', j.to_reserved))) as payload
      from j
  ),
  -- What wms_post_movement would store under an Idempotency-Key (only keyed moves pay for building it).
  a as (
    select e."userId", e."idemKey", e."requestHash",
           e.payload - 'docRef' - 'userId' || jsonb_build_object('seq', e.oseq) as answer
      from e where e."idemKey" is not null
  ),
  mv as (
    insert into movements (id, type, at, warehouse_id, user_id, device, doc_ref, reason, idem_key)
    overriding system value
    select mid, 'move', now(), warehouse_id, "userId", device, "docRef", reason, "idemKey" from j
  ),
  led as (
    insert into ledger_entries (movement_id, at, type, bin_id, sku_id, lot_id, owner_id, status,
                                qty_delta, qty_before, qty_after, counter_bin_id)
    select j.mid, now(), 'move', x.bin_id, j.sku_id, j.lot_id, j.owner_id, j.st, x.delta, x.before, x.after,
           x.counter
      from j cross join lateral (values
        (1, j.from_id, -j.q, j.from_before, j.from_after, j.to_id),
        (2, j.to_id, j.q, j.to_before, j.to_after, j.from_id)) as x(leg, bin_id, delta, before, after, counter)
     order by j.mid, x.leg
  ),
  ob as (
    insert into outbox (seq, type, warehouse_id, payload) overriding system value
    select oseq, 'stock.changed', warehouse_id, payload from e
  ),
  -- What wms_post_movement would have stored under the key. A concurrent request with the same key makes
  -- this insert fail, and with it the whole batch: its moves then take the single-move path.
  ik as (
    insert into idempotency_keys (user_id, key, request_hash, status_code, response)
    select coalesce("userId", 0), "idemKey", "requestHash", 200, answer from a
  )
  -- The caller's answer: one compact row per move made (see BatchRow in move-batch.ts; plain json is built as
  -- text, where a jsonb object per move is packed and unpacked at every step), and for each move that found no
  -- balance, or one without enough unreserved stock, what it found: [ord, balances, available]. The service
  -- words that refusal itself, without reading again.
  select json_build_object(
    'made', coalesce(json_agg(json_build_array(j.ord, j.mid, j.oseq, now(), j.from_id, j.to_id, j.sku_id, j.lot_id,
           j.owner_id, j.st, j.q, j.from_before, j.from_after, j.from_reserved, j.to_before, j.to_after,
           j.to_reserved, (select lot_no from lots where id = j.lot_id),
           (select code from owners where id = j.owner_id))), '[]'::json),
    'unmet', (select coalesce(json_agg(json_build_array(c0.ord, c0.n, c0.available)), '[]'::json) from c0
               where c0.n = 0 or (c0.n = 1 and c0.q not between 1 and c0.available)))
    into v_result
    from j;
  return v_result;
end
$fn$`;

export async function up(db: Kysely<any>): Promise<void> {
  // The function names the identity sequences: make sure they are the ones it thinks.
  const { rows } = await sql<{ m: string | null; o: string | null }>`
    select pg_get_serial_sequence('movements', 'id') as m, pg_get_serial_sequence('outbox', 'seq') as o`.execute(db);
  if (rows[0]?.m !== 'public.movements_id_seq' || rows[0]?.o !== 'public.outbox_seq_seq') {
    throw new Error(`0012: unexpected identity sequences ${JSON.stringify(rows[0])}`);
  }
  await sql.raw('drop function if exists wms_move_batch(jsonb)').execute(db);
  await sql.raw(moveBatchFunction).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop function if exists wms_move_batch(jsonb)').execute(db);
}
