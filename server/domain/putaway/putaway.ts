import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { inRetriedTransaction } from '../../db/transaction.ts';
import { assertMayActIn, type Actor } from '../auth/actor.ts';
import { badInput, conflict } from '../errors.ts';
import { postMovement } from '../inventory/post-movement.ts';
import { palletsFor, palletsSql } from '../masterdata/capacity.ts';
import { warehouseGeometry } from '../masterdata/layout-cache.ts';
import { lotById, requireBin, SKU_COLUMNS, skuById } from '../masterdata/lookup.ts';
import { assertWorkable, createTask, loadTask, progressTask } from '../tasks/tasks.ts';
import {
  checkPutawayFit, suggestPutaway, type CandidateBin, type PutawayItem, type PutawayPolicy,
} from './rules.ts';

/** Stock waiting on a dock or staging bin to be put away. */
export interface StockToPutAway {
  warehouseId: number;
  binId: number;
  zoneId: number;
  skuId: number;
  lotId: number | null;
  ownerId: number;
  qty: number;
}

/** Mixing rules of the warehouse; one policy for now (no mixed lots or owners in a bin, SKUs may share). */
export const DEFAULT_POLICY: PutawayPolicy = { mixSkus: true, mixLots: false, mixOwners: false };

async function putawayItem(db: Kysely<DB>, stock: StockToPutAway, qty: number): Promise<PutawayItem> {
  // One read: the lookup's columns plus units_per_pallet, which only putaway needs.
  const sku = await db.selectFrom('skus').select([...SKU_COLUMNS, 'units_per_pallet']).where('id', '=', stock.skuId)
    .executeTakeFirstOrThrow();
  return {
    skuId: sku.id, skuCode: sku.code, abcClass: sku.abc_class, temperature: sku.temperature,
    unitVolumeM3: sku.length_m * sku.width_m * sku.height_m, unitWeightKg: sku.weight_kg,
    unitsPerPallet: sku.units_per_pallet ?? null,
    lotId: stock.lotId, ownerId: stock.ownerId, qty,
  };
}

/**
 * Candidate bins with what they hold and what open putaways already plan to bring (so two putaways
 * do not both aim at the last free space of one bin). `onlyBinId` loads a single bin (an override).
 */
export async function loadCandidates(db: Kysely<DB>, warehouseId: number, temperature: string | null,
  onlyBinId?: number): Promise<CandidateBin[]> {
  const geometry = await warehouseGeometry(db, warehouseId);
  const rows = await sql<{
    id: number; code: string; zone_code: string; zone_kind: CandidateBin['zoneKind'];
    zone_temperature: CandidateBin['zoneTemperature']; blocked: boolean; max_volume_m3: number; max_weight_kg: number;
    max_units: number | null; max_pallets: number | null; pick_seq: number | null; access_node: string | null;
    used_volume: number; used_weight: number; used_units: number; used_pallets: number; contents: { skuId: number; lotId: number | null; ownerId: number;
      qty: number }[] | null;
  }>`
    with stock as (
      select sb.bin_id, sb.sku_id, sb.lot_id, sb.owner_id, sb.qty from stock_balances sb
        join bins b on b.id = sb.bin_id
       where b.warehouse_id = ${warehouseId} and sb.qty > 0 ${onlyBinId ? sql`and b.id = ${onlyBinId}` : sql``}
      union all
      select t.target_bin_id, t.sku_id, t.lot_id, t.owner_id, t.qty - t.done_qty from tasks t
       where t.warehouse_id = ${warehouseId} and t.type in ('putaway', 'replenish')
         and t.status in ('open','assigned','in_progress') and t.target_bin_id is not null
         ${onlyBinId ? sql`and t.target_bin_id = ${onlyBinId}` : sql``}
    ), per_bin as (
      select s.bin_id, sum(s.qty * k.length_m * k.width_m * k.height_m) as used_volume,
             sum(s.qty * k.weight_kg) as used_weight, sum(s.qty)::int8 as used_units,
             jsonb_agg(jsonb_build_object('skuId', s.sku_id, 'lotId', s.lot_id, 'ownerId', s.owner_id, 'qty', s.qty)) as contents
        from stock s join skus k on k.id = s.sku_id group by s.bin_id
    ), pallets as (
      -- Pallets per bin: per SKU, lot and owner (see masterdata/capacity.ts), planned putaways included.
      select g.bin_id, sum(${palletsSql(sql.ref('g.qty'), sql.ref('k.units_per_pallet'))})::int8 as used_pallets
        from (select bin_id, sku_id, lot_id, owner_id, sum(qty) as qty from stock
               group by bin_id, sku_id, lot_id, owner_id) g
        join skus k on k.id = g.sku_id group by g.bin_id
    )
    select b.id, b.code, z.code as zone_code, z.kind as zone_kind, z.temperature as zone_temperature,
           b.blocked or b.frozen as blocked,
           b.max_volume_m3, b.max_weight_kg, b.max_units, b.max_pallets, b.pick_seq, b.access_node,
           coalesce(pl.used_pallets, 0)::int8 as used_pallets,
           coalesce(p.used_volume, 0)::float8 as used_volume, coalesce(p.used_weight, 0)::float8 as used_weight,
           coalesce(p.used_units, 0)::int8 as used_units, p.contents
      from bins b join zones z on z.id = b.zone_id left join per_bin p on p.bin_id = b.id
      left join pallets pl on pl.bin_id = b.id
     where b.warehouse_id = ${warehouseId}
       ${onlyBinId ? sql`and b.id = ${onlyBinId}` : sql`and z.kind in ('storage','pick_face','bulk')`}
       ${temperature && !onlyBinId ? sql`and z.temperature = ${temperature}` : sql``}`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id, code: r.code, zoneCode: r.zone_code, zoneKind: r.zone_kind, zoneTemperature: r.zone_temperature,
    blocked: r.blocked, maxVolumeM3: r.max_volume_m3, maxWeightKg: r.max_weight_kg, maxUnits: r.max_units,
    maxPallets: r.max_pallets, usedVolumeM3: r.used_volume, usedWeightKg: r.used_weight, usedUnits: Number(r.used_units),
    usedPallets: Number(r.used_pallets),
    contents: (r.contents ?? []).filter((c) => c.qty > 0),
    travelM: geometry.fromDocks.get(r.access_node ?? '') ?? 1e6, pickSeq: r.pick_seq ?? 0,
  }));
}

/**
 * Create a putaway task for stock on a dock/staging bin, aimed at the best bin the rules find, with
 * the explanation in its details. When nothing fits, the task has no target and says why.
 */
export async function planPutaway(db: Kysely<DB>, stock: StockToPutAway, ref: { refType: string; refId: number },
  priority = 50): Promise<{ taskId: number; targetBin: string | null }> {
  const item = await putawayItem(db, stock, stock.qty);
  const candidates = await loadCandidates(db, stock.warehouseId, item.temperature);
  const result = suggestPutaway(item, candidates, DEFAULT_POLICY, 3);
  const best = result.suggestions[0];
  const taskId = await createTask(db, {
    warehouseId: stock.warehouseId, zoneId: stock.zoneId, type: 'putaway', priority,
    sourceBinId: stock.binId, targetBinId: best?.binId ?? null, skuId: stock.skuId, lotId: stock.lotId,
    ownerId: stock.ownerId, stockStatus: 'available', qty: stock.qty, refType: ref.refType, refId: ref.refId,
    details: { suggestion: best ?? null, alternatives: result.suggestions.slice(1), rejected: result.rejected,
      ...(best ? {} : { problem: 'no bin fits this stock: see rejected for how many bins each rule excluded' }) },
  });
  return { taskId, targetBin: best?.code ?? null };
}

/** Suggestions for an open putaway task, for a PDA that wants alternatives. */
export async function suggestForTask(db: Kysely<DB>, actor: Actor, taskId: number) {
  const task = await loadTask(db, taskId);
  assertWorkable(task, 'putaway', actor);
  const stock = taskStock(task);
  const item = await putawayItem(db, stock, Number(task.qty) - Number(task.done_qty));
  const candidates = (await loadCandidates(db, stock.warehouseId, item.temperature))
    .map((c) => (c.id === task.target_bin_id ? withoutPlanned(c, task, item) : c));
  return suggestPutaway(item, candidates, DEFAULT_POLICY, 5);
}

function taskStock(task: Awaited<ReturnType<typeof loadTask>>): StockToPutAway {
  return { warehouseId: task.warehouse_id, binId: task.source_bin_id!, zoneId: task.zone_id ?? 0, skuId: task.sku_id!,
    lotId: task.lot_id, ownerId: task.owner_id!, qty: Number(task.qty) - Number(task.done_qty) };
}

/** A task's own planned quantity must not count against the bin it is planned for. */
function withoutPlanned(c: CandidateBin, task: { qty: number | null; done_qty: number; sku_id: number | null },
  item: PutawayItem): CandidateBin {
  const planned = Number(task.qty) - Number(task.done_qty);
  let left = planned;
  const contents = c.contents.map((x) => {
    if (left > 0 && x.skuId === task.sku_id && x.lotId === item.lotId && x.ownerId === item.ownerId) {
      const take = Math.min(left, x.qty);
      left -= take;
      return { ...x, qty: x.qty - take };
    }
    return x;
  }).filter((x) => x.qty > 0);
  const group = (list: CandidateBin['contents']) => list.reduce((sum, x) => sum + (x.skuId === task.sku_id
    && x.lotId === item.lotId && x.ownerId === item.ownerId ? x.qty : 0), 0);
  const freedPallets = palletsFor(group(c.contents), item.unitsPerPallet) - palletsFor(group(contents), item.unitsPerPallet);
  return { ...c, contents, usedUnits: c.usedUnits - planned, usedVolumeM3: c.usedVolumeM3 - planned * item.unitVolumeM3,
    usedWeightKg: c.usedWeightKg - planned * item.unitWeightKg, usedPallets: c.usedPallets - freedPallets };
}

export interface ConfirmPutawayInput {
  /** The scanned bin code. */
  bin: string;
  /** Default: all that is left on the task. */
  qty?: number;
  /** Required when the scanned bin is not the suggested one. */
  reason?: string;
}

/**
 * Confirm a putaway by scanning the bin. The suggested bin is taken as is; another bin needs a reason
 * and must pass the same rules (capacity, temperature, mixing). Moves the stock in one movement.
 */
export async function confirmPutaway(db: Kysely<DB>, actor: Actor, taskId: number, input: ConfirmPutawayInput) {
  return inRetriedTransaction(db, async (trx) => {
    const task = await loadTask(trx, taskId, true);
    assertWorkable(task, 'putaway', actor);
    const remaining = Number(task.qty) - Number(task.done_qty);
    const qty = input.qty ?? remaining;
    if (qty > remaining) throw conflict(`the task has ${remaining} left to put away, not ${qty}`, 'qty');
    const target = await requireBin(trx, input.bin, 'bin', { warehouseId: task.warehouse_id });
    const source = await trx.selectFrom('bins').select(['id', 'code', 'warehouse_id', 'zone_id'])
      .where('id', '=', task.source_bin_id!).executeTakeFirstOrThrow();
    assertMayActIn(actor, source, 'bin');
    assertMayActIn(actor, target, 'bin');
    if (target.id === source.id) throw badInput('bin', `${target.code} is where the stock already is`);
    const overridden = target.id !== task.target_bin_id;
    if (overridden) {
      if (!input.reason) {
        throw badInput('reason', `you scanned ${target.code}, the task suggests `
          + `${task.target_bin_id ? (await binCode(trx, task.target_bin_id)) : 'no bin'}: give a reason for the other bin`);
      }
      const item = await putawayItem(trx, taskStock(task), qty);
      const [candidate] = await loadCandidates(trx, task.warehouse_id, null, target.id);
      const fit = checkPutawayFit(item, candidate!, DEFAULT_POLICY);
      if (!fit.ok) throw conflict(fit.message, 'bin', { rule: fit.rule });
    }
    const sku = await skuById(trx, task.sku_id!);
    const lot = await lotById(trx, task.lot_id);
    const movement = await postMovement(trx, actor, {
      type: 'putaway', warehouseId: task.warehouse_id, docRef: `TASK-${task.id}`,
      reason: overridden ? input.reason : 'putaway',
      labels: [`${sku.code} in ${source.code}`, `${sku.code} in ${target.code}`],
      legCodes: [{ bin: source.code, sku: sku.code, lot: lot?.lot_no ?? null },
        { bin: target.code, sku: sku.code, lot: lot?.lot_no ?? null }],
      legs: [
        { binId: source.id, skuId: sku.id, lotId: task.lot_id, ownerId: task.owner_id!, status: 'available',
          delta: -qty, counterBinId: target.id },
        { binId: target.id, skuId: sku.id, lotId: task.lot_id, ownerId: task.owner_id!, status: 'available',
          delta: qty, counterBinId: source.id },
      ],
    });
    const progress = await progressTask(trx, task, qty, actor,
      overridden ? { overriddenTo: target.code, overrideReason: input.reason } : {});
    return { taskId: task.id, status: progress.status, doneQty: progress.doneQty, bin: target.code,
      movementId: movement.movementId, seq: movement.seq };
  });
}

async function binCode(db: Kysely<DB>, id: number) {
  return (await db.selectFrom('bins').select('code').where('id', '=', id).executeTakeFirstOrThrow()).code;
}
