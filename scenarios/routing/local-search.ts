// TSP local search on the shortest-path metric, for graphs the exact router cannot decompose:
// seeds (nearest neighbour, S-shape, largest gap) improved by 2-opt and Or-opt until no move
// gains, best result kept. Works on an open path with fixed ends: start -> stops -> end.
import type { RouteGraph } from './graph.ts';
import { policyNodeOrder } from './heuristics.ts';
import { distanceMatrix, resolveRequest, routeFromNodeOrder, type PickRoute, type ResolvedRequest, type RouteRequest } from './tour.ts';

/** Gains below this are float noise; ignoring them guarantees termination. */
const EPSILON = 1e-9;

/** Distance lookup over a k x k row-major matrix. */
type Metric = (a: number, b: number) => number;

function metricOf(matrix: Float64Array, k: number): Metric {
  return (a, b) => matrix[a * k + b];
}

/** Greedy tour over points 2..k-1 from point 0 (the start). */
export function nearestNeighbourOrder(matrix: Float64Array, k: number): number[] {
  const d = metricOf(matrix, k);
  const left = new Set(Array.from({ length: k - 2 }, (_, i) => i + 2));
  const order: number[] = [];
  let at = 0;
  while (left.size > 0) {
    let next = -1;
    for (const p of left) if (next < 0 || d(at, p) < d(at, next)) next = p;
    left.delete(next);
    order.push((at = next));
  }
  return order;
}

/** Reverses a stretch of the path when that shortens it; true if anything changed. */
function twoOpt(seq: number[], d: Metric): boolean {
  let improved = false;
  const n = seq.length - 2;
  for (let i = 1; i < n; i++) {
    for (let k = i + 1; k <= n; k++) {
      const delta = d(seq[i - 1], seq[k]) + d(seq[i], seq[k + 1]) - d(seq[i - 1], seq[i]) - d(seq[k], seq[k + 1]);
      if (delta < -EPSILON) {
        for (let a = i, b = k; a < b; a++, b--) [seq[a], seq[b]] = [seq[b], seq[a]];
        improved = true;
      }
    }
  }
  return improved;
}

/** Moves a run of 1 to 3 stops (possibly reversed) elsewhere when that shortens the path. */
function orOpt(seq: number[], d: Metric): boolean {
  let improved = false;
  for (let len = 1; len <= 3; len++) {
    for (let i = 1; i + len <= seq.length - 1; i++) {
      const first = seq[i];
      const last = seq[i + len - 1];
      const prev = seq[i - 1];
      const next = seq[i + len];
      const gain = d(prev, first) + d(last, next) - d(prev, next);
      let bestJ = -1;
      let bestDelta = -EPSILON;
      let reversed = false;
      for (let j = 0; j + 1 < seq.length; j++) {
        if (j >= i - 1 && j < i + len) continue; // edges touching the run
        const p = seq[j];
        const q = seq[j + 1];
        const forward = d(p, first) + d(last, q) - d(p, q) - gain;
        const backward = d(p, last) + d(first, q) - d(p, q) - gain;
        if (forward < bestDelta) [bestJ, bestDelta, reversed] = [j, forward, false];
        if (backward < bestDelta) [bestJ, bestDelta, reversed] = [j, backward, true];
      }
      if (bestJ < 0) continue;
      const run = seq.splice(i, len);
      if (reversed) run.reverse();
      const at = bestJ < i ? bestJ + 1 : bestJ + 1 - len;
      seq.splice(at, 0, ...run);
      improved = true;
    }
  }
  return improved;
}

/** Improves an order of points 2..k-1 (start 0, end 1) until neither 2-opt nor Or-opt gains. */
export function improveOrder(matrix: Float64Array, k: number, order: readonly number[]): number[] {
  const d = metricOf(matrix, k);
  const seq = [0, ...order, 1];
  for (let round = 0; round < 1000; round++) {
    const a = twoOpt(seq, d);
    const b = orOpt(seq, d);
    if (!a && !b) break;
  }
  return seq.slice(1, -1);
}

function orderLength(matrix: Float64Array, k: number, order: readonly number[]): number {
  let total = 0;
  let at = 0;
  for (const p of order) {
    total += matrix[at * k + p];
    at = p;
  }
  return total + matrix[at * k + 1];
}

/** Best local optimum over the seeds, as distinct stop nodes in visiting order. */
export function localSearchNodes(graph: RouteGraph, req: ResolvedRequest): number[] {
  const points = [req.start, req.end, ...req.nodes];
  const k = points.length;
  const matrix = distanceMatrix(graph, points);
  const pointOf = new Map(points.slice(2).map((n, i) => [n, i + 2]));
  const seeds = [
    nearestNeighbourOrder(matrix, k),
    policyNodeOrder(graph, req, 's-shape').map((n) => pointOf.get(n)!),
    policyNodeOrder(graph, req, 'largest-gap').map((n) => pointOf.get(n)!),
  ];
  let best: number[] = [];
  let bestLength = Infinity;
  for (const seed of seeds) {
    const order = improveOrder(matrix, k, seed);
    const length = orderLength(matrix, k, order);
    if (length < bestLength - EPSILON) [best, bestLength] = [order, length];
  }
  return best.map((p) => points[p]);
}

/** Heuristic route: local search from several seeds (no optimality guarantee). */
export function localSearchRoute(graph: RouteGraph, request: RouteRequest): PickRoute {
  const req = resolveRequest(graph, request);
  return routeFromNodeOrder(graph, req, localSearchNodes(graph, req), 'local-search');
}
