import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { inRetriedTransaction } from '../../db/transaction.ts';
import { assertMayActIn, type Actor } from '../auth/actor.ts';
import { assertWarehouseScope, assertWarehouseVisible } from '../auth/scope.ts';
import { raiseAlert } from '../events.ts';
import { badInput, conflict, unprocessable } from '../errors.ts';
import { postMovement } from '../inventory/post-movement.ts';
import { todayUtc } from '../masterdata/lots.ts';
import { lotById, requireBin, requireSku, requireWarehouse, skuById } from '../masterdata/lookup.ts';
import { effectiveStrategy, orderCandidates, planAllocation } from '../outbound/allocation-order.ts';
import { assertWorkable, createTask, loadTask, progressTask } from '../tasks/tasks.ts';

/**
 * Pick-face replenishment. Each pick-face bin and SKU may have a min and a max; a run looks at every
 * face of a warehouse and, where the free stock (qty - reserved) is below min or the face cannot cover
 * the open allocations on it, creates 'replenish' tasks from storage/bulk bins holding the SKU (FEFO for
 * expiry-tracked SKUs, else the SKU's strategy, FIFO by default, like allocation) to bring the free
 * stock up to max. A face with an open replenish task is left alone; a face without any source raises
 * a 'stock_below_min' alert. The source stock is not reserved by the task: if it is gone when the task
 * is confirmed the move is refused (409) and the next run plans again.
 */

const SOURCE_ZONES = ['storage', 'bulk'] as const;
const OPEN_TASK = ['open', 'assigned', 'in_progress'] as const;

export interface PickFaceInput { bin: string; sku: string; min: number; max: number }

export async function setPickFace(db: Kysely<DB>, actor: Actor, input: PickFaceInput) {
  if (input.min > input.max) throw badInput('min', `must not exceed max (${input.min} > ${input.max})`);
  const bin = await requireBin(db, input.bin, 'bin', { kinds: ['pick_face'] });
  assertMayActIn(actor, bin, 'bin');
  const sku = await requireSku(db, input.sku);
  const row = await db.insertInto('pick_faces').values({ bin_id: bin.id, sku_id: sku.id, min_qty: input.min,
    max_qty: input.max }).onConflict((oc) => oc.columns(['bin_id', 'sku_id']).doUpdateSet({ min_qty: input.min,
    max_qty: input.max, updated_at: new Date() })).returning(['id', 'min_qty', 'max_qty']).executeTakeFirstOrThrow();
  return { id: row.id, bin: bin.code, zone: bin.zone_code, sku: sku.code, min: row.min_qty, max: row.max_qty };
}

function faceView(db: Kysely<DB>, warehouseId: number) {
  return db.selectFrom('pick_faces as pf').innerJoin('bins as b', 'b.id', 'pf.bin_id')
    .innerJoin('skus as s', 's.id', 'pf.sku_id')
    .select((eb) => ['pf.id', 'pf.bin_id', 'pf.sku_id', 'pf.min_qty', 'pf.max_qty', 'b.code as bin', 'b.zone_id',
      sql<boolean>`b.blocked or b.frozen`.as('blocked'), 's.code as sku', 's.expiry_tracked', 's.allocation_strategy',
      eb.selectFrom('stock_balances as sb').select(sql<number>`coalesce(sum(sb.qty), 0)::int8`.as('n'))
        .whereRef('sb.bin_id', '=', 'pf.bin_id').whereRef('sb.sku_id', '=', 'pf.sku_id').where('sb.status', '=', 'available')
        .as('qty'),
      eb.selectFrom('stock_balances as sb').select(sql<number>`coalesce(sum(sb.reserved), 0)::int8`.as('n'))
        .whereRef('sb.bin_id', '=', 'pf.bin_id').whereRef('sb.sku_id', '=', 'pf.sku_id').where('sb.status', '=', 'available')
        .as('reserved'),
      eb.selectFrom('allocations as a').select(sql<number>`coalesce(sum(a.qty - a.picked_qty), 0)::int8`.as('n'))
        .whereRef('a.bin_id', '=', 'pf.bin_id').whereRef('a.sku_id', '=', 'pf.sku_id').where('a.status', '=', 'open')
        .as('allocated'),
      eb.selectFrom('tasks as t').select(sql<number>`min(t.id)`.as('id')).where('t.type', '=', 'replenish')
        .where('t.ref_type', '=', 'pick_face').whereRef('t.ref_id', '=', 'pf.id').where('t.status', 'in', OPEN_TASK)
        .as('open_task'),
      eb.exists(eb.selectFrom('tasks as ct').select('ct.id').where('ct.type', '=', 'count')
        .whereRef('ct.source_bin_id', '=', 'pf.bin_id').where('ct.status', 'in', OPEN_TASK)).as('counting')])
    .where('b.warehouse_id', '=', warehouseId);
}

export async function listPickFaces(db: Kysely<DB>, actor: Actor, f: { warehouse: string }) {
  const wh = await requireWarehouse(db, f.warehouse);
  await assertWarehouseVisible(db, actor, wh.id, 'warehouse');
  const rows = await faceView(db, wh.id).orderBy('b.pick_seq').orderBy('s.code').execute();
  return rows.map((r) => ({ id: r.id, bin: r.bin, sku: r.sku, min: r.min_qty, max: r.max_qty, qty: Number(r.qty),
    reserved: Number(r.reserved), free: Number(r.qty) - Number(r.reserved), allocated: Number(r.allocated),
    belowMin: Number(r.qty) - Number(r.reserved) < r.min_qty, openTask: r.open_task ?? null,
    blocked: r.blocked, counting: Boolean(r.counting) }));
}

/**
 * What a scheduled run (the demo's planner) may ask besides the warehouse: plan at most `limit` faces, the
 * emptiest first (the rest wait for the next run), and leave the alert for a face with no source to the alert
 * monitor, which raises it once (a run every few minutes would raise it again each time).
 */
export interface ScheduledRunOptions { limit?: number; alertNoSource?: boolean }

/** Plan replenishment for every pick face of a warehouse (see the module comment). */
export async function runReplenishment(db: Kysely<DB>, actor: Actor,
  input: { warehouse: string } & ScheduledRunOptions) {
  const wh = await requireWarehouse(db, input.warehouse);
  assertWarehouseScope(actor, wh.id, 'warehouse');
  return inRetriedTransaction(db, async (trx) => {
    // One run at a time per face: two runs never both see "no open task" for the same face.
    await trx.selectFrom('pick_faces as pf').innerJoin('bins as b', 'b.id', 'pf.bin_id').select('pf.id')
      .where('b.warehouse_id', '=', wh.id).orderBy('pf.id').forUpdate('pf').execute();
    const faces = await faceView(trx, wh.id).orderBy('b.pick_seq').orderBy('s.code').execute();
    const urgency = (f: (typeof faces)[number]) => (Number(f.qty) - Number(f.reserved)) / Math.max(1, f.min_qty);
    if (input.limit !== undefined) faces.sort((a, b) => urgency(a) - urgency(b));
    let planned = 0;
    const created: { taskId: number; face: string; sku: string; from: string; lot: string | null; qty: number }[] = [];
    const skipped: { face: string; sku: string; reason: string }[] = [];
    const alerts: { face: string; sku: string; free: number; min: number }[] = [];
    for (const f of faces) {
      const qty = Number(f.qty);
      const free = qty - Number(f.reserved);
      const allocated = Number(f.allocated);
      const low = free < f.min_qty;
      const uncovered = qty < allocated;
      if (!low && !uncovered) continue;
      if (f.open_task !== null) { skipped.push({ face: f.bin, sku: f.sku, reason: `replenish task ${f.open_task} is open` }); continue; }
      if (f.blocked) { skipped.push({ face: f.bin, sku: f.sku, reason: 'the bin is blocked or frozen by a count' }); continue; }
      if (f.counting) { skipped.push({ face: f.bin, sku: f.sku, reason: 'the bin is being counted' }); continue; }
      if (input.limit !== undefined && planned >= input.limit) {
        skipped.push({ face: f.bin, sku: f.sku, reason: 'left for the next run' });
        continue;
      }
      const want = Math.max(f.max_qty - free, allocated - qty);
      const strategy = effectiveStrategy({ line: null, order: null, owner: null, sku: f.allocation_strategy,
        expiryTracked: f.expiry_tracked });
      const candidates = await trx.selectFrom('stock_balances as sb').innerJoin('bins as b', 'b.id', 'sb.bin_id')
        .innerJoin('zones as z', 'z.id', 'b.zone_id').leftJoin('lots as l', 'l.id', 'sb.lot_id')
        .select(['sb.id as balanceId', 'sb.bin_id as binId', 'b.code as binCode', 'b.zone_id', 'sb.lot_id as lotId',
          'l.lot_no as lotNo', 'l.expiry_date as expiry', 'sb.first_receipt_at', 'sb.owner_id', 'b.pick_seq',
          sql<number>`sb.qty - sb.reserved`.as('available')])
        .where('sb.sku_id', '=', f.sku_id).where('sb.status', '=', 'available').where(sql<boolean>`sb.qty > sb.reserved`)
        .where('b.warehouse_id', '=', wh.id).where('b.blocked', '=', false).where('b.frozen', '=', false)
        .where('z.kind', 'in', SOURCE_ZONES)
        .where('sb.bin_id', '<>', f.bin_id)
        .where((eb) => eb.or([eb('l.expiry_date', 'is', null), eb('l.expiry_date', '>=', todayUtc())]))
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('tasks as t').select('t.id')
          .whereRef('t.source_bin_id', '=', 'sb.bin_id').where('t.type', '=', 'count').where('t.status', 'in', OPEN_TASK))))
        .execute();
      const byId = new Map(candidates.map((c) => [c.balanceId, c]));
      const ordered = orderCandidates(strategy, candidates.map((c) => ({ balanceId: c.balanceId, binId: c.binId,
        lotId: c.lotId, lotNo: c.lotNo, expiry: c.expiry, available: Number(c.available), zoneRank: 0,
        pickSeq: c.pick_seq ?? 0,
        receivedAt: c.first_receipt_at ? new Date(c.first_receipt_at as unknown as string).toISOString() : null })));
      const { plan } = planAllocation(ordered, want);
      if (!plan.length) {
        if (input.alertNoSource !== false) await raiseAlert(trx, wh.id, 'stock_below_min',
          `pick face ${f.bin}: ${free} ${f.sku} free, min ${f.min_qty}, and no stock to replenish it from`,
          { faceId: f.id, binId: f.bin_id, bin: f.bin, sku: f.sku, free, qty, min: f.min_qty, max: f.max_qty, allocated });
        alerts.push({ face: f.bin, sku: f.sku, free, min: f.min_qty });
        continue;
      }
      planned++;
      for (const step of plan) {
        const c = byId.get(step.candidate.balanceId)!;
        const taskId = await createTask(trx, { warehouseId: wh.id, zoneId: c.zone_id, type: 'replenish',
          priority: uncovered ? 85 : 70, sourceBinId: c.binId, targetBinId: f.bin_id, skuId: f.sku_id, lotId: c.lotId,
          ownerId: c.owner_id, stockStatus: 'available', qty: step.qty, refType: 'pick_face', refId: f.id,
          details: { face: f.bin, sku: f.sku, min: f.min_qty, max: f.max_qty, free, allocated, strategy,
            trigger: low ? 'below_min' : 'allocations' } });
        created.push({ taskId, face: f.bin, sku: f.sku, from: c.binCode, lot: c.lotNo, qty: step.qty });
      }
    }
    return { warehouse: wh.code, faces: faces.length, created, skipped, alerts };
  });
}

/**
 * Confirm a replenishment by scanning the pick face it goes to: the stock moves from the source bin
 * (type 'move'), all that is left on the task or qty of it. Refused when either bin is blocked (a count
 * froze it).
 */
export async function confirmReplenish(db: Kysely<DB>, actor: Actor, taskId: number, input: { bin: string; qty?: number }) {
  return inRetriedTransaction(db, async (trx) => {
    const task = await loadTask(trx, taskId, true);
    assertWorkable(task, 'replenish', actor);
    const bins = await trx.selectFrom('bins').select(['id', 'code', 'warehouse_id', 'zone_id', 'blocked'])
      .where('id', 'in', [task.source_bin_id!, task.target_bin_id!]).execute();
    const source = bins.find((b) => b.id === task.source_bin_id)!;
    const target = bins.find((b) => b.id === task.target_bin_id)!;
    assertMayActIn(actor, source, 'bin');
    assertMayActIn(actor, target, 'bin');
    if (input.bin.trim() !== target.code) {
      throw unprocessable('bin', `wrong bin: you scanned ${input.bin.trim()}, this replenishment goes to ${target.code}`);
    }
    if (target.blocked) throw conflict(`${target.code} is blocked (a count may have frozen it)`, 'bin');
    // A frozen source or target (a count is on) is refused by wms_post_movement itself.
    const remaining = Number(task.qty) - Number(task.done_qty);
    const qty = input.qty ?? remaining;
    if (qty > remaining) {
      throw unprocessable('qty', `more than the task: ${remaining} left to replenish, you entered ${qty}`,
        { remaining, entered: qty });
    }
    const sku = await skuById(trx, task.sku_id!);
    const lot = await lotById(trx, task.lot_id);
    const key = { skuId: sku.id, lotId: task.lot_id, ownerId: task.owner_id!, status: task.stock_status ?? 'available' };
    const movement = await postMovement(trx, actor, {
      type: 'move', warehouseId: task.warehouse_id, docRef: `REPL-${task.id}`, reason: `replenish ${target.code}`,
      labels: [`${sku.code} in ${source.code}`, `${sku.code} in ${target.code}`],
      legCodes: [{ bin: source.code, sku: sku.code, lot: lot?.lot_no ?? null },
        { bin: target.code, sku: sku.code, lot: lot?.lot_no ?? null }],
      legs: [
        { ...key, binId: source.id, delta: -qty, counterBinId: target.id },
        { ...key, binId: target.id, delta: qty, counterBinId: source.id },
      ],
    });
    const progress = await progressTask(trx, task, qty, actor);
    return { taskId: task.id, status: progress.status, moved: qty, from: source.code, to: target.code, sku: sku.code,
      lot: lot?.lot_no ?? null, movementId: movement.movementId, seq: movement.seq };
  });
}
