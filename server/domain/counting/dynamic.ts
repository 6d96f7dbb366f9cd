import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { createTask } from '../tasks/tasks.ts';

/**
 * Ask for a dynamic count of one bin (a short pick, a bin that just went empty): a count task that
 * becomes a dynamic count when a counter starts on it. One at a time per bin; returns the open one if
 * there is already one.
 */
export async function requestBinCount(db: Kysely<DB>, r: { warehouseId: number; bin: { id: number; zone_id: number };
  trigger: 'short_pick' | 'bin_empty'; refType: string; refId: number; priority: number;
  details?: Record<string, unknown> }): Promise<{ taskId: number; created: boolean }> {
  const open = await db.selectFrom('tasks').select('id').where('type', '=', 'count').where('source_bin_id', '=', r.bin.id)
    .where('status', 'in', ['open', 'assigned', 'in_progress']).executeTakeFirst();
  if (open) return { taskId: open.id, created: false };
  const taskId = await createTask(db, { warehouseId: r.warehouseId, zoneId: r.bin.zone_id, type: 'count',
    sourceBinId: r.bin.id, priority: r.priority, refType: r.refType, refId: r.refId,
    details: { trigger: r.trigger, ...r.details } });
  return { taskId, created: true };
}

/** Whether a bin holds nothing at all any more (every balance of it at zero). */
export async function binIsEmpty(db: Kysely<DB>, binId: number): Promise<boolean> {
  const row = await db.selectFrom('stock_balances').select('id').where('bin_id', '=', binId).where('qty', '>', 0)
    .limit(1).executeTakeFirst();
  return row === undefined;
}
