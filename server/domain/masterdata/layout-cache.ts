import type { Kysely } from 'kysely';
import { generateLayout, shortestDistances, type GeneratedLayout } from '../../../model/layout.ts';
import type { LayoutSpec } from '../../../model/layout-spec.ts';
import type { DB } from '../../db/schema.ts';
import { notFound } from '../errors.ts';

export interface WarehouseGeometry {
  layout: GeneratedLayout;
  /** Travel distance (metres) from the nearest dock to every graph node. */
  fromDocks: Map<string, number>;
}

/**
 * A warehouse's geometry never changes after creation (bins can be blocked, not moved), so the layout
 * is regenerated once from its stored spec and kept per process.
 */
const cache = new Map<number, Promise<WarehouseGeometry>>();

export function warehouseGeometry(db: Kysely<DB>, warehouseId: number): Promise<WarehouseGeometry> {
  let hit = cache.get(warehouseId);
  if (!hit) {
    hit = load(db, warehouseId);
    cache.set(warehouseId, hit);
    hit.catch(() => cache.delete(warehouseId));
  }
  return hit;
}

async function load(db: Kysely<DB>, warehouseId: number): Promise<WarehouseGeometry> {
  const row = await db.selectFrom('warehouses').select('layout').where('id', '=', warehouseId).executeTakeFirst();
  if (!row?.layout) throw notFound('warehouse', `warehouse ${warehouseId} has no layout`);
  const layout = generateLayout(row.layout as LayoutSpec);
  const fromDocks = new Map<string, number>();
  const sources = layout.docks.length ? layout.docks.map((d) => d.node) : [layout.nodes[0]!.id];
  for (const source of sources) {
    for (const [node, d] of shortestDistances(layout, source)) {
      if (d < (fromDocks.get(node) ?? Infinity)) fromDocks.set(node, d);
    }
  }
  return { layout, fromDocks };
}
