// The router the product uses. It aims for the optimum:
// 1. at most one distinct stop node: the only route there is;
// 2. zones are ladder blocks joined by bridges (every generated layout): Ratliff-Rosenthal per
//    block over the block tree, exact for any number of stops in any zones, linear in the aisles;
// 3. otherwise, short lists: Held-Karp, exact;
// 4. otherwise: local search (2-opt and Or-opt from several seeds) on the shortest-path metric.
import { blockTreeWalk, heldKarpNodes } from './exact.ts';
import type { RouteGraph } from './graph.ts';
import { localSearchNodes } from './local-search.ts';
import { resolveRequest, routeFromNodeOrder, routeFromWalk, type PickRoute, type RouteRequest } from './tour.ts';

/** Largest list (distinct stop nodes) the router hands to Held-Karp: about 5 ms at this size. */
export const PLAN_HELD_KARP_LIMIT = 13;

export function planPickRoute(graph: RouteGraph, request: RouteRequest): PickRoute {
  const req = resolveRequest(graph, request);
  if (req.nodes.length <= 1) return routeFromNodeOrder(graph, req, req.nodes, 'trivial');
  const exact = blockTreeWalk(graph, req);
  if (exact) return routeFromWalk(graph, req, exact.walk, exact.stepLength, 'ratliff-rosenthal');
  if (req.nodes.length <= PLAN_HELD_KARP_LIMIT) return routeFromNodeOrder(graph, req, heldKarpNodes(graph, req), 'held-karp');
  return routeFromNodeOrder(graph, req, localSearchNodes(graph, req), 'local-search');
}
