import type { Kysely } from 'kysely';
import type { AllocationStrategy, DB, OutboundType } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import type { Actor } from '../auth/actor.ts';
import { assertWarehouseScope, assertWarehouseVisible, whereWarehouseVisible } from '../auth/scope.ts';
import { appendEvent } from '../events.ts';
import { openTransfer } from '../transfers/transfers.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { requireCustomer, requireOwner, requireSku, requireWarehouse, type SkuRow } from '../masterdata/lookup.ts';
import { pageRows } from '../paging.ts';

export interface OutboundLineInput { sku: string; qty: number; lot?: string; strategy?: AllocationStrategy }

export interface OutboundOrderInput {
  warehouse: string;
  code: string;
  type: OutboundType;
  owner: string;
  customer?: string;
  strategy?: AllocationStrategy;
  carrier?: string;
  cutoffAt?: string;
  priority?: number;
  /** transfer_out: the warehouse receiving the stock. */
  toWarehouse?: string;
  lines: OutboundLineInput[];
}

export async function createOutboundOrder(db: Kysely<DB>, actor: Actor, input: OutboundOrderInput) {
  const wh = await requireWarehouse(db, input.warehouse);
  assertWarehouseScope(actor, wh.id, 'warehouse');
  if (input.type === 'sales' && !input.customer) throw badInput('customer', 'a sales order names the customer');
  if ((input.type === 'transfer_out') !== (input.toWarehouse !== undefined)) {
    throw badInput('toWarehouse', input.type === 'transfer_out' ? 'a transfer-out names the receiving warehouse'
      : 'only a transfer-out has a receiving warehouse');
  }
  const dest = input.toWarehouse ? await requireWarehouse(db, input.toWarehouse, 'toWarehouse') : undefined;
  if (dest && dest.id === wh.id) throw badInput('toWarehouse', 'must differ from the shipping warehouse');
  const owner = await requireOwner(db, input.owner);
  const customer = input.customer ? await requireCustomer(db, input.customer) : undefined;
  const skus: SkuRow[] = [];
  for (const [i, line] of input.lines.entries()) {
    const sku = await requireSku(db, line.sku, `lines[${i}].sku`);
    if (line.lot !== undefined) {
      const lot = await db.selectFrom('lots').select('id').where('sku_id', '=', sku.id).where('lot_no', '=', line.lot)
        .executeTakeFirst();
      if (!lot) throw notFound(`lines[${i}].lot`, `SKU ${sku.code} has no lot ${line.lot}`);
    }
    skus.push(sku);
  }
  const existing = await db.selectFrom('outbound_orders').select('id').where('warehouse_id', '=', wh.id)
    .where('code', '=', input.code).executeTakeFirst();
  if (existing) throw conflict(`outbound order ${input.code} already exists in ${wh.code}`, 'code');
  const id = await inTransaction(db, async (trx) => {
    const order = await trx.insertInto('outbound_orders').values({
      warehouse_id: wh.id, code: input.code, type: input.type, owner_id: owner.id, customer_id: customer?.id ?? null,
      strategy: input.strategy ?? null, carrier: input.carrier ?? null, cutoff_at: input.cutoffAt ?? null,
      priority: input.priority ?? 50, wave_id: null, staging_bin_id: null, created_by: actor.userId || null,
      shipped_at: null, dest_warehouse_id: dest?.id ?? null,
    }).returning('id').executeTakeFirstOrThrow();
    if (dest) await openTransfer(trx, { id: order.id, code: input.code, warehouseId: wh.id }, dest.id);
    await trx.insertInto('outbound_lines').values(input.lines.map((l, i) => ({
      order_id: order.id, line_no: i + 1, sku_id: skus[i]!.id, qty: l.qty, lot_no: l.lot ?? null,
      strategy: l.strategy ?? null,
    }))).execute();
    await appendEvent(trx, 'outbound.updated', wh.id, { orderId: order.id, code: input.code, status: 'open' });
    return order.id;
  });
  return getOutboundOrder(db, actor, id);
}

export async function getOutboundOrder(db: Kysely<DB>, actor: Actor, id: number) {
  const order = await db.selectFrom('outbound_orders as o').innerJoin('warehouses as w', 'w.id', 'o.warehouse_id')
    .innerJoin('owners as ow', 'ow.id', 'o.owner_id').leftJoin('customers as c', 'c.id', 'o.customer_id')
    .leftJoin('waves as wv', 'wv.id', 'o.wave_id').leftJoin('bins as sb', 'sb.id', 'o.staging_bin_id')
    .leftJoin('warehouses as dw', 'dw.id', 'o.dest_warehouse_id')
    .select(['o.id', 'o.code', 'o.type', 'o.status', 'o.strategy', 'o.carrier', 'o.cutoff_at', 'o.priority',
      'o.created_at', 'o.shipped_at', 'o.warehouse_id', 'w.code as warehouse', 'ow.code as owner', 'c.code as customer',
      'wv.code as wave', 'sb.code as staging_bin', 'dw.code as to_warehouse'])
    .where('o.id', '=', id).executeTakeFirst();
  if (!order) throw notFound('id', `no outbound order ${id}`);
  await assertWarehouseVisible(db, actor, order.warehouse_id, 'id');
  const lines = await db.selectFrom('outbound_lines as l').innerJoin('skus as s', 's.id', 'l.sku_id')
    .select(['l.id', 'l.line_no', 's.code as sku', 's.name as sku_name', 'l.qty', 'l.lot_no', 'l.strategy',
      'l.allocated_qty', 'l.picked_qty', 'l.shipped_qty', 'l.short_qty'])
    .where('l.order_id', '=', id).orderBy('l.line_no').execute();
  const allocations = await db.selectFrom('allocations as a').innerJoin('bins as b', 'b.id', 'a.bin_id')
    .innerJoin('outbound_lines as l', 'l.id', 'a.line_id').leftJoin('lots as lt', 'lt.id', 'a.lot_id')
    .select(['a.id', 'l.line_no', 'b.code as bin', 'lt.lot_no as lot', 'lt.expiry_date as expiry', 'a.qty',
      'a.picked_qty', 'a.status', 'a.strategy'])
    .where('a.order_id', '=', id).orderBy('a.id').execute();
  const cartons = await db.selectFrom('cartons').select(['code', 'weight_kg', 'contents']).where('order_id', '=', id)
    .orderBy('id').execute();
  const shipment = await db.selectFrom('shipments').select(['carrier', 'tracking_no', 'cartons', 'weight_kg',
    'shipped_at']).where('order_id', '=', id).executeTakeFirst();
  return { ...order, lines: lines.map((l) => ({ ...l, backorder: l.qty - l.allocated_qty - l.picked_qty })),
    allocations, cartons, shipment: shipment ?? null };
}

export async function listOutboundOrders(db: Kysely<DB>, actor: Actor, f: { warehouse?: string; status?: string;
  limit: number; offset: number }) {
  let q = db.selectFrom('outbound_orders as o').innerJoin('warehouses as w', 'w.id', 'o.warehouse_id')
    .select(['o.id', 'o.code', 'o.type', 'o.status', 'w.code as warehouse', 'o.carrier', 'o.cutoff_at', 'o.priority',
      'o.created_at']);
  if (f.warehouse) q = q.where('w.code', '=', f.warehouse);
  if (f.status) q = q.where('o.status', '=', f.status as never);
  q = whereWarehouseVisible(q, actor, 'o.warehouse_id');
  return pageRows(db, q.orderBy('o.id', 'desc'), f);
}
