import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, StockStatus } from '../../db/schema.ts';
import { inRetriedTransaction } from '../../db/transaction.ts';
import { assertMayActIn, type Actor } from '../auth/actor.ts';
import { appendEvent } from '../events.ts';
import { badInput, conflict, notFound, unprocessable } from '../errors.ts';
import { resolveItemScan } from '../masterdata/item-scan.ts';
import { requireOwner } from '../masterdata/lookup.ts';
import { assertWorkable, loadTask } from '../tasks/tasks.ts';
import { countForTask } from './counts.ts';

export interface CountScanInput {
  /** The scanned bin: must be the task's bin. */
  bin: string;
  /** The scanned item (SKU code, GTIN or GS1 string). Left out with qty 0: the rest of the bin is empty. */
  item?: string;
  /** Lot, when the item scan does not carry it (lot-tracked SKUs). */
  lot?: string;
  /** Whose stock, when the bin holds the item for several owners (or for found stock, when it cannot be told). */
  owner?: string;
  /** Which stock status, when the bin holds the item in several. */
  status?: StockStatus;
  /** Base units counted. */
  qty: number;
}

type Line = Awaited<ReturnType<typeof binLines>>[number];

function binLines(trx: Transaction<DB>, countId: number, binId: number) {
  return trx.selectFrom('count_lines').selectAll().where('count_id', '=', countId).where('bin_id', '=', binId)
    .orderBy('id').forUpdate().execute();
}

/** The book quantity of a line's balance key now (0 for a line without SKU). */
async function bookQty(trx: Transaction<DB>, l: Pick<Line, 'bin_id' | 'sku_id' | 'lot_id' | 'owner_id' | 'stock_status'>) {
  if (l.sku_id === null) return 0;
  const row = await trx.selectFrom('stock_balances').select('qty').where('bin_id', '=', l.bin_id)
    .where('sku_id', '=', l.sku_id).where('lot_key', '=', l.lot_id ?? 0).where('owner_id', '=', l.owner_id!)
    .where('status', '=', l.stock_status).executeTakeFirst();
  return Number(row?.qty ?? 0);
}

/**
 * Count one line of a bin by scan (blind: the answer never shows the book quantity). Scan the bin and
 * the item (with lot), enter what is there; an item the book does not list in the bin becomes a new line
 * (expected 0). With no item and qty 0 every line of the bin not yet counted is counted as 0 (an empty bin).
 * A variance beyond the count's tolerance asks for a recount: the next call for that line records the
 * recount, which is final. When every line of the count is counted the count goes to review.
 *
 * Expected is the book at the moment the line is counted (the same as the snapshot at the start when the
 * bins are frozen); so stock that moved meanwhile in an unfrozen count is not mistaken for a variance.
 */
export async function recordCount(db: Kysely<DB>, actor: Actor, taskId: number, input: CountScanInput) {
  if (!Number.isInteger(input.qty) || input.qty < 0) throw badInput('qty', 'must be a whole number, 0 or more');
  if (input.item === undefined && input.qty > 0) {
    throw badInput('item', 'scan the item you counted; only an empty bin (qty 0) is counted without one');
  }
  if (input.item === undefined && (input.lot !== undefined || input.owner !== undefined || input.status !== undefined)) {
    throw badInput('item', 'lot, owner and status describe an item: scan it');
  }
  const item = input.item !== undefined ? await resolveItemScan(db, input.item, 'item') : undefined;
  const owner = input.owner !== undefined ? await requireOwner(db, input.owner) : undefined;

  return inRetriedTransaction(db, async (trx) => {
    const task = await loadTask(trx, taskId, true);
    assertWorkable(task, 'count', actor);
    if (task.source_bin_id === null) throw conflict(`count task ${task.id} names no bin`, 'id');
    const bin = await trx.selectFrom('bins').select(['id', 'code', 'warehouse_id', 'zone_id'])
      .where('id', '=', task.source_bin_id).executeTakeFirstOrThrow();
    assertMayActIn(actor, bin, 'bin');
    if (input.bin.trim() !== bin.code) {
      throw unprocessable('bin', `wrong bin: you scanned ${input.bin.trim()}, this count is of ${bin.code}`);
    }
    const count = await countForTask(trx, actor, task);
    if (count.status !== 'open' && count.status !== 'counting') {
      throw conflict(`count ${count.code} is ${count.status}: counting is over`, 'id');
    }
    let lines = await binLines(trx, count.id, bin.id);
    const targets: Line[] = [];
    if (!item) {
      targets.push(...lines.filter((l) => l.status !== 'counted'));
      if (!targets.length) throw conflict(`every line of bin ${bin.code} is counted already`, 'bin');
    } else {
      const sku = item.sku;
      const lotNo = input.lot ?? item.lot;
      if (sku.lot_tracked && lotNo === undefined) {
        throw badInput('lot', `${sku.code} is lot-tracked: scan or enter the lot`);
      }
      let lotId: number | undefined;
      if (lotNo !== undefined) {
        const lot = await trx.selectFrom('lots').select('id').where('sku_id', '=', sku.id).where('lot_no', '=', lotNo)
          .executeTakeFirst();
        if (!lot) throw notFound('lot', `${sku.code} has no lot ${lotNo}: register the lot first`);
        lotId = lot.id;
      }
      const matches = lines.filter((l) => l.sku_id === sku.id && (lotId === undefined || l.lot_id === lotId)
        && (!owner || l.owner_id === owner.id) && (input.status === undefined || l.stock_status === input.status));
      if (matches.length > 1) {
        const field = new Set(matches.map((m) => m.lot_id)).size > 1 ? 'lot'
          : new Set(matches.map((m) => m.owner_id)).size > 1 ? 'owner' : 'status';
        throw unprocessable(field, `bin ${bin.code} holds ${sku.code} in several ${field === 'lot' ? 'lots' : field
          === 'owner' ? 'owners\' stock' : 'stock statuses'}: count each separately and say which ${field}`);
      }
      let line = matches[0];
      if (!line) {
        // Found stock the book did not list here: a new line, expected = the book for that key now (0 as a rule).
        const ownerId = owner?.id ?? await inferOwner(trx, bin.id, sku.id);
        const key = { bin_id: bin.id, sku_id: sku.id, lot_id: lotId ?? null, owner_id: ownerId,
          stock_status: input.status ?? 'available' as StockStatus };
        const inserted = await trx.insertInto('count_lines').values({ count_id: count.id, ...key,
          expected_qty: await bookQty(trx, key), task_id: task.id, counted_qty: null, recount_qty: null, final_qty: null,
          variance: null, counted_by: null, counted_at: null }).returning('id').executeTakeFirstOrThrow();
        // The bin is not empty after all: its "empty" line goes.
        await trx.deleteFrom('count_lines').where('count_id', '=', count.id).where('bin_id', '=', bin.id)
          .where('sku_id', 'is', null).where('status', '=', 'pending').execute();
        lines = await binLines(trx, count.id, bin.id);
        line = lines.find((l) => l.id === inserted.id)!;
      }
      if (line.status === 'counted') {
        throw conflict(`${sku.code}${lotNo ? ` lot ${lotNo}` : ''} in ${bin.code} is counted already (final)`, 'item');
      }
      targets.push(line);
    }

    const now = new Date();
    const results = [];
    for (const line of targets) {
      const qty = input.qty;
      const expected = await bookQty(trx, line);
      let set;
      if (line.status === 'pending') {
        const variance = qty - expected;
        const beyond = variance !== 0 && Math.abs(variance) * 100 > Number(count.tolerance_pct) * expected;
        set = beyond
          ? { status: 'recount' as const, counted_qty: qty, final_qty: null, variance: null }
          : { status: 'counted' as const, counted_qty: qty, final_qty: qty, variance };
      } else {
        set = { status: 'counted' as const, recount_qty: qty, final_qty: qty, variance: qty - expected };
      }
      await trx.updateTable('count_lines').set({ ...set, expected_qty: expected, counted_by: actor.userId || null,
        counted_at: now }).where('id', '=', line.id).execute();
      results.push({ line, set, expected });
    }

    const state = await trx.selectFrom('count_lines').select(['bin_id', 'status']).where('count_id', '=', count.id)
      .execute();
    const binLeft = state.filter((l) => l.bin_id === bin.id && l.status !== 'counted').length;
    const countDone = state.every((l) => l.status === 'counted');
    const countStatus = countDone ? 'review' as const : 'counting' as const;
    if (countStatus !== count.status) {
      await trx.updateTable('counts').set({ status: countStatus }).where('id', '=', count.id).execute();
    }
    // The task stays open until the count is approved (allocation keeps away from the bin till then).
    await trx.updateTable('tasks').set({ status: 'in_progress', updated_at: now,
      assignee_user_id: task.assignee_user_id ?? (task.assignee_agv ? null : actor.userId || null),
      details: sql`details || ${JSON.stringify({ countId: count.id, count: count.code, binCounted: binLeft === 0 })}::jsonb`,
    }).where('id', '=', task.id).execute();
    await appendEvent(trx, 'task.updated', task.warehouse_id, { taskId: task.id, type: 'count', status: 'in_progress',
      countId: count.id, count: count.code, countStatus, binCounted: binLeft === 0, by: actor.username });

    const codes = await trx.selectFrom('count_lines as cl').leftJoin('skus as s', 's.id', 'cl.sku_id')
      .leftJoin('lots as l', 'l.id', 'cl.lot_id').leftJoin('owners as o', 'o.id', 'cl.owner_id')
      .select(['cl.id', 's.code as sku', 'l.lot_no as lot', 'o.code as owner'])
      .where('cl.id', 'in', results.map((r) => r.line.id)).execute();
    const recount = results.some((r) => r.set.status === 'recount');
    return {
      taskId: task.id, countId: count.id, count: count.code, countStatus, bin: bin.code,
      lines: results.map(({ line, set, expected }) => {
        const c = codes.find((x) => x.id === line.id)!;
        return { lineId: line.id, sku: c.sku, lot: c.lot, owner: c.owner, stockStatus: line.stock_status,
          status: set.status, counted: input.qty, recount: line.status === 'recount',
          ...(count.blind ? {} : { expected, variance: input.qty - expected }) };
      }),
      recount, binLeft,
      message: recount
        ? 'the count does not match: count again and enter what you find (the recount is final)'
        : binLeft ? `${binLeft} line(s) of ${bin.code} still to count` : countDone
          ? `count ${count.code} is complete and waits for approval` : `bin ${bin.code} is counted`,
    };
  });
}

/** Whose stock found in a bin is: the one owner of stock of that SKU in the bin, else of the bin, else the only owner. */
async function inferOwner(trx: Transaction<DB>, binId: number, skuId: number): Promise<number> {
  for (const q of [
    trx.selectFrom('stock_balances').select('owner_id').distinct().where('bin_id', '=', binId).where('sku_id', '=', skuId),
    trx.selectFrom('stock_balances').select('owner_id').distinct().where('bin_id', '=', binId).where('qty', '>', 0),
    trx.selectFrom('owners').select('id as owner_id').limit(2),
  ]) {
    const rows = await q.execute();
    if (rows.length === 1) return rows[0]!.owner_id;
    if (rows.length > 1) break;
  }
  throw badInput('owner', 'whose stock is it? several owners could own it: give owner');
}
