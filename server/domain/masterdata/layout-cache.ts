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
 * A warehouse's geometry never changes after creation (bins can be blocked, not moved), so the layout is
 * generated once per distinct stored spec and kept per process. Keyed by the spec itself, not the id: one
 * process may talk to several databases (tests do), where the same id means another warehouse.
 */
const cache = new Map<string, Promise<WarehouseGeometry>>();

export async function warehouseGeometry(db: Kysely<DB>, warehouseId: number): Promise<WarehouseGeometry> {
  const row = await db.selectFrom('warehouses').select('layout').where('id', '=', warehouseId).executeTakeFirst();
  if (!row?.layout) throw notFound('warehouse', `warehouse ${warehouseId} has no layout`);
  const key = JSON.stringify(row.layout);
  let hit = cache.get(key);
  if (!hit) {
    hit = Promise.resolve().then(() => build(row.layout as LayoutSpec));
    cache.set(key, hit);
    hit.catch(() => cache.delete(key));
  }
  return hit;
}

function build(spec: LayoutSpec): WarehouseGeometry {
  const layout = generateLayout(spec);
  const fromDocks = new Map<string, number>();
  const sources = layout.docks.length ? layout.docks.map((d) => d.node) : [layout.nodes[0]!.id];
  for (const source of sources) {
    for (const [node, d] of shortestDistances(layout, source)) {
      if (d < (fromDocks.get(node) ?? Infinity)) fromDocks.set(node, d);
    }
  }
  return { layout, fromDocks };
}
