import { sql } from 'kysely';
import type { TaskType } from '../../db/schema.ts';
import { limited, type AlertCandidate, type AlertCheck, CHECK_ROW_LIMIT } from './check.ts';

/**
 * How long a task may stay open (open, assigned or in progress, counted from its creation) before it is
 * overdue, in minutes, by type: floor work that feeds shipping is expected within the half hour, counts and
 * QC within a shift. Urgent tasks (priority >= URGENT_PRIORITY) get half of it.
 */
export const TASK_AGE_LIMIT_MINUTES: Record<TaskType, number> = {
  pick: 30, replenish: 30, putaway: 60, move: 60, qc: 240, count: 480,
};
export const URGENT_PRIORITY = 80;
/** Open this many times its limit, an overdue task escalates to 'task_overdue_long'. */
export const LONG_OVERDUE_FACTOR = 4;

export function taskAgeLimitMinutes(type: TaskType, priority: number, limits = TASK_AGE_LIMIT_MINUTES): number {
  const base = limits[type] ?? 60;
  return priority >= URGENT_PRIORITY ? base / 2 : base;
}

/**
 * Overdue tasks: each open task older than its limit ('task_overdue', level 1), and older than
 * LONG_OVERDUE_FACTOR times it ('task_overdue_long', level 2). A done or cancelled task clears.
 */
export function overdueTasksCheck(limits = TASK_AGE_LIMIT_MINUTES): AlertCheck {
  const shortest = Math.min(...Object.values(limits)) / 2;
  return {
    condition: 'overdue_task',
    async run({ db, warehouseId, now }) {
      const olderThan = new Date(now.getTime() - shortest * 60_000);
      const { rows } = await sql<{ id: number; type: TaskType; priority: number; status: string; created_at: Date | string;
        zone_id: number | null; bin_id: number | null; bin: string | null; sku: string | null; agv: string | null }>`
        select t.id, t.type, t.priority, t.status, t.created_at, coalesce(t.zone_id, b.zone_id) as zone_id,
               b.id as bin_id, b.code as bin, s.code as sku, t.assignee_agv as agv
          from tasks t
          left join bins b on b.id = coalesce(t.source_bin_id, t.target_bin_id)
          left join skus s on s.id = t.sku_id
         where t.warehouse_id = ${warehouseId} and t.status in ('open', 'assigned', 'in_progress')
           and t.created_at < ${olderThan}
         order by t.created_at, t.id
         limit ${CHECK_ROW_LIMIT + 1}`.execute(db);
      const { rows: tasks, complete } = limited(rows);
      const candidates: AlertCandidate[] = [];
      for (const r of tasks) {
        const limit = taskAgeLimitMinutes(r.type, r.priority, limits);
        const minutes = Math.floor((now.getTime() - new Date(r.created_at).getTime()) / 60_000);
        if (minutes < limit) continue;
        const long = minutes >= limit * LONG_OVERDUE_FACTOR;
        candidates.push({
          subject: `task:${r.id}`, level: long ? 2 : 1, kind: long ? 'task_overdue_long' : 'task_overdue',
          severity: long ? 'critical' : 'warning',
          message: `${r.type} task ${r.id} has been ${r.status.replace('_', ' ')} for ${minutes} min (limit ${limit} min)`
            + (r.bin ? ` at ${r.bin}` : ''),
          zoneId: r.zone_id === null ? null : Number(r.zone_id),
          details: { taskId: Number(r.id), taskType: r.type, status: r.status, priority: r.priority, minutes, limit,
            ...(r.bin_id !== null ? { binId: Number(r.bin_id), bin: r.bin } : {}), ...(r.sku ? { sku: r.sku } : {}),
            ...(r.agv ? { agv: r.agv } : {}) },
        });
      }
      candidates.sort((a, b) => b.level - a.level);
      return { candidates, complete };
    },
    summarize(kind, total) {
      return kind === 'task_overdue_long'
        ? { message: `${total} more tasks are open more than ${LONG_OVERDUE_FACTOR} times their time limit`,
          details: { factor: LONG_OVERDUE_FACTOR } }
        : { message: `${total} more tasks are overdue`, details: {} };
    },
  };
}
