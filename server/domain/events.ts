import type { Kysely } from 'kysely';
import { ALERT_SEVERITY, type AlertKind } from '../../model/protocol/alert.ts';
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

export type { AlertKind, AlertSeverity } from '../../model/protocol/alert.ts';

export async function appendEvent(db: Kysely<DB>, type: EventType, warehouseId: number,
  payload: Record<string, unknown>): Promise<number> {
  const row = await db.insertInto('outbox').values({ type, warehouse_id: warehouseId, payload: JSON.stringify(payload) })
    .returning('seq').executeTakeFirstOrThrow();
  return row.seq;
}

/**
 * An 'alert' event (payload: model/protocol/alert.ts). The severity is the kind's unless `details` names one;
 * subjects (binId, bin, zoneId, sku, lot, taskId, agv) go in `details`.
 */
export function raiseAlert(db: Kysely<DB>, warehouseId: number, kind: AlertKind, message: string,
  details: Record<string, unknown> = {}) {
  return appendEvent(db, 'alert', warehouseId, { kind, severity: ALERT_SEVERITY[kind], message, ...details });
}
