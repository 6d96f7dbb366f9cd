import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { AgvLiveView } from '../../fleet/live-fleet.ts';

/** The AGV inspector: the kernel's view of one AGV (from whichever process runs the fleet) and its tasks. */
export interface AgvDetail extends Omit<AgvLiveView, 'taskId'> {
  /** The task it carries out; id is the tasks table id, or the kernel's id (text) for a task not in the database. */
  task: { id: number | string; type: string | null; status: string | null; sku: string | null;
    sourceBin: string | null; targetBin: string | null } | null;
  /** The last 10 tasks assigned to this AGV (tasks.assignee_agv), latest first. */
  recentTasks: { id: number; type: string; status: string; doneAt: string | null; sourceBin: string | null;
    targetBin: string | null }[];
}

export const AGV_RECENT_TASKS = 10;

const iso = (v: Date | string | null) => (v === null ? null : (v instanceof Date ? v : new Date(v)).toISOString());

/** Add the database's side (the current task's details, the recent tasks) to the live view: two queries. */
export async function agvDetail(db: Kysely<DB>, warehouseId: number, live: AgvLiveView): Promise<AgvDetail> {
  const taskId = live.taskId !== null && /^\d{1,15}$/.test(live.taskId) ? Number(live.taskId) : null;
  const view = () => db.selectFrom('tasks as t')
    .leftJoin('skus as s', 's.id', 't.sku_id')
    .leftJoin('bins as src', 'src.id', 't.source_bin_id')
    .leftJoin('bins as dst', 'dst.id', 't.target_bin_id')
    .select(['t.id', 't.type', 't.status', 't.done_at', 's.code as sku', 'src.code as sourceBin',
      'dst.code as targetBin'])
    .where('t.warehouse_id', '=', warehouseId);
  const [current, recent] = await Promise.all([
    taskId === null ? undefined : view().where('t.id', '=', taskId).executeTakeFirst(),
    view().where('t.assignee_agv', '=', live.id)
      .orderBy('t.updated_at', 'desc').orderBy('t.id', 'desc').limit(AGV_RECENT_TASKS).execute(),
  ]);
  const task = live.taskId === null ? null : current
    ? { id: Number(current.id), type: current.type, status: current.status, sku: current.sku ?? null,
      sourceBin: current.sourceBin ?? null, targetBin: current.targetBin ?? null }
    : { id: taskId ?? live.taskId, type: null, status: null, sku: null, sourceBin: null, targetBin: null };
  return {
    id: live.id, state: live.state, loaded: live.loaded, battery: live.battery, speed: live.speed, x: live.x,
    y: live.y, heading: live.heading, task, route: live.route, waiting: live.waiting, stateSince: live.stateSince,
    lastProgressAt: live.lastProgressAt,
    recentTasks: recent.map((t) => ({ id: Number(t.id), type: t.type, status: t.status, doneAt: iso(t.done_at),
      sourceBin: t.sourceBin ?? null, targetBin: t.targetBin ?? null })),
  };
}
