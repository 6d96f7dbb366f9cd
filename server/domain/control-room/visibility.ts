import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../auth/actor.ts';
import { assertWarehouseVisible } from '../auth/scope.ts';
import { notFound } from '../errors.ts';

/**
 * What the control room's panels may show: the warehouse must exist (404) and be visible to the actor,
 * whole or through one of their zones (403); within it, a zone-scoped actor sees only their zones' bins,
 * as in the snapshot and the stock queries.
 */
export async function visibleWarehouse(db: Kysely<DB>, actor: Actor, warehouseId: number, field = 'id') {
  const warehouse = await db.selectFrom('warehouses').select(['id', 'code']).where('id', '=', warehouseId)
    .executeTakeFirst();
  if (!warehouse) throw notFound(field, `no warehouse with id ${warehouseId}`);
  await assertWarehouseVisible(db, actor, warehouseId, field);
  return { id: Number(warehouse.id), code: warehouse.code };
}

/**
 * `and <alias>.zone_id in (...)` for an actor who sees only some zones of the warehouse, nothing for one who
 * sees all of it. For queries already restricted to bins of `warehouseId`.
 */
export function binScopeSql(actor: Actor, warehouseId: number, alias: string): RawBuilder<unknown> {
  if (!actor.scope || actor.scope.warehouses.has(warehouseId)) return sql``;
  const zones = [...actor.scope.zones, -1];
  return sql`and ${sql.ref(`${alias}.zone_id`)} in (${sql.join(zones)})`;
}

/** A LIKE/ILIKE pattern matching `text` anywhere (or at the start), with %, _ and \ taken literally. */
export function containsPattern(text: string, prefix = false): string {
  const escaped = text.replace(/[%_\\]/g, (c) => `\\${c}`);
  return prefix ? `${escaped}%` : `%${escaped}%`;
}
