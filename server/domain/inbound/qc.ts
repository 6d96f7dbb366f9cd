import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { inRetriedTransaction } from '../../db/transaction.ts';
import { assertMayActIn, type Actor } from '../auth/actor.ts';
import { appendEvent } from '../events.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { postMovement, type Leg } from '../inventory/post-movement.ts';
import { firstBinOfKind, lotById, skuById } from '../masterdata/lookup.ts';
import { planPutaway } from '../putaway/putaway.ts';
import { assertWorkable, loadTask, progressTask } from '../tasks/tasks.ts';

export interface QcResultInput {
  result: 'pass' | 'fail' | 'partial';
  /** For partial: how many passed; the rest failed. */
  passedQty?: number;
  /** Where failed stock goes: quarantine (moved to a quarantine bin, on hold) or damaged (marked in place). */
  disposition?: 'quarantine' | 'damaged';
  note?: string;
}

/**
 * Record a QC inspection: passed stock is released (qc -> available) and gets a putaway task; failed
 * stock is moved to quarantine on hold, or marked damaged where it stands. One movement for both.
 */
export async function recordQcResult(db: Kysely<DB>, actor: Actor, inspectionId: number, input: QcResultInput) {
  return inRetriedTransaction(db, async (trx) => {
    const qc = await trx.selectFrom('qc_inspections').selectAll().where('id', '=', inspectionId).forUpdate()
      .executeTakeFirst();
    if (!qc) throw notFound('id', `no QC inspection ${inspectionId}`);
    if (qc.status === 'done') throw conflict(`QC inspection ${inspectionId} is already recorded (${qc.result})`, 'id');
    const task = qc.task_id ? await loadTask(trx, qc.task_id, true) : undefined;
    if (task) assertWorkable(task, 'qc', actor);
    const bin = await trx.selectFrom('bins').select(['id', 'code', 'warehouse_id', 'zone_id'])
      .where('id', '=', qc.bin_id).executeTakeFirstOrThrow();
    assertMayActIn(actor, bin, 'id');

    const total = Number(qc.qty);
    let passed: number;
    if (input.result === 'pass') passed = total;
    else if (input.result === 'fail') passed = 0;
    else {
      if (input.passedQty === undefined) throw badInput('passedQty', 'a partial result says how many passed');
      if (input.passedQty <= 0 || input.passedQty >= total) {
        throw badInput('passedQty', `must be between 1 and ${total - 1} for a partial result of ${total} units`);
      }
      passed = input.passedQty;
    }
    const failed = total - passed;
    if (failed > 0 && !input.disposition) badInputDisposition();
    if (input.result === 'pass' && input.disposition) throw badInput('disposition', 'a passed inspection has nothing to dispose of');

    const key = { skuId: qc.sku_id, lotId: qc.lot_id, ownerId: qc.owner_id };
    const legs: Leg[] = [{ ...key, binId: bin.id, status: 'qc', delta: -total }];
    if (passed > 0) legs.push({ ...key, binId: bin.id, status: 'available', delta: passed });
    let quarantineBin: { id: number; code: string } | undefined;
    if (failed > 0 && input.disposition === 'quarantine') {
      quarantineBin = await firstBinOfKind(trx, qc.warehouse_id, ['quarantine', 'qc']);
      if (!quarantineBin) throw conflict('this warehouse has no quarantine or QC bin to move failed stock to', 'disposition');
      legs.push({ ...key, binId: quarantineBin.id, status: 'hold', delta: failed, counterBinId: bin.id });
    } else if (failed > 0) {
      legs.push({ ...key, binId: bin.id, status: 'damaged', delta: failed });
    }
    const sku = await skuById(trx, qc.sku_id);
    const lot = await lotById(trx, qc.lot_id);
    const movement = await postMovement(trx, actor, {
      type: 'status_change', warehouseId: qc.warehouse_id, docRef: `QC-${qc.id}`,
      reason: `QC ${input.result}${input.note ? `: ${input.note}` : ''}`,
      labels: legs.map(() => `${sku.code} in ${bin.code}`),
      legCodes: legs.map((l) => ({ bin: l.binId === bin.id ? bin.code : quarantineBin!.code, sku: sku.code,
        lot: lot?.lot_no ?? null })),
      legs,
    });
    await trx.updateTable('qc_inspections').set({ status: 'done', result: input.result, passed_qty: passed,
      failed_qty: failed, disposition: failed > 0 ? input.disposition! : null, note: input.note ?? null,
      inspected_by: actor.userId || null, done_at: new Date() }).where('id', '=', qc.id).execute();
    if (task) await progressTask(trx, task, total, actor, { result: input.result, passed, failed });
    await appendEvent(trx, 'qc.inspected', qc.warehouse_id, { inspectionId: qc.id, binId: bin.id, result: input.result,
      passed, failed, disposition: failed > 0 ? input.disposition : null });
    const putaway = passed > 0 ? await planPutaway(trx, { warehouseId: qc.warehouse_id, binId: bin.id,
      zoneId: bin.zone_id, ...key, qty: passed }, { refType: 'qc_inspection', refId: qc.id }) : null;
    return { inspectionId: qc.id, result: input.result, passed, failed,
      disposition: failed > 0 ? input.disposition : null, quarantineBin: quarantineBin?.code ?? null,
      movementId: movement.movementId, putaway };
  });
}

function badInputDisposition(): never {
  throw badInput('disposition', 'say where failed stock goes: quarantine or damaged');
}

export async function getQcInspection(db: Kysely<DB>, id: number) {
  const row = await db.selectFrom('qc_inspections as q').innerJoin('skus as s', 's.id', 'q.sku_id')
    .innerJoin('bins as b', 'b.id', 'q.bin_id').leftJoin('lots as l', 'l.id', 'q.lot_id')
    .select(['q.id', 'q.status', 'q.result', 'q.qty', 'q.passed_qty', 'q.failed_qty', 'q.disposition', 'q.note',
      'q.task_id', 'q.receipt_id', 'q.created_at', 'q.done_at', 's.code as sku', 'b.code as bin', 'l.lot_no as lot'])
    .where('q.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('id', `no QC inspection ${id}`);
  return row;
}
