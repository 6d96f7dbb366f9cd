// Requests and routes shared by every routing method: stop grouping (several stops may share a
// node), the distance matrix of the nodes a list needs, and the assembly of a PickRoute from a
// node order or from a walk.
import type { RouteGraph } from './graph.ts';

export interface PickStop {
  /** Caller's id, e.g. a pick line or a bin code; unique within a request. */
  readonly id: string;
  /** Graph node the picker stands on, e.g. the bin's accessNode. */
  readonly node: string;
}

export interface RouteRequest {
  /** Node the route starts from. */
  readonly start: string;
  /** Node the route ends at; defaults to `start`. */
  readonly end?: string;
  readonly stops: readonly PickStop[];
}

export type RouteMethod = 'trivial' | 'ratliff-rosenthal' | 'held-karp' | 'local-search' | 's-shape' | 'largest-gap';

export interface PickRoute {
  /** Stop ids in visiting order; stops sharing a node are consecutive, in request order. */
  order: string[];
  /** Total length, metres: the sum of `legs`. */
  distance: number;
  method: RouteMethod;
  /** legs[0] start -> first stop, legs[i] stop i-1 -> stop i, last leg -> end (one leg when there are no stops). */
  legs: number[];
  /** Node ids walked from start to end, consecutive nodes adjacent in the graph. */
  path: string[];
}

/** A request mapped to node indices, stops grouped by node. */
export interface ResolvedRequest {
  readonly start: number;
  readonly end: number;
  /** Distinct stop nodes, in order of first appearance in the request. */
  readonly nodes: readonly number[];
  readonly stopsAt: ReadonlyMap<number, readonly string[]>;
}

/** Validates ids and groups stops by node; RangeError for unknown nodes or duplicate stop ids. */
export function resolveRequest(graph: RouteGraph, request: RouteRequest): ResolvedRequest {
  const start = graph.index(request.start);
  const end = graph.index(request.end ?? request.start);
  const seen = new Set<string>();
  const stopsAt = new Map<number, string[]>();
  for (const stop of request.stops) {
    if (seen.has(stop.id)) throw new RangeError(`duplicate stop id "${stop.id}"`);
    seen.add(stop.id);
    const node = graph.index(stop.node);
    const list = stopsAt.get(node);
    if (list) list.push(stop.id);
    else stopsAt.set(node, [stop.id]);
  }
  const reach = graph.distancesFrom(start);
  for (const node of [end, ...stopsAt.keys()]) {
    if (reach[node] === Infinity) throw new RangeError(`node "${graph.ids[node]}" is unreachable from "${request.start}"`);
  }
  return { start, end, nodes: [...stopsAt.keys()], stopsAt };
}

/**
 * Row-major matrix of shortest distances between points; callers put start at 0 and end at 1
 * and the stop nodes after them.
 */
export function distanceMatrix(graph: RouteGraph, points: readonly number[]): Float64Array {
  const k = points.length;
  const m = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    const row = graph.distancesFrom(points[i]);
    for (let j = 0; j < k; j++) m[i * k + j] = row[points[j]];
  }
  return m;
}

/** Length of start -> nodes -> end over shortest paths. */
export function nodeOrderLength(graph: RouteGraph, start: number, nodes: readonly number[], end: number): number {
  let total = 0;
  let at = start;
  for (const n of nodes) {
    total += graph.distance(at, n);
    at = n;
  }
  return total + graph.distance(at, end);
}

function stopOrder(req: ResolvedRequest, nodes: readonly number[]): { order: string[]; legIndex: number[] } {
  const order: string[] = [];
  const legIndex: number[] = [];
  nodes.forEach((n, i) => {
    for (const id of req.stopsAt.get(n)!) {
      order.push(id);
      legIndex.push(i);
    }
  });
  return { order, legIndex };
}

function checkPermutation(req: ResolvedRequest, nodes: readonly number[]): void {
  const set = new Set(nodes);
  if (nodes.length !== req.nodes.length || set.size !== nodes.length || req.nodes.some((n) => !set.has(n))) {
    throw new Error('internal: node order is not a permutation of the stop nodes');
  }
}

/** Route along shortest paths visiting the distinct stop nodes in the given order. */
export function routeFromNodeOrder(graph: RouteGraph, req: ResolvedRequest, nodes: readonly number[], method: RouteMethod): PickRoute {
  checkPermutation(req, nodes);
  const points = [req.start, ...nodes, req.end];
  const nodeLegs = points.slice(1).map((p, i) => graph.distance(points[i], p));
  const path: number[] = [req.start];
  for (let i = 1; i < points.length; i++) path.push(...graph.path(points[i - 1], points[i]).slice(1));
  return assemble(graph, req, nodes, nodeLegs, path, method);
}

/**
 * Route from a walk (node indices, start to end, consecutive nodes adjacent) that passes every
 * stop node: stops are ordered by the walk's first visit of their node.
 */
export function routeFromWalk(
  graph: RouteGraph,
  req: ResolvedRequest,
  walk: readonly number[],
  stepLength: (a: number, b: number) => number,
  method: RouteMethod,
): PickRoute {
  if (walk[0] !== req.start || walk[walk.length - 1] !== req.end) throw new Error('internal: walk does not join start and end');
  const nodes: number[] = [];
  const nodeLegs: number[] = [];
  const visited = new Set<number>();
  let walked = 0;
  let atLastStop = 0;
  walk.forEach((n, i) => {
    if (i > 0) walked += stepLength(walk[i - 1], n);
    if (req.stopsAt.has(n) && !visited.has(n)) {
      visited.add(n);
      nodes.push(n);
      nodeLegs.push(walked - atLastStop);
      atLastStop = walked;
    }
  });
  nodeLegs.push(walked - atLastStop);
  checkPermutation(req, nodes);
  return assemble(graph, req, nodes, nodeLegs, walk, method);
}

/** nodeLegs: one leg per node of `nodes` plus the leg to the end. */
function assemble(
  graph: RouteGraph,
  req: ResolvedRequest,
  nodes: readonly number[],
  nodeLegs: readonly number[],
  path: readonly number[],
  method: RouteMethod,
): PickRoute {
  const { order, legIndex } = stopOrder(req, nodes);
  // The first stop of a node takes the leg to it; the others on the same node add nothing.
  const legs = order.map((_, i) => (i > 0 && legIndex[i] === legIndex[i - 1] ? 0 : nodeLegs[legIndex[i]]));
  legs.push(nodeLegs[nodes.length]);
  return {
    order,
    distance: legs.reduce((s, l) => s + l, 0),
    method,
    legs,
    path: path.map((n) => graph.ids[n]),
  };
}

/** Length of a route visiting the request's stops in `order` (stop ids), over shortest paths. */
export function routeLength(graph: RouteGraph, request: RouteRequest, order: readonly string[]): number {
  const nodeOf = new Map(request.stops.map((s) => [s.id, s.node]));
  if (order.length !== request.stops.length || new Set(order).size !== order.length || order.some((id) => !nodeOf.has(id))) {
    throw new RangeError('order must list every stop id exactly once');
  }
  const nodes = order.map((id) => graph.index(nodeOf.get(id)!));
  return nodeOrderLength(graph, graph.index(request.start), nodes, graph.index(request.end ?? request.start));
}
