// Pick routing on a layout's travel graph: the product's router, reference policies and exact solvers.
export { createRouteGraph, RouteGraph, type RouteGraphSource } from './graph.ts';
export { planPickRoute, PLAN_HELD_KARP_LIMIT } from './plan.ts';
export { heldKarpRoute, ratliffRosenthalRoute, HELD_KARP_MAX_NODES } from './exact.ts';
export { largestGapRoute, sShapeRoute, type PolicyName } from './heuristics.ts';
export { localSearchRoute } from './local-search.ts';
export { routeLength, type PickRoute, type PickStop, type RouteMethod, type RouteRequest } from './tour.ts';
export type { BlockStructure, LadderAisle, LadderBlock } from './blocks.ts';
