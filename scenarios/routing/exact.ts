// Exact routes.
// - Held-Karp over the stops' shortest-path matrix: any graph, short lists only.
// - Ratliff-Rosenthal over the block tree: any number of stops in any zones, as long as the
//   zones are ladder blocks joined by bridges (true of every layout model/layout.ts generates).
//   A bridge is crossed once when it separates start from end, twice when only stops lie behind
//   it, otherwise never; that fixes where the walk enters and leaves every block and with which
//   parity, so each block is solved on its own by the DP and the pieces are joined by an Euler walk.
import type { BlockTree } from './blocks.ts';
import { eulerWalk, type MultiEdge } from './euler.ts';
import type { RouteGraph } from './graph.ts';
import { heldKarpOrder, HELD_KARP_MAX_NODES } from './held-karp.ts';
import { solveLadderBlock } from './ratliff-rosenthal.ts';
import {
  distanceMatrix, resolveRequest, routeFromNodeOrder, routeFromWalk,
  type PickRoute, type ResolvedRequest, type RouteRequest,
} from './tour.ts';

export { HELD_KARP_MAX_NODES };

/** Optimal order of the distinct stop nodes by Held-Karp. */
export function heldKarpNodes(graph: RouteGraph, req: ResolvedRequest): number[] {
  const points = [req.start, req.end, ...req.nodes];
  return heldKarpOrder(distanceMatrix(graph, points), points.length).map((p) => points[p]);
}

/** Optimal route by Held-Karp; RangeError beyond HELD_KARP_MAX_NODES distinct stop nodes. */
export function heldKarpRoute(graph: RouteGraph, request: RouteRequest): PickRoute {
  const req = resolveRequest(graph, request);
  return routeFromNodeOrder(graph, req, heldKarpNodes(graph, req), 'held-karp');
}

interface UnitTree {
  /** Bridges at every unit: [bridge index, unit on the other side]. */
  readonly around: readonly (readonly [number, number])[][];
}

const unitTrees = new WeakMap<BlockTree, UnitTree>();

function unitTree(tree: BlockTree): UnitTree {
  let t = unitTrees.get(tree);
  if (!t) {
    const around: [number, number][][] = Array.from({ length: tree.unitCount }, () => []);
    tree.bridges.forEach((e, i) => {
      const ua = tree.unitOf[e.a];
      const ub = tree.unitOf[e.b];
      around[ua].push([i, ub]);
      around[ub].push([i, ua]);
    });
    unitTrees.set(tree, (t = { around }));
  }
  return t;
}

/** How often each bridge is crossed (0, 1 or 2), from the tree rooted at the start's unit. */
function bridgeCrossings(tree: BlockTree, req: ResolvedRequest): Uint8Array | null {
  const { around } = unitTree(tree);
  const root = tree.unitOf[req.start];
  const parentBridge = new Int32Array(tree.unitCount).fill(-1);
  const parentUnit = new Int32Array(tree.unitCount).fill(-1);
  const order = [root];
  parentUnit[root] = root;
  for (let i = 0; i < order.length; i++) {
    const u = order[i];
    for (const [bridge, v] of around[u]) {
      if (parentUnit[v] >= 0) continue;
      parentUnit[v] = u;
      parentBridge[v] = bridge;
      order.push(v);
    }
  }
  const hasStops = new Uint8Array(tree.unitCount);
  const hasEnd = new Uint8Array(tree.unitCount);
  for (const n of req.nodes) hasStops[tree.unitOf[n]] = 1;
  hasEnd[tree.unitOf[req.end]] = 1;
  for (const n of [req.end, ...req.nodes]) if (parentUnit[tree.unitOf[n]] < 0) return null;

  const crossings = new Uint8Array(tree.bridges.length);
  for (let i = order.length - 1; i > 0; i--) {
    const u = order[i];
    const p = parentUnit[u];
    crossings[parentBridge[u]] = hasEnd[u] ? 1 : hasStops[u] ? 2 : 0;
    hasStops[p] |= hasStops[u];
    hasEnd[p] |= hasEnd[u];
  }
  return crossings;
}

/** Requirements of one block's sub-walk. */
interface BlockNeeds {
  required: Set<number>;
  odd: Set<number>;
}

/**
 * The optimal walk (node indices, start to end) from the block decomposition, or null when the
 * graph has no block tree. Steps of the walk are graph edges; `stepLength` gives their lengths.
 */
export function blockTreeWalk(graph: RouteGraph, req: ResolvedRequest): { walk: number[]; stepLength: (a: number, b: number) => number } | null {
  const { tree, blockOf, blocks } = graph.structure;
  if (!tree) return null;
  const crossings = bridgeCrossings(tree, req);
  if (!crossings) return null;

  const needs = new Map<number, BlockNeeds>();
  const need = (node: number): BlockNeeds | undefined => {
    const b = blockOf[node];
    if (b < 0) return undefined;
    let n = needs.get(b);
    if (!n) needs.set(b, (n = { required: new Set(), odd: new Set() }));
    return n;
  };
  // Parity still owed inside a block at a node, after the bridges' share of its degree.
  const parity = new Map<number, number>();
  const flip = (node: number, times: number): void => {
    parity.set(node, ((parity.get(node) ?? 0) + times) % 2);
  };
  for (const n of [req.start, req.end, ...req.nodes]) need(n)?.required.add(n);
  if (req.start !== req.end) {
    flip(req.start, 1);
    flip(req.end, 1);
  }
  const edges: MultiEdge[] = [];
  const lengths = new Map<number, number>();
  const key = (a: number, b: number): number => (a < b ? a * graph.nodeCount + b : b * graph.nodeCount + a);
  tree.bridges.forEach((e, i) => {
    const times = crossings[i];
    if (times === 0) return;
    edges.push({ a: e.a, b: e.b, times });
    lengths.set(key(e.a, e.b), e.length);
    for (const n of [e.a, e.b]) {
      need(n)?.required.add(n);
      flip(n, times);
    }
  });
  for (const [node, p] of parity) if (p === 1) need(node)?.odd.add(node);

  for (const [b, { required, odd }] of needs) {
    for (const e of solveLadderBlock(blocks[b], required, odd).edges) {
      edges.push(e);
      lengths.set(key(e.a, e.b), e.length);
    }
  }
  const walk = eulerWalk(edges, req.start, req.end);
  return { walk, stepLength: (a, b) => lengths.get(key(a, b))! };
}

/**
 * Optimal route by Ratliff-Rosenthal per zone block, joined over the block tree; null when the
 * layout's zones are not ladder blocks joined by bridges (then use Held-Karp or a heuristic).
 */
export function ratliffRosenthalRoute(graph: RouteGraph, request: RouteRequest): PickRoute | null {
  const req = resolveRequest(graph, request);
  const found = blockTreeWalk(graph, req);
  return found && routeFromWalk(graph, req, found.walk, found.stepLength, 'ratliff-rosenthal');
}
