import { sql, type Kysely } from 'kysely';
import type { DB, StockStatus, TaskStatus, TaskType } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { mayActIn, type Actor } from '../auth/actor.ts';
import { whereMayActIn } from '../auth/scope.ts';
import { appendEvent } from '../events.ts';
import { badInput, conflict, forbidden, notFound } from '../errors.ts';
import { pageRows } from '../paging.ts';

/**
 * Tasks: every physical step (putaway, pick, replenish, count, move, QC inspection) with a status,
 * priority, assignee (operator or AGV) and source/target bins. Operators, PDA pages, the AGV fleet and
 * the twin all read them; each change is an outbox event.
 */
export interface NewTask {
  warehouseId: number;
  zoneId: number | null;
  type: TaskType;
  priority?: number;
  sourceBinId?: number | null;
  targetBinId?: number | null;
  skuId?: number | null;
  lotId?: number | null;
  ownerId?: number | null;
  stockStatus?: StockStatus | null;
  qty?: number | null;
  refType?: string;
  refId?: number;
  pickListId?: number;
  seq?: number;
  details?: Record<string, unknown>;
}

export async function createTask(db: Kysely<DB>, t: NewTask): Promise<number> {
  const row = await db.insertInto('tasks').values({
    warehouse_id: t.warehouseId, zone_id: t.zoneId, type: t.type, priority: t.priority ?? 50,
    source_bin_id: t.sourceBinId ?? null, target_bin_id: t.targetBinId ?? null, sku_id: t.skuId ?? null,
    lot_id: t.lotId ?? null, owner_id: t.ownerId ?? null, stock_status: t.stockStatus ?? null, qty: t.qty ?? null,
    ref_type: t.refType ?? null, ref_id: t.refId ?? null, pick_list_id: t.pickListId ?? null, seq: t.seq ?? null,
    details: JSON.stringify(t.details ?? {}), assignee_user_id: null, assignee_agv: null, done_at: null,
  }).returning('id').executeTakeFirstOrThrow();
  await appendEvent(db, 'task.created', t.warehouseId, { taskId: row.id, type: t.type, status: 'open',
    priority: t.priority ?? 50, sourceBinId: t.sourceBinId ?? null, targetBinId: t.targetBinId ?? null,
    qty: t.qty ?? null, refType: t.refType ?? null, refId: t.refId ?? null });
  return row.id;
}

export type TaskRow = Awaited<ReturnType<typeof loadTask>>;

/** A task row locked for update (the caller is in a transaction), or 404. */
export async function loadTask(db: Kysely<DB>, id: number, lock = false) {
  let q = db.selectFrom('tasks').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('id', `no task ${id}`);
  return row;
}

const OPEN: readonly TaskStatus[] = ['open', 'assigned', 'in_progress'];
export const isOpen = (status: TaskStatus) => OPEN.includes(status);

/** Refuse work on a task that is finished, of the wrong type, or assigned to someone else. */
export function assertWorkable(task: TaskRow, type: TaskType, actor: Actor) {
  if (task.type !== type) throw conflict(`task ${task.id} is a ${task.type} task, not ${type}`, 'id');
  if (!isOpen(task.status)) throw conflict(`task ${task.id} is ${task.status}`, 'id');
  if (task.assignee_user_id !== null && task.assignee_user_id !== actor.userId && actor.role === 'operator') {
    throw forbidden(`task ${task.id} is assigned to another operator`, 'id');
  }
  if (task.assignee_agv !== null && actor.role === 'operator') {
    throw forbidden(`task ${task.id} is assigned to AGV ${task.assignee_agv}`, 'id');
  }
}

/** Record progress; the task is done when done_qty reaches qty (or at once for tasks without qty). */
export async function progressTask(db: Kysely<DB>, task: TaskRow, addQty: number, actor: Actor,
  details: Record<string, unknown> = {}, finish = false) {
  const doneQty = Number(task.done_qty) + addQty;
  const done = finish || task.qty === null || doneQty >= Number(task.qty);
  const status: TaskStatus = done ? 'done' : 'in_progress';
  await db.updateTable('tasks').set({
    done_qty: doneQty, status, updated_at: new Date(), done_at: done ? new Date() : null,
    assignee_user_id: task.assignee_user_id ?? (task.assignee_agv ? null : actor.userId || null),
    details: sql`details || ${JSON.stringify(details)}::jsonb`,
  }).where('id', '=', task.id).execute();
  await appendEvent(db, 'task.updated', task.warehouse_id, { taskId: task.id, type: task.type, status,
    doneQty, qty: task.qty, by: actor.username });
  return { status, doneQty };
}

export async function cancelTasks(db: Kysely<DB>, ids: number[], reason: string) {
  if (!ids.length) return;
  const rows = await db.updateTable('tasks').set({ status: 'cancelled', updated_at: new Date(),
    details: sql`details || ${JSON.stringify({ cancelReason: reason })}::jsonb` })
    .where('id', 'in', ids).where('status', 'in', OPEN).returning(['id', 'warehouse_id', 'type']).execute();
  for (const r of rows) {
    await appendEvent(db, 'task.updated', r.warehouse_id, { taskId: r.id, type: r.type, status: 'cancelled', reason });
  }
}

// ------------------------------------------------------------------ reading and assigning

export interface TaskFilter {
  warehouse?: string;
  type?: TaskType;
  status?: TaskStatus | 'active';
  assignee?: string;
  limit: number;
  offset: number;
}

/** Tasks as people and the twin read them: with codes, and only in the actor's warehouses/zones. */
export async function listTasks(db: Kysely<DB>, actor: Actor, f: TaskFilter) {
  let q = taskView(db);
  if (f.warehouse) q = q.where('w.code', '=', f.warehouse);
  if (f.type) q = q.where('t.type', '=', f.type);
  if (f.status === 'active' || f.status === undefined) q = q.where('t.status', 'in', OPEN);
  else q = q.where('t.status', '=', f.status);
  if (f.assignee) q = q.where('u.username', '=', f.assignee);
  q = whereMayActIn(q, actor, 't.warehouse_id', 't.zone_id');
  return pageRows(db, q.orderBy('t.priority', 'desc').orderBy('t.pick_list_id').orderBy('t.seq').orderBy('t.id'), f);
}

export async function getTask(db: Kysely<DB>, actor: Actor, id: number) {
  const row = await taskView(db).where('t.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('id', `no task ${id}`);
  if (!taskInScope(actor, row)) throw forbidden(`task ${id} is outside your warehouses and zones`, 'id');
  return row;
}

function taskInScope(actor: Actor, t: { warehouse_id: number; zone_id: number | null }) {
  return mayActIn(actor, { warehouse_id: t.warehouse_id, zone_id: t.zone_id ?? -1 });
}

function taskView(db: Kysely<DB>) {
  return db.selectFrom('tasks as t')
    .innerJoin('warehouses as w', 'w.id', 't.warehouse_id')
    .leftJoin('zones as z', 'z.id', 't.zone_id')
    .leftJoin('bins as sb', 'sb.id', 't.source_bin_id')
    .leftJoin('bins as tb', 'tb.id', 't.target_bin_id')
    .leftJoin('skus as s', 's.id', 't.sku_id')
    .leftJoin('lots as l', 'l.id', 't.lot_id')
    .leftJoin('owners as o', 'o.id', 't.owner_id')
    .leftJoin('users as u', 'u.id', 't.assignee_user_id')
    .select(['t.id', 't.type', 't.status', 't.priority', 't.qty', 't.done_qty', 't.ref_type', 't.ref_id',
      't.pick_list_id', 't.seq', 't.details', 't.created_at', 't.updated_at', 't.done_at', 't.warehouse_id',
      't.zone_id', 'w.code as warehouse', 'z.code as zone', 'sb.code as source_bin', 'tb.code as target_bin',
      's.code as sku', 's.name as sku_name', 'l.lot_no as lot', 'l.expiry_date as expiry', 'o.code as owner',
      't.stock_status', 'u.username as assignee', 't.assignee_agv']);
}

export async function assignTask(db: Kysely<DB>, actor: Actor, id: number,
  to: { user?: string; agv?: string }): Promise<unknown> {
  if ((to.user === undefined) === (to.agv === undefined)) {
    throw badInput('user', 'give exactly one of user or agv');
  }
  const task = await loadTask(db, id);
  if (!taskInScope(actor, task)) throw forbidden(`task ${id} is outside your warehouses and zones`, 'id');
  if (!isOpen(task.status)) throw conflict(`task ${id} is ${task.status}`, 'id');
  let userId: number | null = null;
  if (to.user !== undefined) {
    const user = await db.selectFrom('users').select(['id', 'active']).where('username', '=', to.user)
      .executeTakeFirst();
    if (!user || !user.active) throw notFound('user', `no active user ${to.user}`);
    userId = user.id;
  }
  await inTransaction(db, async (trx) => {
    await trx.updateTable('tasks').set({ assignee_user_id: userId, assignee_agv: to.agv ?? null, status: 'assigned',
      updated_at: new Date() }).where('id', '=', id).execute();
    await appendEvent(trx, 'task.updated', task.warehouse_id, { taskId: id, type: task.type, status: 'assigned',
      assignee: to.user ?? null, agv: to.agv ?? null });
  });
  return getTask(db, actor, id);
}
