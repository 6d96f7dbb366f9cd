import { sql, type Kysely, type Transaction } from 'kysely';
import type { CountKind, CountStatus, DB } from '../../db/schema.ts';
import { inRetriedTransaction } from '../../db/transaction.ts';
import type { Actor } from '../auth/actor.ts';
import { roleHas } from '../auth/permissions.ts';
import { assertWarehouseScope, assertWarehouseVisible } from '../auth/scope.ts';
import { appendEvent, raiseAlert } from '../events.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { postMovement, type Leg, type LegCodes } from '../inventory/post-movement.ts';
import { requireBin, requireWarehouse } from '../masterdata/lookup.ts';
import { cancelTasks, createTask, type TaskRow } from '../tasks/tasks.ts';
import { binClass, isDue, nextDue, type AbcClass } from './cycle.ts';
import { pageRows } from '../paging.ts';

/**
 * Stock counts. A count covers bins; when it starts it snapshots the book of each bin as its lines
 * (one per balance key, or one line without SKU for a bin the book says is empty) and gives each bin a
 * `count` task. Counters count by scan (see count-scan.ts), blind by default. A line whose variance
 * exceeds the count's tolerance asks for one recount, which is final. When every line is counted the
 * count is in review; a manager approves it, which posts the variances to the ledger ('count_variance'),
 * raises an alert per line with a variance, closes the tasks and unfreezes the bins.
 *
 * Freezing (periodic counts, by default): the count blocks the bins it covers that were not blocked
 * already and remembers them, approval or cancellation unblocks exactly those. A blocked bin takes no
 * stock in (moves, gains, receipts, putaway, replenishment refuse it) and is never allocated; the open
 * count tasks also keep allocation away from every counted bin, frozen or not.
 */

export const OPEN_COUNT: readonly CountStatus[] = ['open', 'counting', 'review'];
const OPEN_TASK = ['open', 'assigned', 'in_progress'] as const;
const PREFIX: Record<CountKind, string> = { periodic: 'PC', cycle: 'CC', dynamic: 'DC' };
const PRIORITY: Record<CountKind, number> = { periodic: 60, cycle: 40, dynamic: 80 };
/** Zones whose stock cycle counting covers (staging, dock, QC and quarantine stock is in transit or on hold). */
const CYCLE_ZONES = ['storage', 'pick_face', 'bulk'] as const;

export interface CountInput {
  warehouse: string;
  kind: 'periodic' | 'dynamic';
  /** Periodic: the zone counted whole. */
  zone?: string;
  /** Dynamic: the bins to count. */
  bins?: string[];
  code?: string;
  blind?: boolean;
  tolerancePct?: number;
  /** Block the bins while the count runs (default: periodic yes, dynamic no). */
  freeze?: boolean;
}

interface NewCount {
  warehouseId: number;
  kind: CountKind;
  zoneId: number | null;
  trigger: string;
  code?: string;
  blind?: boolean;
  tolerancePct?: number;
  freeze: boolean;
  binIds: number[];
  /** Use this task for the (single) bin instead of creating one: a count task made elsewhere (short pick). */
  existingTask?: TaskRow;
}

/** Bins (of those given) already covered by an open count or an open count task, with what covers them. */
async function busyBins(trx: Kysely<DB>, binIds: number[]) {
  const busy = new Map<number, string>();
  if (!binIds.length) return busy;
  const lines = await trx.selectFrom('count_lines as cl').innerJoin('counts as c', 'c.id', 'cl.count_id')
    .select(['cl.bin_id', 'c.code']).where('cl.bin_id', 'in', binIds).where('c.status', 'in', OPEN_COUNT).execute();
  for (const l of lines) busy.set(l.bin_id, `count ${l.code}`);
  const tasks = await trx.selectFrom('tasks').select(['id', 'source_bin_id']).where('type', '=', 'count')
    .where('status', 'in', OPEN_TASK).where('source_bin_id', 'in', binIds).execute();
  for (const t of tasks) if (!busy.has(t.source_bin_id!)) busy.set(t.source_bin_id!, `count task ${t.id}`);
  return busy;
}

/** Insert a count, its lines (the book now) and its tasks; freeze its bins if asked. */
async function startCount(trx: Transaction<DB>, actor: Actor, c: NewCount) {
  const { rows } = await sql<{ id: number }>`select nextval(pg_get_serial_sequence('counts', 'id'))::int8 as id`
    .execute(trx);
  const id = rows[0]!.id;
  const code = c.code ?? `${PREFIX[c.kind]}-${String(id).padStart(5, '0')}`;
  const clash = await trx.selectFrom('counts').select('id').where('warehouse_id', '=', c.warehouseId)
    .where('code', '=', code).executeTakeFirst();
  if (clash) throw conflict(`a count ${code} already exists in this warehouse`, 'code');
  await trx.insertInto('counts').values({
    id, warehouse_id: c.warehouseId, code, kind: c.kind, zone_id: c.zoneId, trigger: c.trigger,
    blind: c.blind ?? true, tolerance_pct: c.tolerancePct ?? 0, freeze: c.freeze, created_by: actor.userId || null,
    approved_by: null, approved_at: null, movement_id: null,
  }).execute();

  const bins = await trx.selectFrom('bins').select(['id', 'code', 'zone_id', 'blocked']).where('id', 'in', c.binIds)
    .orderBy('pick_seq').orderBy('id').execute();
  const book = await trx.selectFrom('stock_balances').select(['bin_id', 'sku_id', 'lot_id', 'owner_id', 'status', 'qty'])
    .where('bin_id', 'in', c.binIds).where('qty', '>', 0).orderBy('bin_id').orderBy('sku_id').orderBy('id').execute();
  const lines = [];
  for (const bin of bins) {
    const taskId = c.existingTask?.id ?? await createTask(trx, {
      warehouseId: c.warehouseId, zoneId: bin.zone_id, type: 'count', sourceBinId: bin.id, priority: PRIORITY[c.kind],
      refType: 'count', refId: id, details: { countId: id, count: code, kind: c.kind, trigger: c.trigger,
        blind: c.blind ?? true } });
    const held = book.filter((b) => b.bin_id === bin.id);
    if (!held.length) {
      lines.push({ count_id: id, bin_id: bin.id, sku_id: null, lot_id: null, owner_id: null, expected_qty: 0,
        task_id: taskId });
    }
    for (const b of held) {
      lines.push({ count_id: id, bin_id: bin.id, sku_id: b.sku_id, lot_id: b.lot_id, owner_id: b.owner_id,
        stock_status: b.status, expected_qty: b.qty, task_id: taskId });
    }
  }
  for (let i = 0; i < lines.length; i += 500) {
    await trx.insertInto('count_lines').values(lines.slice(i, i + 500).map((l) => ({
      ...l, counted_qty: null, recount_qty: null, final_qty: null, variance: null, counted_by: null, counted_at: null,
    }))).execute();
  }
  if (c.existingTask) {
    await trx.updateTable('tasks').set({ updated_at: new Date(),
      details: sql`details || ${JSON.stringify({ countId: id, count: code, kind: c.kind })}::jsonb` })
      .where('id', '=', c.existingTask.id).execute();
  }
  if (c.freeze) {
    const frozen = await trx.updateTable('bins').set({ frozen: true }).where('id', 'in', c.binIds)
      .where('frozen', '=', false).returning('id').execute();
    await trx.updateTable('counts').set({ frozen_bin_ids: JSON.stringify(frozen.map((b) => b.id)) })
      .where('id', '=', id).execute();
  }
  return { id, code, bins: bins.length, lines: lines.length };
}

/** Start a periodic (whole zone, frozen) or dynamic (given bins) count. */
export async function createCount(db: Kysely<DB>, actor: Actor, input: CountInput) {
  const wh = await requireWarehouse(db, input.warehouse);
  assertWarehouseScope(actor, wh.id, 'warehouse');
  return inRetriedTransaction(db, async (trx) => {
    let binIds: number[];
    let zoneId: number | null = null;
    let fields: string[];
    if (input.kind === 'periodic') {
      if (input.zone === undefined) throw badInput('zone', 'a periodic count covers one zone: name it');
      if (input.bins !== undefined) throw badInput('bins', 'a periodic count covers its whole zone; leave bins out');
      const zone = await trx.selectFrom('zones').select(['id', 'code']).where('warehouse_id', '=', wh.id)
        .where('code', '=', input.zone).executeTakeFirst();
      if (!zone) throw notFound('zone', `warehouse ${wh.code} has no zone ${input.zone}`);
      zoneId = zone.id;
      const bins = await trx.selectFrom('bins').select('id').where('zone_id', '=', zone.id).orderBy('id').forUpdate()
        .execute();
      if (!bins.length) throw conflict(`zone ${zone.code} has no bins`, 'zone');
      binIds = bins.map((b) => b.id);
      fields = binIds.map(() => 'zone');
    } else {
      if (input.zone !== undefined) throw badInput('zone', 'a dynamic count names its bins; leave zone out');
      if (!input.bins?.length) throw badInput('bins', 'name the bins to count');
      binIds = [];
      fields = [];
      for (const [i, code] of input.bins.entries()) {
        const bin = await requireBin(trx, code, `bins[${i}]`, { warehouseId: wh.id });
        if (binIds.includes(bin.id)) throw badInput(`bins[${i}]`, `bin ${code} is listed twice`);
        binIds.push(bin.id);
        fields.push(`bins[${i}]`);
      }
      await trx.selectFrom('bins').select('id').where('id', 'in', binIds).orderBy('id').forUpdate().execute();
    }
    const busy = await busyBins(trx, binIds);
    const first = binIds.findIndex((b) => busy.has(b));
    if (first >= 0) {
      const bin = await trx.selectFrom('bins').select('code').where('id', '=', binIds[first]!).executeTakeFirstOrThrow();
      throw conflict(`bin ${bin.code} is already being counted (${busy.get(binIds[first]!)})`, fields[first]);
    }
    const started = await startCount(trx, actor, { warehouseId: wh.id, kind: input.kind, zoneId,
      trigger: input.kind === 'periodic' ? 'periodic' : 'manual', code: input.code, blind: input.blind,
      tolerancePct: input.tolerancePct, freeze: input.freeze ?? input.kind === 'periodic', binIds });
    return getCountIn(trx, actor, started.id);
  });
}

/**
 * A cycle count of the bins that are due by ABC class (A 30 days, B 90, C 365 since their last approved
 * count; never counted = due), in storage, pick-face and bulk zones, holding stock and not being counted
 * already. Meant for a cron job or the demo; returns count null when nothing is due.
 */
export async function scheduleCycleCount(db: Kysely<DB>, actor: Actor, input: { warehouse: string }) {
  const wh = await requireWarehouse(db, input.warehouse);
  assertWarehouseScope(actor, wh.id, 'warehouse');
  const now = new Date();
  return inRetriedTransaction(db, async (trx) => {
    const { rows } = await sql<{ bin_id: number; code: string; classes: string; last: Date | string | null }>`
      select b.id as bin_id, b.code, string_agg(distinct s.abc_class, '') as classes,
             (select max(c.approved_at) from count_lines cl join counts c on c.id = cl.count_id
               where cl.bin_id = b.id and c.status = 'approved') as last
        from bins b
        join zones z on z.id = b.zone_id
        join stock_balances sb on sb.bin_id = b.id and sb.qty > 0
        join skus s on s.id = sb.sku_id
       where b.warehouse_id = ${wh.id} and z.kind in (${sql.join(CYCLE_ZONES)})
       group by b.id, b.code, b.pick_seq
       order by b.pick_seq, b.id`.execute(trx);
    const busy = await busyBins(trx, rows.map((r) => r.bin_id));
    const due = rows.flatMap((r) => {
      const cls = binClass(r.classes.split('') as AbcClass[])!;
      const last = r.last === null ? null : new Date(r.last);
      if (busy.has(r.bin_id) || !isDue(cls, last, now)) return [];
      return [{ binId: r.bin_id, bin: r.code, class: cls, lastCounted: last?.toISOString() ?? null,
        dueSince: nextDue(cls, last, now).toISOString() }];
    });
    if (!due.length) {
      return { count: null, due: [], message: `no bin of ${wh.code} is due for a cycle count` };
    }
    await trx.selectFrom('bins').select('id').where('id', 'in', due.map((d) => d.binId)).orderBy('id').forUpdate()
      .execute();
    const started = await startCount(trx, actor, { warehouseId: wh.id, kind: 'cycle', zoneId: null,
      trigger: 'abc_schedule', freeze: false, binIds: due.map((d) => d.binId) });
    return { count: await getCountIn(trx, actor, started.id), due: due.map(({ binId: _, ...d }) => d) };
  });
}

/**
 * The count a count task belongs to. A count task made elsewhere (a short pick orders a count of the
 * bin) becomes a dynamic count of its bin the first time it is worked on.
 */
export async function countForTask(trx: Transaction<DB>, actor: Actor, task: TaskRow) {
  let countId: number | undefined;
  if (task.ref_type === 'count') countId = task.ref_id!;
  else {
    const line = await trx.selectFrom('count_lines').select('count_id').where('task_id', '=', task.id)
      .executeTakeFirst();
    countId = line?.count_id;
  }
  if (countId === undefined) {
    if (task.source_bin_id === null) throw conflict(`count task ${task.id} names no bin`, 'id');
    const trigger = String((task.details as { trigger?: unknown }).trigger ?? task.ref_type ?? 'task');
    await trx.selectFrom('bins').select('id').where('id', '=', task.source_bin_id).forUpdate().execute();
    countId = (await startCount(trx, actor, { warehouseId: task.warehouse_id, kind: 'dynamic', zoneId: null, trigger,
      freeze: false, binIds: [task.source_bin_id], existingTask: task })).id;
  }
  return trx.selectFrom('counts').selectAll().where('id', '=', countId).forUpdate().executeTakeFirstOrThrow();
}

async function lockCount(trx: Transaction<DB>, id: number) {
  const count = await trx.selectFrom('counts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!count) throw notFound('id', `no count ${id}`);
  return count;
}

async function countTaskIds(trx: Transaction<DB>, countId: number) {
  const rows = await trx.selectFrom('count_lines').select('task_id').distinct().where('count_id', '=', countId)
    .where('task_id', 'is not', null).execute();
  return rows.map((r) => r.task_id!);
}

async function unfreeze(trx: Transaction<DB>, frozen: number[]) {
  if (frozen.length) await trx.updateTable('bins').set({ frozen: false }).where('id', 'in', frozen).execute();
}

const frozenIds = (value: unknown) => (Array.isArray(value) ? value.map(Number) : []);

/**
 * Approve a count in review: post every non-zero variance (final - expected) as one 'count_variance'
 * movement, never below what is reserved; raise an alert per line with a variance; close the tasks;
 * unfreeze the bins.
 */
export async function approveCount(db: Kysely<DB>, actor: Actor, id: number) {
  return inRetriedTransaction(db, async (trx) => {
    const count = await lockCount(trx, id);
    assertWarehouseScope(actor, count.warehouse_id, 'id');
    if (count.status !== 'review') {
      throw conflict(`count ${count.code} is ${count.status}: only a count in review (every line counted) can be approved`,
        'id');
    }
    const lines = await lineView(trx).where('cl.count_id', '=', id).where('cl.variance', '<>', 0)
      .where('cl.variance', 'is not', null).orderBy('cl.id').execute();
    const legs: Leg[] = [];
    const labels: string[] = [];
    const legCodes: LegCodes[] = [];
    for (const [i, l] of lines.entries()) {
      const v = Number(l.variance);
      const what = `${l.sku}${l.lot ? ` lot ${l.lot}` : ''} in ${l.bin}`;
      if (v < 0) {
        const bal = await trx.selectFrom('stock_balances').select(['qty', 'reserved']).where('bin_id', '=', l.bin_id)
          .where('sku_id', '=', l.sku_id!).where('lot_key', '=', l.lot_id ?? 0).where('owner_id', '=', l.owner_id!)
          .where('status', '=', l.stock_status).forUpdate().executeTakeFirst();
        const qty = Number(bal?.qty ?? 0);
        const reserved = Number(bal?.reserved ?? 0);
        if (qty + v < reserved) {
          throw conflict(`line ${l.id} (${what}): a loss of ${-v} would leave ${qty + v} for ${reserved} reserved; `
            + 'pick or release those allocations first, then approve', `lines[${i}]`,
          { lineId: l.id, bin: l.bin, sku: l.sku, lot: l.lot, loss: -v, qty, reserved });
        }
      }
      legs.push({ binId: l.bin_id, skuId: l.sku_id!, lotId: l.lot_id, ownerId: l.owner_id!, status: l.stock_status,
        delta: v });
      labels.push(`line ${l.id} (${what})`);
      legCodes.push({ bin: l.bin, sku: l.sku!, lot: l.lot, owner: l.owner! });
    }
    const movement = legs.length ? await postMovement(trx, actor, { type: 'count_variance',
      warehouseId: count.warehouse_id, docRef: count.code, reason: `count ${count.code}`, labels, legCodes, legs })
      : null;
    for (const l of lines) {
      const v = Number(l.variance);
      await raiseAlert(trx, count.warehouse_id, 'count_variance',
        `count ${count.code}: ${v > 0 ? '+' : ''}${v} ${l.sku}${l.lot ? ` lot ${l.lot}` : ''} in ${l.bin}`,
        { countId: id, count: count.code, lineId: l.id, binId: l.bin_id, bin: l.bin, sku: l.sku, lot: l.lot,
          owner: l.owner, expected: l.expected_qty, counted: l.final_qty, variance: v, by: actor.username });
    }
    const now = new Date();
    const taskIds = await countTaskIds(trx, id);
    const tasks = taskIds.length ? await trx.updateTable('tasks').set({ status: 'done', done_at: now, updated_at: now })
      .where('id', 'in', taskIds).where('status', 'in', OPEN_TASK).returning(['id', 'warehouse_id']).execute() : [];
    for (const t of tasks) {
      await appendEvent(trx, 'task.updated', t.warehouse_id, { taskId: t.id, type: 'count', status: 'done',
        countId: id, count: count.code, countStatus: 'approved', by: actor.username });
    }
    await unfreeze(trx, frozenIds(count.frozen_bin_ids));
    await trx.updateTable('counts').set({ status: 'approved', approved_by: actor.userId || null, approved_at: now,
      movement_id: movement?.movementId ?? null }).where('id', '=', id).execute();
    return { id, code: count.code, status: 'approved' as const, movementId: movement?.movementId ?? null,
      seq: movement?.seq ?? null, unfrozen: frozenIds(count.frozen_bin_ids).length,
      variances: lines.map((l) => ({ lineId: l.id, bin: l.bin, sku: l.sku, lot: l.lot, owner: l.owner,
        expected: l.expected_qty, counted: l.final_qty, variance: Number(l.variance) })) };
  });
}

/** Cancel an open count: its tasks are cancelled, its bins unfrozen, nothing is posted. */
export async function cancelCount(db: Kysely<DB>, actor: Actor, id: number, reason?: string) {
  return inRetriedTransaction(db, async (trx) => {
    const count = await lockCount(trx, id);
    assertWarehouseScope(actor, count.warehouse_id, 'id');
    if (!OPEN_COUNT.includes(count.status)) throw conflict(`count ${count.code} is ${count.status}`, 'id');
    await cancelTasks(trx, await countTaskIds(trx, id), reason ?? `count ${count.code} cancelled`);
    await unfreeze(trx, frozenIds(count.frozen_bin_ids));
    await trx.updateTable('counts').set({ status: 'cancelled' }).where('id', '=', id).execute();
    return { id, code: count.code, status: 'cancelled' as const, unfrozen: frozenIds(count.frozen_bin_ids).length };
  });
}

// ------------------------------------------------------------------ reading

export function lineView(db: Kysely<DB>) {
  return db.selectFrom('count_lines as cl').innerJoin('bins as b', 'b.id', 'cl.bin_id')
    .innerJoin('zones as z', 'z.id', 'b.zone_id')
    .leftJoin('skus as s', 's.id', 'cl.sku_id').leftJoin('lots as l', 'l.id', 'cl.lot_id')
    .leftJoin('owners as o', 'o.id', 'cl.owner_id').leftJoin('users as u', 'u.id', 'cl.counted_by')
    .select(['cl.id', 'cl.count_id', 'cl.bin_id', 'cl.sku_id', 'cl.lot_id', 'cl.owner_id', 'cl.stock_status',
      'cl.status', 'cl.expected_qty', 'cl.counted_qty', 'cl.recount_qty', 'cl.final_qty', 'cl.variance',
      'cl.counted_at', 'cl.task_id', 'b.code as bin', 'z.code as zone', 's.code as sku', 'l.lot_no as lot',
      'o.code as owner', 'u.username as counted_by']);
}

/** Expected quantities and variances: to managers, for counts that are not blind, and once counting is over. */
const showsBook = (actor: Actor, count: { blind: boolean; status: CountStatus }) =>
  !count.blind || roleHas(actor.role, 'tasks:manage') || !['open', 'counting'].includes(count.status);

export async function getCount(db: Kysely<DB>, actor: Actor, id: number) {
  return getCountIn(db, actor, id);
}

async function getCountIn(db: Kysely<DB>, actor: Actor, id: number) {
  const count = await db.selectFrom('counts as c').innerJoin('warehouses as w', 'w.id', 'c.warehouse_id')
    .leftJoin('zones as z', 'z.id', 'c.zone_id').leftJoin('users as cu', 'cu.id', 'c.created_by')
    .leftJoin('users as au', 'au.id', 'c.approved_by')
    .select(['c.id', 'c.code', 'c.kind', 'c.status', 'c.trigger', 'c.blind', 'c.tolerance_pct', 'c.freeze',
      'c.warehouse_id', 'w.code as warehouse', 'z.code as zone', 'c.created_at', 'cu.username as created_by',
      'c.approved_at', 'au.username as approved_by', 'c.movement_id', 'c.frozen_bin_ids'])
    .where('c.id', '=', id).executeTakeFirst();
  if (!count) throw notFound('id', `no count ${id}`);
  await assertWarehouseVisible(db, actor, count.warehouse_id, 'id');
  const book = showsBook(actor, count);
  const lines = await lineView(db).where('cl.count_id', '=', id).orderBy('b.pick_seq').orderBy('cl.bin_id')
    .orderBy('cl.id').execute();
  const tasks = [...new Set(lines.map((l) => l.task_id).filter((t): t is number => t !== null))];
  const { frozen_bin_ids: frozen, ...rest } = count;
  return {
    ...rest, frozenBins: frozenIds(frozen).length, tasks,
    summary: { lines: lines.length, counted: lines.filter((l) => l.status === 'counted').length,
      recount: lines.filter((l) => l.status === 'recount').length,
      withVariance: book ? lines.filter((l) => l.variance !== null && Number(l.variance) !== 0).length : undefined },
    lines: lines.map((l) => ({ id: l.id, bin: l.bin, zone: l.zone, sku: l.sku, lot: l.lot, owner: l.owner,
      stock_status: l.stock_status, status: l.status, task_id: l.task_id, counted_qty: l.counted_qty,
      recount_qty: l.recount_qty, final_qty: l.final_qty, counted_by: l.counted_by, counted_at: l.counted_at,
      ...(book ? { expected_qty: l.expected_qty, variance: l.variance } : {}) })),
  };
}

export async function listCounts(db: Kysely<DB>, actor: Actor, f: { warehouse?: string; status?: CountStatus;
  kind?: CountKind; limit?: number; offset?: number }) {
  let q = db.selectFrom('counts as c').innerJoin('warehouses as w', 'w.id', 'c.warehouse_id')
    .leftJoin('zones as z', 'z.id', 'c.zone_id')
    .select((eb) => ['c.id', 'c.code', 'c.kind', 'c.status', 'c.trigger', 'c.blind', 'c.freeze', 'w.code as warehouse',
      'z.code as zone', 'c.created_at', 'c.approved_at',
      eb.selectFrom('count_lines as cl').select((e) => e.fn.countAll<number>().as('n')).whereRef('cl.count_id', '=', 'c.id')
        .as('lines'),
      eb.selectFrom('count_lines as cl').select((e) => e.fn.countAll<number>().as('n')).whereRef('cl.count_id', '=', 'c.id')
        .where('cl.status', '=', 'counted').as('counted')]);
  if (f.warehouse) q = q.where('w.code', '=', f.warehouse);
  if (f.status) q = q.where('c.status', '=', f.status);
  if (f.kind) q = q.where('c.kind', '=', f.kind);
  if (actor.scope) {
    const zones = [...actor.scope.zones, -1];
    q = q.where((eb) => eb.or([eb('c.warehouse_id', 'in', [...actor.scope!.warehouses, -1]),
      eb.exists(eb.selectFrom('zones as sz').select('sz.id').whereRef('sz.warehouse_id', '=', 'c.warehouse_id')
        .where('sz.id', 'in', zones))]));
  }
  const { items, total } = await pageRows(db, q.orderBy('c.id', 'desc'), { limit: f.limit ?? 100, offset: f.offset ?? 0 });
  return { items: items.map((r) => ({ ...r, lines: Number(r.lines), counted: Number(r.counted) })), total };
}

/**
 * Inventory record accuracy per zone over approved counts: lines counted, lines whose final count
 * matched the book, accuracy in percent, and units of variance (absolute and net).
 */
export async function countAccuracy(db: Kysely<DB>, actor: Actor, f: { warehouse: string }) {
  const wh = await requireWarehouse(db, f.warehouse);
  await assertWarehouseVisible(db, actor, wh.id, 'warehouse');
  const { rows } = await sql<{ zone: string; name: string; counts: number; lines: number; exact: number;
    units_expected: number; units_variance: number; net_variance: number }>`
    select z.code as zone, z.name, count(distinct c.id)::int8 as counts, count(*)::int8 as lines,
           count(*) filter (where cl.variance = 0)::int8 as exact,
           coalesce(sum(cl.expected_qty), 0)::int8 as units_expected,
           coalesce(sum(abs(cl.variance)), 0)::int8 as units_variance,
           coalesce(sum(cl.variance), 0)::int8 as net_variance
      from count_lines cl
      join counts c on c.id = cl.count_id
      join bins b on b.id = cl.bin_id
      join zones z on z.id = b.zone_id
     where c.warehouse_id = ${wh.id} and c.status = 'approved'
     group by z.code, z.name
     order by z.code`.execute(db);
  const pct = (exact: number, lines: number) => (lines ? Math.round((1000 * exact) / lines) / 10 : null);
  const zones = rows.map((r) => ({ zone: r.zone, name: r.name, counts: r.counts, linesCounted: r.lines,
    linesExact: r.exact, accuracyPct: pct(r.exact, r.lines), unitsExpected: r.units_expected,
    unitsVariance: r.units_variance, netVariance: r.net_variance }));
  const sum = (k: 'linesCounted' | 'linesExact' | 'unitsExpected' | 'unitsVariance' | 'netVariance') =>
    zones.reduce((a, z) => a + z[k], 0);
  return { warehouse: wh.code, zones, total: { linesCounted: sum('linesCounted'), linesExact: sum('linesExact'),
    accuracyPct: pct(sum('linesExact'), sum('linesCounted')), unitsExpected: sum('unitsExpected'),
    unitsVariance: sum('unitsVariance'), netVariance: sum('netVariance') } };
}
