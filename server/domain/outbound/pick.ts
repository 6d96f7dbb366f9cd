import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { inRetriedTransaction } from '../../db/transaction.ts';
import { assertMayActIn, type Actor } from '../auth/actor.ts';
import { appendEvent, raiseAlert } from '../events.ts';
import { badInput, conflict, unprocessable } from '../errors.ts';
import { postMovement, type PostedMovement } from '../inventory/post-movement.ts';
import { binIsEmpty, requestBinCount } from '../counting/dynamic.ts';
import { resolveItemScan } from '../masterdata/item-scan.ts';
import { lotById, skuById } from '../masterdata/lookup.ts';
import { assertWorkable, createTask, loadTask, progressTask, type TaskRow } from '../tasks/tasks.ts';
import { reallocateLine, releaseAllocation } from './allocate.ts';

export interface PickInput {
  /** The scanned bin code: must be the task's bin. */
  bin: string;
  /** The scanned item (SKU code, GTIN or GS1 string); may be left out only for a short pick of 0. */
  item?: string;
  /** Lot, when the item scan does not carry it (lot-tracked SKUs). */
  lot?: string;
  /** Base units taken. */
  qty: number;
  /** This is all there is: record the rest as short, count the bin, re-allocate elsewhere. */
  short?: boolean;
}

/**
 * Confirm a pick by scan: bin, then item (and lot), then quantity, each checked against the task, each
 * refused with its own message and nothing written. The stock moves from the bin to the order's staging
 * lane with its reservation (still reserved for the order until it ships).
 */
export async function confirmPick(db: Kysely<DB>, actor: Actor, taskId: number, input: PickInput) {
  if (!Number.isInteger(input.qty) || input.qty < 0) throw badInput('qty', 'must be a whole number, 0 or more');
  if (input.qty === 0 && !input.short) throw badInput('qty', 'picking 0 is a short pick: send short: true');
  const item = input.item !== undefined ? await resolveItemScan(db, input.item, 'item') : undefined;

  return inRetriedTransaction(db, async (trx) => {
    const task = await loadTask(trx, taskId, true);
    assertWorkable(task, 'pick', actor);
    const source = await trx.selectFrom('bins').select(['id', 'code', 'warehouse_id', 'zone_id'])
      .where('id', '=', task.source_bin_id!).executeTakeFirstOrThrow();
    // A picker works in the zone of the bin; the staging lane the goods go to is the wave's, not theirs.
    assertMayActIn(actor, source, 'bin');
    if (input.bin.trim() !== source.code) {
      throw unprocessable('bin', `wrong bin: you scanned ${input.bin.trim()}, this pick is at ${source.code}`);
    }
    const sku = await skuById(trx, task.sku_id!);
    const lot = await lotById(trx, task.lot_id);
    if (input.qty > 0) {
      if (!item) throw badInput('item', `scan the item (${sku.code}) before confirming a quantity`);
      if (item.sku.id !== sku.id) {
        throw unprocessable('item', `wrong item: you scanned ${item.sku.code} (${item.sku.name}), this pick is ${sku.code} (${sku.name})`);
      }
      const scannedLot = input.lot ?? item.lot;
      if (lot && scannedLot === undefined && sku.lot_tracked) {
        throw badInput('lot', `${sku.code} is lot-tracked: scan or enter the lot (this pick is lot ${lot.lot_no})`);
      }
      if (scannedLot !== undefined && scannedLot !== (lot?.lot_no ?? null)) {
        throw unprocessable('lot', `wrong lot: you scanned lot ${scannedLot}, this pick is lot ${lot?.lot_no ?? '(none)'}`);
      }
    }
    const remaining = Number(task.qty) - Number(task.done_qty);
    if (input.qty > remaining) {
      throw unprocessable('qty', `more than allocated: ${remaining} left to pick here, you entered ${input.qty}`,
        { allocated: remaining, entered: input.qty });
    }
    const allocation = await trx.selectFrom('allocations').selectAll().where('id', '=', task.ref_id!).forUpdate()
      .executeTakeFirstOrThrow();
    const order = await trx.selectFrom('outbound_orders').select(['id', 'code', 'staging_bin_id', 'warehouse_id'])
      .where('id', '=', allocation.order_id).executeTakeFirstOrThrow();

    let movement: PostedMovement | null = null;
    let zeroCount: number | null = null;
    let emptied = false;
    if (input.qty > 0) {
      const target = await trx.selectFrom('bins').select(['id', 'code']).where('id', '=', task.target_bin_id!)
        .executeTakeFirstOrThrow();
      const key = { skuId: sku.id, lotId: task.lot_id, ownerId: task.owner_id!, status: 'available' as const };
      movement = await postMovement(trx, actor, {
        type: 'pick', warehouseId: task.warehouse_id, docRef: order.code, reason: `pick task ${task.id}`,
        labels: [`${sku.code} in ${source.code}`, `${sku.code} in ${target.code}`],
        legCodes: [{ bin: source.code, sku: sku.code, lot: lot?.lot_no ?? null },
          { bin: target.code, sku: sku.code, lot: lot?.lot_no ?? null }],
        legs: [
          { ...key, binId: source.id, delta: -input.qty, reservedDelta: -input.qty, counterBinId: target.id },
          { ...key, binId: target.id, delta: input.qty, reservedDelta: input.qty, counterBinId: source.id },
        ],
      });
      await trx.updateTable('allocations').set((eb) => ({ picked_qty: eb('picked_qty', '+', input.qty) }))
        .where('id', '=', allocation.id).execute();
      await trx.updateTable('outbound_lines').set((eb) => ({ picked_qty: eb('picked_qty', '+', input.qty),
        allocated_qty: eb('allocated_qty', '-', input.qty) })).where('id', '=', allocation.line_id).execute();
      // A pick that empties the bin: have it counted while it is empty (cheapest moment to confirm zero).
      emptied = movement.legs[0]!.qtyAfter === 0 && !input.short && await binIsEmpty(trx, source.id);
    }
    const missing = input.short ? remaining - input.qty : 0;
    const progress = await progressTask(trx, task, input.qty, actor, missing ? { short: missing } : {}, input.short);
    if (emptied) {
      zeroCount = (await requestBinCount(trx, { warehouseId: task.warehouse_id, bin: source, trigger: 'bin_empty',
        refType: 'pick', refId: task.id, priority: 40 })).taskId;
    }
    let shortResult: Awaited<ReturnType<typeof handleShort>> | null = null;
    if (missing > 0) {
      shortResult = await handleShort(trx, actor, task, allocation, missing, source, sku.code);
    } else if (progress.status === 'done') {
      await trx.updateTable('allocations').set({ status: 'picked' }).where('id', '=', allocation.id).execute();
    }
    const state = await afterPick(trx, task, order);
    return { taskId: task.id, status: progress.status, picked: input.qty, short: missing,
      movementId: movement?.movementId ?? null, seq: movement?.seq ?? null, reallocated: shortResult,
      emptyBinCountTask: zeroCount,
      pickList: state.pickList, order: { code: order.code, status: state.orderStatus } };
  });
}

/**
 * A short pick: release what was not there, raise an alert, have the bin counted (the book said the
 * stock was there), and look for the missing quantity elsewhere, adding pick tasks to the same list.
 */
async function handleShort(trx: Transaction<DB>, actor: Actor, task: TaskRow,
  allocation: { id: number; order_id: number; line_id: number }, missing: number,
  bin: { id: number; code: string; zone_id: number }, skuCode: string) {
  await releaseAllocation(trx, allocation.id, 'short');
  await trx.updateTable('outbound_lines').set((eb) => ({ short_qty: eb('short_qty', '+', missing) }))
    .where('id', '=', allocation.line_id).execute();
  await raiseAlert(trx, task.warehouse_id, 'short_pick',
    `short pick: ${missing} ${skuCode} missing in ${bin.code}`, { binId: bin.id, bin: bin.code, sku: skuCode,
      missing, taskId: task.id, by: actor.username });
  const { taskId: countTaskId } = await requestBinCount(trx, { warehouseId: task.warehouse_id, bin, trigger: 'short_pick',
    refType: 'short_pick', refId: task.id, priority: 80, details: { sku: skuCode, missing } });
  const re = await reallocateLine(trx, allocation.order_id, allocation.line_id, bin.id);
  const newTasks: number[] = [];
  if (re.allocationIds.length) {
    const last = await trx.selectFrom('tasks').select((eb) => eb.fn.max('seq').as('seq'))
      .where('pick_list_id', '=', task.pick_list_id!).executeTakeFirst();
    let seq = Number(last?.seq ?? 0);
    const rows = await trx.selectFrom('allocations as a').innerJoin('bins as b', 'b.id', 'a.bin_id')
      .select(['a.id', 'a.bin_id', 'b.zone_id', 'a.sku_id', 'a.lot_id', 'a.owner_id', 'a.qty'])
      .where('a.id', 'in', re.allocationIds).orderBy('b.pick_seq').execute();
    for (const a of rows) {
      newTasks.push(await createTask(trx, { warehouseId: task.warehouse_id, zoneId: a.zone_id, type: 'pick',
        sourceBinId: a.bin_id, targetBinId: task.target_bin_id, skuId: a.sku_id, lotId: a.lot_id, ownerId: a.owner_id,
        stockStatus: 'available', qty: a.qty, refType: 'allocation', refId: a.id, pickListId: task.pick_list_id!,
        seq: ++seq, priority: Math.min(100, task.priority + 10),
        details: { ...task.details, reallocatedFrom: task.id } }));
    }
  }
  return { countTaskId, allocated: re.allocated, backorder: re.backorder, pickTasks: newTasks };
}

/** Close the pick list, the order and the wave when their last pick is done. */
async function afterPick(trx: Transaction<DB>, task: TaskRow, order: { id: number; code: string; warehouse_id: number }) {
  const openInList = await trx.selectFrom('tasks').select('id').where('pick_list_id', '=', task.pick_list_id!)
    .where('status', 'in', ['open', 'assigned', 'in_progress']).executeTakeFirst();
  let pickList = 'in_progress';
  if (!openInList) {
    await trx.updateTable('pick_lists').set({ status: 'done' }).where('id', '=', task.pick_list_id!).execute();
    pickList = 'done';
  } else {
    await trx.updateTable('pick_lists').set({ status: 'in_progress' }).where('id', '=', task.pick_list_id!)
      .where('status', '=', 'open').execute();
  }
  const openAlloc = await trx.selectFrom('allocations').select('id').where('order_id', '=', order.id)
    .where('status', '=', 'open').executeTakeFirst();
  let orderStatus = 'released';
  if (!openAlloc) {
    const picked = await trx.selectFrom('outbound_lines').select((eb) => eb.fn.sum<number>('picked_qty').as('n'))
      .where('order_id', '=', order.id).executeTakeFirst();
    orderStatus = Number(picked?.n ?? 0) > 0 ? 'picked' : 'backordered';
    const upd = await trx.updateTable('outbound_orders').set({ status: orderStatus as 'picked' | 'backordered',
      ...(orderStatus === 'backordered' ? { wave_id: null } : {}) })
      .where('id', '=', order.id).where('status', '=', 'released').returning('wave_id').executeTakeFirst();
    if (upd) {
      await appendEvent(trx, 'outbound.updated', order.warehouse_id, { orderId: order.id, code: order.code,
        status: orderStatus });
    }
    const list = await trx.selectFrom('pick_lists').select('wave_id').where('id', '=', task.pick_list_id!)
      .executeTakeFirstOrThrow();
    const waveOpen = await trx.selectFrom('pick_lists').select('id').where('wave_id', '=', list.wave_id)
      .where('status', '<>', 'done').executeTakeFirst();
    if (!waveOpen) await trx.updateTable('waves').set({ status: 'picked' }).where('id', '=', list.wave_id).execute();
  }
  return { pickList, orderStatus };
}
