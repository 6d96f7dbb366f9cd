import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { forbidden } from '../errors.ts';
import type { Actor } from './actor.ts';

/**
 * Documents (inbound and outbound orders, waves) belong to a whole warehouse. Creating or planning
 * them needs the warehouse in scope; the physical steps on them (receive, pick ...) are checked per
 * bin with assertMayActIn, so an operator placed in the dock zone can receive any order of that warehouse.
 */
export function assertWarehouseScope(actor: Actor, warehouseId: number, field: string) {
  if (!actor.scope || actor.scope.warehouses.has(warehouseId)) return;
  throw forbidden(`${field}: the whole warehouse is outside your scope`, field);
}

/** Reading a document needs the warehouse, or one of its zones, in scope. */
export async function assertWarehouseVisible(db: Kysely<DB>, actor: Actor, warehouseId: number, field: string) {
  if (!actor.scope || actor.scope.warehouses.has(warehouseId)) return;
  if (actor.scope.zones.size) {
    const zone = await db.selectFrom('zones').select('id').where('warehouse_id', '=', warehouseId)
      .where('id', 'in', [...actor.scope.zones]).executeTakeFirst();
    if (zone) return;
  }
  throw forbidden(`${field}: this warehouse is outside your scope`, field);
}

/**
 * Restrict a query to rows the actor may act on: rows whose warehouse is in scope, or whose zone is
 * (stock by its bin, tasks by their zone). The SQL twin of mayActIn.
 */
export function whereMayActIn<QB extends { where: (...args: any[]) => QB }>(q: QB, actor: Actor, warehouseColumn: string,
  zoneColumn: string): QB {
  if (!actor.scope) return q;
  const warehouses = [...actor.scope.warehouses, -1];
  const zones = [...actor.scope.zones, -1];
  return q.where((eb: any) => eb.or([eb(warehouseColumn, 'in', warehouses), eb(zoneColumn, 'in', zones)]));
}

/** Restrict a list of documents to warehouses the actor sees (whole, or through one of its zones). */
export function whereWarehouseVisible<QB extends { where: (...args: any[]) => QB }>(q: QB, actor: Actor,
  column: string): QB {
  if (!actor.scope) return q;
  const warehouses = [...actor.scope.warehouses, -1];
  const zones = [...actor.scope.zones, -1];
  return q.where((eb: any) => eb.or([eb(column, 'in', warehouses),
    eb(column, 'in', eb.selectFrom('zones').select('warehouse_id').where('id', 'in', zones))]));
}
