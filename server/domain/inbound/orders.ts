import type { Kysely } from 'kysely';
import type { DB, InboundType } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import type { Actor } from '../auth/actor.ts';
import { assertWarehouseScope, assertWarehouseVisible, whereWarehouseVisible } from '../auth/scope.ts';
import { appendEvent } from '../events.ts';
import { closeTransfer } from '../transfers/transfers.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import {
  firstBinOfKind, requireBin, requireCustomer, requireOwner, requireSku, requireSupplier, requireWarehouse, type SkuRow,
} from '../masterdata/lookup.ts';
import { pageRows } from '../paging.ts';

export interface InboundLineInput { sku: string; qty: number; lot?: string; expiry?: string }

export interface InboundOrderInput {
  warehouse: string;
  code: string;
  type: InboundType;
  owner: string;
  supplier?: string;
  customer?: string;
  /** Receive whatever arrives, without checking against expected lines. */
  blind?: boolean;
  /** Over-receipt tolerance in percent; default: the supplier's, else 0. */
  overReceiptPct?: number;
  expectedAt?: string;
  /** Where received stock lands; default the first dock, else staging, bin of the warehouse. */
  dockBin?: string;
  lines: InboundLineInput[];
}

export const RECEIVING_ZONE_KINDS = ['dock', 'staging', 'qc'] as const;

/** An ASN: expected lines that receiving will check scans against. */
export async function createInboundOrder(db: Kysely<DB>, actor: Actor, input: InboundOrderInput) {
  const wh = await requireWarehouse(db, input.warehouse);
  assertWarehouseScope(actor, wh.id, 'warehouse');
  if (!input.blind && input.lines.length === 0) throw badInput('lines', 'an inbound order needs at least one line (or blind: true)');
  if (input.type === 'return' && !input.customer) throw badInput('customer', 'a customer return names the customer');
  if (input.type === 'purchase' && !input.supplier) throw badInput('supplier', 'a purchase order names the supplier');
  const owner = await requireOwner(db, input.owner);
  const supplier = input.supplier ? await requireSupplier(db, input.supplier) : undefined;
  const customer = input.customer ? await requireCustomer(db, input.customer) : undefined;
  const dock = input.dockBin
    ? await requireBin(db, input.dockBin, 'dockBin', { warehouseId: wh.id, kinds: RECEIVING_ZONE_KINDS })
    : await firstBinOfKind(db, wh.id, ['dock', 'staging']);
  if (!dock) throw conflict(`warehouse ${wh.code} has no dock or staging bin to receive into`, 'dockBin');
  const skus: SkuRow[] = [];
  for (const [i, line] of input.lines.entries()) skus.push(await requireSku(db, line.sku, `lines[${i}].sku`));
  const existing = await db.selectFrom('inbound_orders').select('id').where('warehouse_id', '=', wh.id)
    .where('code', '=', input.code).executeTakeFirst();
  if (existing) throw conflict(`inbound order ${input.code} already exists in ${wh.code}`, 'code');

  const id = await inTransaction(db, async (trx) => {
    const order = await trx.insertInto('inbound_orders').values({
      warehouse_id: wh.id, code: input.code, type: input.type, owner_id: owner.id, supplier_id: supplier?.id ?? null,
      customer_id: customer?.id ?? null, blind: input.blind ?? false,
      over_receipt_pct: input.overReceiptPct ?? supplier?.over_receipt_pct ?? 0,
      expected_at: input.expectedAt ?? null, dock_bin_id: dock.id, created_by: actor.userId || null, closed_at: null,
    }).returning('id').executeTakeFirstOrThrow();
    if (input.lines.length) {
      await trx.insertInto('inbound_lines').values(input.lines.map((l, i) => ({
        order_id: order.id, line_no: i + 1, sku_id: skus[i]!.id, expected_qty: l.qty, lot_no: l.lot ?? null,
        expiry_date: l.expiry ?? null,
      }))).execute();
    }
    await appendEvent(trx, 'inbound.updated', wh.id, { orderId: order.id, code: input.code, status: 'open' });
    return order.id;
  });
  return getInboundOrder(db, actor, id);
}

export async function getInboundOrder(db: Kysely<DB>, actor: Actor, id: number) {
  const order = await db.selectFrom('inbound_orders as o').innerJoin('warehouses as w', 'w.id', 'o.warehouse_id')
    .innerJoin('owners as ow', 'ow.id', 'o.owner_id').leftJoin('suppliers as s', 's.id', 'o.supplier_id')
    .leftJoin('customers as c', 'c.id', 'o.customer_id').leftJoin('bins as b', 'b.id', 'o.dock_bin_id')
    .select(['o.id', 'o.code', 'o.type', 'o.status', 'o.blind', 'o.over_receipt_pct', 'o.expected_at', 'o.created_at',
      'o.closed_at', 'o.warehouse_id', 'w.code as warehouse', 'ow.code as owner', 's.code as supplier',
      'c.code as customer', 'b.code as dock_bin'])
    .where('o.id', '=', id).executeTakeFirst();
  if (!order) throw notFound('id', `no inbound order ${id}`);
  await assertWarehouseVisible(db, actor, order.warehouse_id, 'id');
  const lines = await db.selectFrom('inbound_lines as l').innerJoin('skus as s', 's.id', 'l.sku_id')
    .select(['l.id', 'l.line_no', 's.code as sku', 's.name as sku_name', 'l.expected_qty', 'l.received_qty', 'l.lot_no',
      'l.expiry_date']).where('l.order_id', '=', id).orderBy('l.line_no').execute();
  const discrepancies = await db.selectFrom('inbound_discrepancies').select(['line_id', 'kind', 'expected_qty',
    'received_qty', 'note', 'created_at']).where('order_id', '=', id).orderBy('id').execute();
  return { ...order, lines, discrepancies };
}

export async function listInboundOrders(db: Kysely<DB>, actor: Actor, f: { warehouse?: string; status?: string;
  limit: number; offset: number }) {
  let q = db.selectFrom('inbound_orders as o').innerJoin('warehouses as w', 'w.id', 'o.warehouse_id')
    .select(['o.id', 'o.code', 'o.type', 'o.status', 'w.code as warehouse', 'o.expected_at', 'o.created_at']);
  if (f.warehouse) q = q.where('w.code', '=', f.warehouse);
  if (f.status) q = q.where('o.status', '=', f.status as never);
  q = whereWarehouseVisible(q, actor, 'o.warehouse_id');
  return pageRows(db, q.orderBy('o.id', 'desc'), f);
}

/**
 * Close receiving: every line that came short (or over, within tolerance) gets a discrepancy record;
 * nothing more can be received.
 */
export async function closeInboundOrder(db: Kysely<DB>, actor: Actor, id: number, note?: string) {
  await inTransaction(db, async (trx) => {
    const order = await trx.selectFrom('inbound_orders').select(['id', 'status', 'warehouse_id', 'code', 'type'])
      .where('id', '=', id).forUpdate().executeTakeFirst();
    if (!order) throw notFound('id', `no inbound order ${id}`);
    assertWarehouseScope(actor, order.warehouse_id, 'id');
    if (order.status === 'closed' || order.status === 'cancelled') throw conflict(`inbound order ${order.code} is ${order.status}`, 'id');
    const lines = await trx.selectFrom('inbound_lines').select(['id', 'expected_qty', 'received_qty'])
      .where('order_id', '=', id).execute();
    const off = lines.filter((l) => l.received_qty !== l.expected_qty);
    if (off.length) {
      await trx.insertInto('inbound_discrepancies').values(off.map((l) => ({
        order_id: id, line_id: l.id, expected_qty: l.expected_qty, received_qty: l.received_qty,
        kind: l.expected_qty === 0 ? 'unexpected' as const : l.received_qty < l.expected_qty ? 'short' as const : 'over' as const,
        note: note ?? null,
      }))).execute();
    }
    await trx.updateTable('inbound_orders').set({ status: 'closed', closed_at: new Date() }).where('id', '=', id).execute();
    if (order.type === 'transfer_in') await closeTransfer(trx, id);
    await appendEvent(trx, 'inbound.updated', order.warehouse_id, { orderId: id, code: order.code, status: 'closed',
      discrepancies: off.length });
  });
  return getInboundOrder(db, actor, id);
}
