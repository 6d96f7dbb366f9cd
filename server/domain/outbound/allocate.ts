import { sql, type Kysely, type Transaction } from 'kysely';
import type { AllocationStrategy, DB } from '../../db/schema.ts';
import { inRetriedTransaction } from '../../db/transaction.ts';
import type { Actor } from '../auth/actor.ts';
import { assertWarehouseScope } from '../auth/scope.ts';
import { appendEvent } from '../events.ts';
import { conflict, notFound } from '../errors.ts';
import { addDays, todayUtc } from '../masterdata/lots.ts';
import { effectiveStrategy, orderCandidates, planAllocation, type AllocationCandidate } from './allocation-order.ts';

/** Zones stock may be allocated from, best first (pick faces before reserve storage). */
const PICKABLE_ZONES = ['pick_face', 'storage', 'bulk'] as const;

type OrderRow = { id: number; code: string; status: string; warehouse_id: number; owner_id: number;
  strategy: AllocationStrategy | null; owner_strategy: AllocationStrategy | null; min_shelf_days: number | null };
type LineRow = { id: number; line_no: number; sku_id: number; qty: number; lot_no: string | null;
  strategy: AllocationStrategy | null; allocated_qty: number; picked_qty: number; sku_strategy: AllocationStrategy | null;
  expiry_tracked: boolean; sku_code: string };

export interface LineAllocation { lineNo: number; sku: string; strategy: AllocationStrategy; allocated: number;
  backorder: number }

/**
 * Allocate an order: for each line, reserve available stock in the order its strategy prescribes,
 * with guarded updates (`qty - reserved >= n`), so concurrent allocations never over-reserve and
 * available-to-promise drops at commit. What cannot be found stays as a backorder on the line.
 */
export async function allocateOrder(db: Kysely<DB>, actor: Actor, orderId: number) {
  return inRetriedTransaction(db, async (trx) => {
    const order = await lockOrder(trx, orderId);
    assertWarehouseScope(actor, order.warehouse_id, 'id');
    if (!['open', 'backordered', 'allocated', 'released'].includes(order.status)) {
      throw conflict(`order ${order.code} is ${order.status}: nothing to allocate`, 'id');
    }
    const lines = await orderLines(trx, orderId);
    const result: LineAllocation[] = [];
    for (const line of lines) result.push(await allocateLine(trx, order, line));
    const status = await refreshOrderStatus(trx, order);
    return { orderId, code: order.code, status, lines: result };
  });
}

async function lockOrder(trx: Transaction<DB>, orderId: number): Promise<OrderRow> {
  const order = await trx.selectFrom('outbound_orders as o').innerJoin('owners as ow', 'ow.id', 'o.owner_id')
    .leftJoin('customers as c', 'c.id', 'o.customer_id')
    .select(['o.id', 'o.code', 'o.status', 'o.warehouse_id', 'o.owner_id', 'o.strategy',
      'ow.allocation_strategy as owner_strategy', 'c.min_remaining_shelf_life_days as min_shelf_days'])
    .where('o.id', '=', orderId).forUpdate('o').executeTakeFirst();
  if (!order) throw notFound('id', `no outbound order ${orderId}`);
  return order;
}

async function orderLines(trx: Transaction<DB>, orderId: number, lineId?: number): Promise<LineRow[]> {
  let q = trx.selectFrom('outbound_lines as l').innerJoin('skus as s', 's.id', 'l.sku_id')
    .select(['l.id', 'l.line_no', 'l.sku_id', 'l.qty', 'l.lot_no', 'l.strategy', 'l.allocated_qty', 'l.picked_qty',
      's.allocation_strategy as sku_strategy', 's.expiry_tracked', 's.code as sku_code'])
    .where('l.order_id', '=', orderId);
  if (lineId !== undefined) q = q.where('l.id', '=', lineId);
  return q.orderBy('l.line_no').forUpdate('l').execute();
}

/** Reserve what a line still lacks; returns what was allocated now and the backorder left. */
async function allocateLine(trx: Transaction<DB>, order: OrderRow, line: LineRow,
  exclude: { binIds?: number[] } = {}): Promise<LineAllocation> {
  const strategy = effectiveStrategy({ line: line.strategy, order: order.strategy, owner: order.owner_strategy,
    sku: line.sku_strategy, expiryTracked: line.expiry_tracked });
  let need = line.qty - line.allocated_qty - line.picked_qty;
  let allocated = 0;
  // A guarded reservation can lose a race to another allocation; re-read and go on until nothing is left.
  for (let round = 0; need > 0 && round < 5; round++) {
    const candidates = await loadCandidates(trx, order, line, exclude.binIds ?? []);
    const { plan } = planAllocation(orderCandidates(strategy, candidates), need);
    if (!plan.length) break;
    for (const step of plan) {
      const reserved = await trx.updateTable('stock_balances').set((eb) => ({ reserved: eb('reserved', '+', step.qty) }))
        .where('id', '=', step.candidate.balanceId).where(sql<boolean>`qty - reserved >= ${step.qty}`)
        .returning(['bin_id', 'sku_id', 'lot_id', 'owner_id', 'qty', 'reserved']).executeTakeFirst();
      if (!reserved) continue;
      await trx.insertInto('allocations').values({
        order_id: order.id, line_id: line.id, balance_id: step.candidate.balanceId, bin_id: reserved.bin_id,
        sku_id: reserved.sku_id, lot_id: reserved.lot_id, owner_id: reserved.owner_id, qty: step.qty, strategy,
      }).execute();
      await appendEvent(trx, 'stock.reserved', order.warehouse_id, { binId: reserved.bin_id, skuId: reserved.sku_id,
        lotId: reserved.lot_id, ownerId: reserved.owner_id, status: 'available', reservedDelta: step.qty,
        qty: reserved.qty, reserved: reserved.reserved, orderId: order.id });
      need -= step.qty;
      allocated += step.qty;
    }
  }
  if (allocated > 0) {
    await trx.updateTable('outbound_lines').set((eb) => ({ allocated_qty: eb('allocated_qty', '+', allocated) }))
      .where('id', '=', line.id).execute();
  }
  return { lineNo: line.line_no, sku: line.sku_code, strategy, allocated, backorder: need };
}

/** Eligible stock for a line: available, unreserved, in a pickable zone, the right lot, fresh enough. */
async function loadCandidates(trx: Transaction<DB>, order: OrderRow, line: LineRow, excludeBins: number[]):
  Promise<AllocationCandidate[]> {
  const minExpiry = addDays(todayUtc(), order.min_shelf_days ?? 0);
  let q = trx.selectFrom('stock_balances as sb').innerJoin('bins as b', 'b.id', 'sb.bin_id')
    .innerJoin('zones as z', 'z.id', 'b.zone_id').leftJoin('lots as l', 'l.id', 'sb.lot_id')
    .select(['sb.id as balanceId', 'sb.bin_id as binId', 'sb.lot_id as lotId', 'l.lot_no as lotNo',
      'l.expiry_date as expiry', 'sb.first_receipt_at', 'z.kind', 'b.pick_seq',
      sql<number>`sb.qty - sb.reserved`.as('available')])
    .where('sb.sku_id', '=', line.sku_id).where('sb.owner_id', '=', order.owner_id).where('sb.status', '=', 'available')
    .where(sql<boolean>`sb.qty > sb.reserved`).where('b.warehouse_id', '=', order.warehouse_id)
    .where('b.blocked', '=', false).where('b.frozen', '=', false).where('z.kind', 'in', PICKABLE_ZONES)
    .where((eb) => eb.or([eb('l.expiry_date', 'is', null), eb('l.expiry_date', '>=', minExpiry)]))
    // Bins being counted are left alone until the count says what is really there.
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('tasks as t').select('t.id')
      .whereRef('t.source_bin_id', '=', 'sb.bin_id').where('t.type', '=', 'count')
      .where('t.status', 'in', ['open', 'assigned', 'in_progress']))));
  if (line.lot_no !== null) q = q.where('l.lot_no', '=', line.lot_no);
  if (excludeBins.length) q = q.where('sb.bin_id', 'not in', excludeBins);
  const rows = await q.execute();
  return rows.map((r) => ({
    balanceId: r.balanceId, binId: r.binId, lotId: r.lotId, lotNo: r.lotNo, expiry: r.expiry,
    receivedAt: r.first_receipt_at ? new Date(r.first_receipt_at as unknown as string).toISOString() : null,
    available: Number(r.available), zoneRank: PICKABLE_ZONES.indexOf(r.kind as typeof PICKABLE_ZONES[number]),
    pickSeq: r.pick_seq ?? 0,
  }));
}

/** allocated when nothing is missing, backordered otherwise; released/picked orders keep their state. */
async function refreshOrderStatus(trx: Transaction<DB>, order: OrderRow) {
  const lines = await trx.selectFrom('outbound_lines').select(['qty', 'allocated_qty', 'picked_qty'])
    .where('order_id', '=', order.id).execute();
  const missing = lines.some((l) => l.qty > l.allocated_qty + l.picked_qty);
  if (order.status !== 'open' && order.status !== 'backordered' && order.status !== 'allocated') return order.status;
  const status = missing ? 'backordered' : 'allocated';
  if (status !== order.status) {
    await trx.updateTable('outbound_orders').set({ status }).where('id', '=', order.id).execute();
    await appendEvent(trx, 'outbound.updated', order.warehouse_id, { orderId: order.id, code: order.code, status });
  }
  return status;
}

/**
 * After a short pick: reserve the line's missing quantity elsewhere (never from the bin that came up
 * short). Returns the new allocations' ids so the caller can add pick tasks for them.
 */
export async function reallocateLine(trx: Transaction<DB>, orderId: number, lineId: number, excludeBinId: number) {
  const order = await lockOrder(trx, orderId);
  const [line] = await orderLines(trx, orderId, lineId);
  const before = await trx.selectFrom('allocations').select('id').where('line_id', '=', lineId).execute();
  const result = await allocateLine(trx, order, line!, { binIds: [excludeBinId] });
  const after = await trx.selectFrom('allocations').select('id').where('line_id', '=', lineId)
    .where('id', 'not in', before.length ? before.map((b) => b.id) : [-1]).execute();
  return { ...result, allocationIds: after.map((a) => a.id) };
}

/** Release an allocation's unpicked reservation (cancel, short pick); returns how much was released. */
export async function releaseAllocation(trx: Transaction<DB>, allocationId: number, status: 'cancelled' | 'short') {
  const a = await trx.selectFrom('allocations as a').innerJoin('outbound_orders as o', 'o.id', 'a.order_id')
    .select(['a.id', 'a.qty', 'a.picked_qty', 'a.balance_id', 'a.line_id', 'a.order_id', 'o.warehouse_id'])
    .where('a.id', '=', allocationId).forUpdate('a').executeTakeFirstOrThrow();
  const open = Number(a.qty) - Number(a.picked_qty);
  if (open > 0) {
    const bal = await trx.updateTable('stock_balances').set((eb) => ({ reserved: eb('reserved', '-', open) }))
      .where('id', '=', a.balance_id).returning(['bin_id', 'sku_id', 'lot_id', 'owner_id', 'qty', 'reserved'])
      .executeTakeFirstOrThrow();
    await trx.updateTable('outbound_lines').set((eb) => ({ allocated_qty: eb('allocated_qty', '-', open) }))
      .where('id', '=', a.line_id).execute();
    await appendEvent(trx, 'stock.reserved', a.warehouse_id, { binId: bal.bin_id, skuId: bal.sku_id, lotId: bal.lot_id,
      ownerId: bal.owner_id, status: 'available', reservedDelta: -open, qty: bal.qty, reserved: bal.reserved,
      orderId: a.order_id });
  }
  await trx.updateTable('allocations').set({ status }).where('id', '=', allocationId).execute();
  return open;
}
