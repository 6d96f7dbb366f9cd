import type { Kysely } from 'kysely';
import { planPickRoute, RouteGraph } from '../../../scenarios/routing/index.ts';
import type { DB } from '../../db/schema.ts';
import { warehouseGeometry } from '../masterdata/layout-cache.ts';

export interface RoutedList { order: string[]; distance: number; method: string; start: string | null; end: string | null }

const graphs = new WeakMap<object, RouteGraph>();

/**
 * Order a pick list's stops over the warehouse's travel graph, starting and ending at the depot (the
 * staging lanes). Stops without a graph node (bins outside the generated layout) go last, unrouted.
 */
export async function routePickList(db: Kysely<DB>, warehouseId: number, depot: string | null,
  stops: { id: string; node: string | null }[]): Promise<RoutedList> {
  const geometry = await warehouseGeometry(db, warehouseId);
  let graph = graphs.get(geometry);
  if (!graph) {
    graph = new RouteGraph(geometry.layout);
    graphs.set(geometry, graph);
  }
  const routable = stops.filter((s) => s.node !== null && graph.has(s.node)) as { id: string; node: string }[];
  const rest = stops.filter((s) => !routable.includes(s as { id: string; node: string })).map((s) => s.id);
  const start = depot && graph.has(depot) ? depot : routable[0]?.node ?? null;
  if (!start || !routable.length) return { order: [...routable.map((s) => s.id), ...rest], distance: 0, method: 'none', start, end: start };
  const plan = planPickRoute(graph, { start, end: start, stops: routable });
  return { order: [...plan.order, ...rest], distance: plan.distance, method: plan.method, start, end: start };
}
