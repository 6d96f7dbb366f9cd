import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../auth/actor.ts';
import { assertWarehouseVisible } from '../auth/scope.ts';
import { appendEvent } from '../events.ts';
import { notFound } from '../errors.ts';
import { pageRows } from '../paging.ts';

/**
 * Stock between warehouses. The transfer-out order is an ordinary outbound order; these functions
 * hook its creation and shipping, and the receiving of the transfer-in order that shipping creates.
 */

export async function openTransfer(db: Kysely<DB>, order: { id: number; code: string; warehouseId: number },
  toWarehouseId: number) {
  await db.insertInto('transfers').values({ code: `TR-${order.code}`, from_warehouse_id: order.warehouseId,
    to_warehouse_id: toWarehouseId, outbound_order_id: order.id, inbound_order_id: null, shipped_at: null,
    received_at: null }).execute();
}

export interface ShippedStock { sku_id: number; lot_id: number | null; owner_id: number; qty: number }

/**
 * The transfer-out left: its stock is now in transit (the transfer's lines), and the destination gets
 * a transfer-in order expecting exactly what was shipped, lot by lot.
 */
export async function shipTransfer(db: Kysely<DB>, order: { id: number; code: string; owner_id: number },
  shipped: ShippedStock[]) {
  const transfer = await db.selectFrom('transfers').selectAll().where('outbound_order_id', '=', order.id)
    .executeTakeFirstOrThrow();
  await db.insertInto('transfer_lines').values(shipped.map((s) => ({ transfer_id: transfer.id, sku_id: s.sku_id,
    lot_id: s.lot_id, owner_id: s.owner_id, qty_shipped: s.qty }))).execute();
  const dock = await db.selectFrom('bins as b').innerJoin('zones as z', 'z.id', 'b.zone_id').select('b.id')
    .where('b.warehouse_id', '=', transfer.to_warehouse_id).where('z.kind', 'in', ['dock', 'staging'])
    .where('b.blocked', '=', false).orderBy('z.kind').orderBy('b.pick_seq').limit(1).executeTakeFirst();
  const inbound = await db.insertInto('inbound_orders').values({ warehouse_id: transfer.to_warehouse_id,
    code: transfer.code, type: 'transfer_in', owner_id: order.owner_id, supplier_id: null, customer_id: null,
    blind: false, over_receipt_pct: 0, expected_at: null, dock_bin_id: dock?.id ?? null, created_by: null,
    closed_at: null }).returning('id').executeTakeFirstOrThrow();
  const lots = await db.selectFrom('lots').select(['id', 'lot_no', 'expiry_date'])
    .where('id', 'in', [...shipped.map((s) => s.lot_id ?? -1), -1]).execute();
  await db.insertInto('inbound_lines').values(shipped.map((s, i) => {
    const lot = lots.find((l) => l.id === s.lot_id);
    return { order_id: inbound.id, line_no: i + 1, sku_id: s.sku_id, expected_qty: s.qty, lot_no: lot?.lot_no ?? null,
      expiry_date: lot?.expiry_date ?? null };
  })).execute();
  await db.updateTable('transfers').set({ status: 'in_transit', shipped_at: new Date(), inbound_order_id: inbound.id })
    .where('id', '=', transfer.id).execute();
  const payload = { transferId: transfer.id, code: transfer.code, status: 'in_transit', from: transfer.from_warehouse_id,
    to: transfer.to_warehouse_id, inboundOrderId: inbound.id };
  await appendEvent(db, 'inbound.updated', transfer.to_warehouse_id, { orderId: inbound.id, code: transfer.code,
    status: 'open', transfer: payload });
  return { transferId: transfer.id, code: transfer.code, inboundOrderId: inbound.id };
}

/** A transfer-in receipt takes its quantity out of transit. */
export async function receiveFromTransit(db: Kysely<DB>, inboundOrderId: number, skuId: number, lotId: number | null,
  qty: number) {
  const transfer = await db.selectFrom('transfers').select('id').where('inbound_order_id', '=', inboundOrderId)
    .executeTakeFirst();
  if (!transfer) return;
  let left = qty;
  const lines = await db.selectFrom('transfer_lines').selectAll().where('transfer_id', '=', transfer.id)
    .where('sku_id', '=', skuId).orderBy('id').forUpdate().execute();
  for (const line of lines.filter((l) => l.lot_id === lotId)) {
    if (left <= 0) break;
    const take = Math.min(left, Number(line.qty_shipped) - Number(line.qty_received));
    if (take <= 0) continue;
    await db.updateTable('transfer_lines').set((eb) => ({ qty_received: eb('qty_received', '+', take) }))
      .where('id', '=', line.id).execute();
    left -= take;
  }
}

/** Closing the transfer-in order ends the transfer; what never arrived is in its discrepancies. */
export async function closeTransfer(db: Kysely<DB>, inboundOrderId: number) {
  await db.updateTable('transfers').set({ status: 'received', received_at: new Date() })
    .where('inbound_order_id', '=', inboundOrderId).execute();
}

/** Stock in transit per SKU, destination and owner (for available-to-promise and the twin). */
export async function inTransit(db: Kysely<DB>, skuId: number) {
  const rows = await db.selectFrom('transfer_lines as l').innerJoin('transfers as t', 't.id', 'l.transfer_id')
    .innerJoin('warehouses as f', 'f.id', 't.from_warehouse_id').innerJoin('warehouses as w', 'w.id', 't.to_warehouse_id')
    .innerJoin('owners as o', 'o.id', 'l.owner_id')
    .select(['t.code as transfer', 'f.code as from', 'w.code as to', 'o.code as owner',
      (eb) => eb.fn.sum<number>(eb('l.qty_shipped', '-', eb.ref('l.qty_received'))).as('qty')])
    .where('l.sku_id', '=', skuId).where('t.status', '=', 'in_transit')
    .groupBy(['t.code', 'f.code', 'w.code', 'o.code']).execute();
  return rows.map((r) => ({ ...r, qty: Number(r.qty) })).filter((r) => r.qty > 0);
}

export async function getTransfer(db: Kysely<DB>, actor: Actor, id: number) {
  const t = await db.selectFrom('transfers as t').innerJoin('warehouses as f', 'f.id', 't.from_warehouse_id')
    .innerJoin('warehouses as w', 'w.id', 't.to_warehouse_id')
    .innerJoin('outbound_orders as o', 'o.id', 't.outbound_order_id')
    .select(['t.id', 't.code', 't.status', 't.shipped_at', 't.received_at', 't.from_warehouse_id', 'f.code as from',
      'w.code as to', 'o.code as outbound_order', 't.outbound_order_id', 't.inbound_order_id'])
    .where('t.id', '=', id).executeTakeFirst();
  if (!t) throw notFound('id', `no transfer ${id}`);
  await assertWarehouseVisible(db, actor, t.from_warehouse_id, 'id');
  const lines = await db.selectFrom('transfer_lines as l').innerJoin('skus as s', 's.id', 'l.sku_id')
    .leftJoin('lots as lt', 'lt.id', 'l.lot_id').innerJoin('owners as o', 'o.id', 'l.owner_id')
    .select(['s.code as sku', 'lt.lot_no as lot', 'o.code as owner', 'l.qty_shipped', 'l.qty_received'])
    .where('l.transfer_id', '=', id).orderBy('l.id').execute();
  return { ...t, lines: lines.map((l) => ({ ...l, inTransit: t.status === 'in_transit' ? l.qty_shipped - l.qty_received : 0 })) };
}

export async function listTransfers(db: Kysely<DB>, f: { status?: string; limit: number; offset: number }) {
  let q = db.selectFrom('transfers as t').innerJoin('warehouses as f', 'f.id', 't.from_warehouse_id')
    .innerJoin('warehouses as w', 'w.id', 't.to_warehouse_id')
    .select(['t.id', 't.code', 't.status', 'f.code as from', 'w.code as to', 't.shipped_at', 't.received_at']);
  if (f.status) q = q.where('t.status', '=', f.status as never);
  return pageRows(db, q.orderBy('t.id', 'desc'), f);
}
