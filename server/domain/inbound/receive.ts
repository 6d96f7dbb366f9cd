import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { inRetriedTransaction } from '../../db/transaction.ts';
import { assertMayActIn, type Actor } from '../auth/actor.ts';
import { appendEvent, raiseAlert } from '../events.ts';
import { badInput, conflict, notFound, unprocessable } from '../errors.ts';
import { postMovement } from '../inventory/post-movement.ts';
import { resolveItemScan } from '../masterdata/item-scan.ts';
import { addDays, daysBetween, ensureLot, todayUtc } from '../masterdata/lots.ts';
import { requireBin, type SkuRow } from '../masterdata/lookup.ts';
import { createTask } from '../tasks/tasks.ts';
import { planPutaway } from '../putaway/putaway.ts';
import { receiveFromTransit } from '../transfers/transfers.ts';
import { RECEIVING_ZONE_KINDS } from './orders.ts';

export interface ReceiveInput {
  /** SKU code, GTIN, or a GS1-128 / DataMatrix string (lot, expiry, count are read from it). */
  scan: string;
  /** In scanned units (a case barcode counts cases); default the GS1 count, else 1. */
  qty?: number;
  lot?: string;
  expiry?: string;
  mfgDate?: string;
  serial?: string;
  /** Receive into this dock/staging/QC bin instead of the order's dock bin. */
  bin?: string;
  /** Customer returns only: restock (available, put away), qc (inspect first) or scrap (written off at once). */
  disposition?: 'restock' | 'qc' | 'scrap';
}


/**
 * Receive one scan against an inbound order: identify the item, check it against the expected lines
 * (unexpected SKU and over-receipt beyond tolerance are refused unless the order is blind), capture lot
 * and expiry (refusing expired or too-short-dated lots), post the receipt to the dock bin as QC or
 * available stock, and create the next task: a QC inspection or a putaway.
 */
export async function receive(db: Kysely<DB>, actor: Actor, orderId: number, input: ReceiveInput) {
  const item = await resolveItemScan(db, input.scan, 'scan');
  const sku = item.sku;
  const scannedQty = input.qty ?? item.count ?? 1;
  if (!Number.isInteger(scannedQty) || scannedQty <= 0) throw badInput('qty', 'must be a positive integer');
  const qty = scannedQty * item.unitFactor;
  if (input.lot !== undefined && item.lot !== undefined && input.lot !== item.lot) {
    throw badInput('lot', `the scan says lot ${item.lot}, the form says ${input.lot}`);
  }
  if (input.expiry !== undefined && item.expiry !== undefined && input.expiry !== item.expiry) {
    throw badInput('expiry', `the scan says expiry ${item.expiry}, the form says ${input.expiry}`);
  }
  const lotNo = input.lot ?? item.lot;
  const mfgDate = input.mfgDate ?? item.productionDate;
  let expiry = input.expiry ?? item.expiry;
  if (!expiry && mfgDate && sku.shelf_life_days) expiry = addDays(mfgDate, sku.shelf_life_days);
  if (!expiry && lotNo) {
    // A lot the warehouse knows already (a transfer, a return) carries its expiry.
    const known = await db.selectFrom('lots').select('expiry_date').where('sku_id', '=', sku.id)
      .where('lot_no', '=', lotNo).executeTakeFirst();
    expiry = known?.expiry_date ?? undefined;
  }
  if (sku.lot_tracked && !lotNo) throw badInput('lot', `SKU ${sku.code} is lot-tracked: scan or enter the lot number`);
  if (sku.expiry_tracked && !expiry) {
    throw badInput('expiry', `SKU ${sku.code} is expiry-tracked: scan or enter the expiry date of lot ${lotNo}`);
  }
  // Returned goods on their way to scrap may be as old as they like.
  const checkShelfLife = input.disposition !== 'scrap';
  if (expiry && checkShelfLife) assertShelfLife(sku, lotNo ?? '-', expiry);

  return inRetriedTransaction(db, async (trx) => {
    const order = await trx.selectFrom('inbound_orders as o').leftJoin('suppliers as s', 's.id', 'o.supplier_id')
      .select(['o.id', 'o.code', 'o.status', 'o.type', 'o.warehouse_id', 'o.owner_id', 'o.blind', 'o.over_receipt_pct',
        'o.dock_bin_id', 's.requires_qc as supplier_qc'])
      .where('o.id', '=', orderId).forUpdate('o').executeTakeFirst();
    if (!order) throw notFound('id', `no inbound order ${orderId}`);
    if (order.status === 'closed' || order.status === 'cancelled') {
      throw conflict(`inbound order ${order.code} is ${order.status}`, 'id');
    }
    if (order.type === 'return' && !input.disposition) {
      throw badInput('disposition', 'a customer return says what becomes of it: restock, qc or scrap');
    }
    if (order.type !== 'return' && input.disposition) {
      throw badInput('disposition', 'only customer returns take a disposition');
    }
    const bin = input.bin
      ? await requireBin(trx, input.bin, 'bin', { warehouseId: order.warehouse_id, kinds: RECEIVING_ZONE_KINDS })
      : await trx.selectFrom('bins').select(['id', 'code', 'warehouse_id', 'zone_id', 'blocked'])
        .where('id', '=', order.dock_bin_id!).executeTakeFirstOrThrow();
    assertMayActIn(actor, bin, 'bin');
    if (bin.blocked) throw conflict(`${bin.code} is blocked`, 'bin');

    const line = await matchLine(trx, order, sku, lotNo, qty);
    const lot = lotNo ? await ensureLot(trx, { ...sku, lot_tracked: true }, { lotNo, expiryDate: expiry, mfgDate },
      { expiryField: 'expiry' }) : null;
    if (lot && expiry && lot.expiry_date && lot.expiry_date !== expiry) {
      throw badInput('expiry', `lot ${lot.lot_no} is already known with expiry ${lot.expiry_date}`);
    }
    if (lot?.expiry_date && checkShelfLife) assertShelfLife(sku, lot.lot_no, lot.expiry_date);
    const status = receiptStatus(order, sku.requires_qc, input.disposition);

    const movement = await postMovement(trx, actor, {
      type: order.type === 'transfer_in' ? 'transfer_in' : 'receipt', warehouseId: order.warehouse_id, docRef: order.code,
      reason: `receipt line ${line.line_no}`,
      labels: [`${sku.code} into ${bin.code}`],
      legCodes: [{ bin: bin.code, sku: sku.code, lot: lot?.lot_no ?? null }],
      legs: [{ binId: bin.id, skuId: sku.id, lotId: lot?.id ?? null, ownerId: order.owner_id, status, delta: qty }],
    });
    const receipt = await trx.insertInto('receipts').values({
      order_id: order.id, line_id: line.id, bin_id: bin.id, sku_id: sku.id, lot_id: lot?.id ?? null,
      owner_id: order.owner_id, status, qty, serial: input.serial ?? item.serial ?? null, scan: input.scan,
      movement_id: movement.movementId, user_id: actor.userId || null, disposition: input.disposition ?? null,
    }).returning('id').executeTakeFirstOrThrow();
    if (order.type === 'transfer_in') await receiveFromTransit(trx, order.id, sku.id, lot?.id ?? null, qty);
    await trx.updateTable('inbound_lines').set((eb) => ({ received_qty: eb('received_qty', '+', qty) }))
      .where('id', '=', line.id).execute();
    if (order.status === 'open') {
      await trx.updateTable('inbound_orders').set({ status: 'receiving' }).where('id', '=', order.id).execute();
      await appendEvent(trx, 'inbound.updated', order.warehouse_id, { orderId: order.id, code: order.code,
        status: 'receiving' });
    }

    const stock = { warehouseId: order.warehouse_id, binId: bin.id, zoneId: bin.zone_id, skuId: sku.id,
      lotId: lot?.id ?? null, ownerId: order.owner_id, qty };
    let next: { type: 'qc' | 'putaway' | 'scrapped'; taskId?: number; inspectionId?: number; targetBin?: string | null;
      movementId?: number };
    if (status === 'damaged') {
      const scrapped = await postMovement(trx, actor, {
        type: 'scrap', warehouseId: order.warehouse_id, docRef: order.code, reason: 'customer return: scrap',
        labels: [`${sku.code} in ${bin.code}`],
        legCodes: [{ bin: bin.code, sku: sku.code, lot: lot?.lot_no ?? null }],
        legs: [{ binId: bin.id, skuId: sku.id, lotId: lot?.id ?? null, ownerId: order.owner_id, status, delta: -qty }],
      });
      next = { type: 'scrapped', movementId: scrapped.movementId };
    } else if (status === 'qc') {
      const taskId = await createTask(trx, { warehouseId: order.warehouse_id, zoneId: bin.zone_id, type: 'qc',
        sourceBinId: bin.id, skuId: sku.id, lotId: lot?.id ?? null, ownerId: order.owner_id, stockStatus: 'qc', qty,
        refType: 'receipt', refId: receipt.id, priority: 60 });
      const inspection = await trx.insertInto('qc_inspections').values({
        warehouse_id: order.warehouse_id, receipt_id: receipt.id, task_id: taskId, bin_id: bin.id, sku_id: sku.id,
        lot_id: lot?.id ?? null, owner_id: order.owner_id, qty, result: null, passed_qty: null, failed_qty: null,
        disposition: null, note: null, inspected_by: null, done_at: null,
      }).returning('id').executeTakeFirstOrThrow();
      await trx.updateTable('tasks').set({ ref_type: 'qc_inspection', ref_id: inspection.id }).where('id', '=', taskId)
        .execute();
      await raiseAlert(trx, order.warehouse_id, 'qc_hold', `${qty} ${sku.code} received into ${bin.code} await QC`,
        { binId: bin.id, bin: bin.code, sku: sku.code, inspectionId: inspection.id });
      next = { type: 'qc', taskId, inspectionId: inspection.id };
    } else {
      const planned = await planPutaway(trx, stock, { refType: 'receipt', refId: receipt.id });
      next = { type: 'putaway', taskId: planned.taskId, targetBin: planned.targetBin };
    }
    const progress = await trx.selectFrom('inbound_lines').select(['line_no', 'expected_qty', 'received_qty'])
      .where('id', '=', line.id).executeTakeFirstOrThrow();
    return { receiptId: receipt.id, movementId: movement.movementId, seq: movement.seq, sku: sku.code,
      lot: lot?.lot_no ?? null, expiry: lot?.expiry_date ?? null, qty, status, bin: bin.code, line: progress, next };
  });
}

/** Where received stock starts: returns by their disposition, others by the SKU's or supplier's QC rule. */
function receiptStatus(order: { type: string; supplier_qc: boolean | null }, skuQc: boolean,
  disposition?: 'restock' | 'qc' | 'scrap'): 'available' | 'qc' | 'damaged' {
  if (disposition === 'scrap') return 'damaged';
  if (disposition === 'qc') return 'qc';
  if (disposition === 'restock') return 'available';
  return skuQc || order.supplier_qc ? 'qc' : 'available';
}

/** An expired lot, or one with less than the SKU's minimum remaining shelf life, is refused at the door. */
function assertShelfLife(sku: SkuRow, lotNo: string, expiry: string) {
  const left = daysBetween(todayUtc(), expiry);
  if (left < 0) throw unprocessable('expiry', `lot ${lotNo} of ${sku.code} expired on ${expiry}`);
  const min = sku.min_remaining_shelf_life_days;
  if (min !== null && left < min) {
    throw unprocessable('expiry', `lot ${lotNo} of ${sku.code} expires on ${expiry}, in ${left} days; `
      + `${sku.code} must arrive with at least ${min} days of shelf life left`);
  }
}

type OrderForReceipt = { id: number; code: string; blind: boolean; over_receipt_pct: number };

/** The expected line this receipt counts against (adding one on a blind order), or a refusal. */
async function matchLine(trx: Transaction<DB>, order: OrderForReceipt, sku: SkuRow, lotNo: string | undefined,
  qty: number) {
  const lines = await trx.selectFrom('inbound_lines').selectAll().where('order_id', '=', order.id)
    .where('sku_id', '=', sku.id).orderBy('line_no').forUpdate().execute();
  if (!lines.length) {
    if (!order.blind) {
      throw conflict(`${sku.code} is not expected on inbound order ${order.code}`, 'scan');
    }
    const max = await trx.selectFrom('inbound_lines').select((eb) => eb.fn.max('line_no').as('n'))
      .where('order_id', '=', order.id).executeTakeFirst();
    return trx.insertInto('inbound_lines').values({ order_id: order.id, line_no: (max?.n ?? 0) + 1, sku_id: sku.id,
      expected_qty: 0, lot_no: lotNo ?? null, expiry_date: null }).returning(['id', 'line_no']).executeTakeFirstOrThrow();
  }
  // A line that names a lot takes only that lot; otherwise the first line with room left.
  const candidates = lines.filter((l) => l.lot_no === null || l.lot_no === lotNo);
  if (!candidates.length) {
    throw conflict(`lot ${lotNo ?? '(none)'} of ${sku.code} is not expected on ${order.code}; expected lot `
      + lines.map((l) => l.lot_no).join(', '), 'lot');
  }
  if (order.blind) return candidates[0]!;
  const room = (l: typeof candidates[number]) =>
    Math.floor(l.expected_qty * (1 + order.over_receipt_pct / 100)) - l.received_qty;
  const fits = candidates.find((l) => room(l) >= qty);
  if (!fits) {
    const l = candidates[0]!;
    throw conflict(`over-receipt: ${sku.code} line ${l.line_no} expects ${l.expected_qty}, ${l.received_qty} received, `
      + `${qty} more would exceed the ${order.over_receipt_pct} % tolerance`, 'qty',
    { expected: l.expected_qty, received: l.received_qty, tolerancePct: order.over_receipt_pct });
  }
  return fits;
}
