import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/**
 * Events other than stock changes (those come from wms_post_movement): tasks, orders, waves, alerts,
 * shipments. Appended to the outbox in the caller's transaction, so they are committed exactly when
 * the change they describe is.
 */
export type EventType =
  | 'task.created' | 'task.updated'
  | 'inbound.updated' | 'outbound.updated' | 'wave.released'
  | 'stock.reserved'
  | 'qc.inspected'
  | 'shipment.shipped'
  | 'alert';

export type AlertKind = 'short_pick' | 'qc_hold' | 'count_variance' | 'agv_fault' | 'stock_below_min';

export async function appendEvent(db: Kysely<DB>, type: EventType, warehouseId: number,
  payload: Record<string, unknown>): Promise<number> {
  const row = await db.insertInto('outbox').values({ type, warehouse_id: warehouseId, payload: JSON.stringify(payload) })
    .returning('seq').executeTakeFirstOrThrow();
  return row.seq;
}

export function raiseAlert(db: Kysely<DB>, warehouseId: number, kind: AlertKind, message: string,
  details: Record<string, unknown> = {}) {
  return appendEvent(db, 'alert', warehouseId, { kind, message, ...details });
}
