import { sql, type Kysely } from 'kysely';
import type { OtherEvent } from '../../../model/protocol/stream.ts';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../auth/actor.ts';
import { binScopeSql, visibleWarehouse } from './visibility.ts';

export const ALERTS_DEFAULT_LIMIT = 50;
export const ALERTS_MAX_LIMIT = 200;

/**
 * The warehouse's latest alerts still in the outbox (it keeps the live stream's replay window), newest first, as
 * the stream delivers them: the control room's alerts feed starts from these, then follows the stream. Only
 * alerts that have a stream position (the relay has published them), so a client that dedupes by position sees
 * each alert once. A zone-scoped actor sees the alerts about their zones (by the alert's zoneId, else its bin's
 * zone) and those about no bin or zone (AGVs).
 */
export async function recentAlerts(db: Kysely<DB>, actor: Actor, warehouseId: number, limit = ALERTS_DEFAULT_LIMIT):
  Promise<{ alerts: OtherEvent[] }> {
  await visibleWarehouse(db, actor, warehouseId);
  const scope = binScopeSql(actor, warehouseId, 'b');
  // Over-fetch a little for scoped actors, whose alerts are filtered after reading.
  const { rows } = await sql<{ seq: string | number; pos: string | number; at: Date | string; payload: unknown }>`
    select o.seq, o.pos, o.at, o.payload from outbox o
     where o.type = 'alert' and o.warehouse_id = ${warehouseId} and o.pos is not null
     order by o.pos desc limit ${actor.scope ? limit * 4 : limit}`.execute(db);
  const alerts = rows.map((r): OtherEvent => ({ kind: 'event', pos: Number(r.pos), seq: Number(r.seq), type: 'alert',
    at: new Date(r.at).toISOString(),
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown> }));
  if (!actor.scope || actor.scope.warehouses.has(warehouseId)) return { alerts: alerts.slice(0, limit) };
  const zones = actor.scope.zones;
  const binIds = [...new Set(alerts.filter((a) => typeof a.payload.zoneId !== 'number').map((a) => a.payload.binId)
    .filter((id): id is number => typeof id === 'number'))];
  const visible = new Set<number>();
  if (binIds.length) {
    const seen = await sql<{ id: number }>`select b.id from bins b
      where b.warehouse_id = ${warehouseId} and b.id in (${sql.join(binIds)}) ${scope}`.execute(db);
    for (const r of seen.rows) visible.add(Number(r.id));
  }
  // The zone an alert names (the monitor's, summaries included) decides; else its bin's; alerts about neither
  // (AGVs) are everybody's.
  const shown = (p: Record<string, unknown>) => typeof p.zoneId === 'number' ? zones.has(p.zoneId)
    : typeof p.binId !== 'number' || visible.has(p.binId);
  return { alerts: alerts.filter((a) => shown(a.payload)).slice(0, limit) };
}
