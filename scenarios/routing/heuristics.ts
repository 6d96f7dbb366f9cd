// The classic single-block routing policies, as references for the router:
// - S-shape (traversal): every aisle with stops is walked end to end, alternating direction; with
//   an odd count the last one is entered and left from the same end.
// - Largest gap: the first and last aisles with stops are walked end to end; every aisle between
//   is entered from both cross aisles up to its largest gap between consecutive stops (or ends).
// Several zones: each zone block is handled on its own, in ascending or descending zone order
// (whichever gives the shorter route), entering each block at the extreme aisle and cross aisle
// nearest to where the picker stands. Stops outside every block are added by cheapest insertion.
// Lengths are measured along shortest paths between consecutive stops, so a policy's route never
// exceeds the walk the policy prescribes (it may be a little shorter).
import type { LadderAisle } from './blocks.ts';
import type { RouteGraph } from './graph.ts';
import { nodeOrderLength, resolveRequest, routeFromNodeOrder, type PickRoute, type ResolvedRequest, type RouteRequest } from './tour.ts';

export type PolicyName = 's-shape' | 'largest-gap';

type Side = 'front' | 'back';

interface AisleStops {
  readonly aisle: LadderAisle;
  /** Stop nodes sorted by distance from the front cross node. */
  readonly nodes: readonly number[];
}

const sideNode = (aisle: LadderAisle, side: Side): number => (side === 'front' ? aisle.nodes[0] : aisle.nodes[aisle.nodes.length - 1]);
const opposite = (side: Side): Side => (side === 'front' ? 'back' : 'front');
/** Stops of an aisle in the order met when walking in from `side`. */
const fromSide = (a: AisleStops, side: Side): number[] => (side === 'front' ? [...a.nodes] : [...a.nodes].reverse());

/** Splits an aisle's stops at its largest gap: [reached from the front, reached from the back]. */
function splitAtLargestGap(graph: RouteGraph, a: AisleStops): [number[], number[]] {
  const { offsets } = a.aisle;
  const at = (n: number): number => offsets[graph.structure.posOf[n]];
  const points = [0, ...a.nodes.map(at), offsets[offsets.length - 1]];
  let cut = 0;
  let widest = -1;
  for (let i = 0; i + 1 < points.length; i++) {
    const gap = points[i + 1] - points[i];
    if (gap > widest) [cut, widest] = [i, gap];
  }
  return [a.nodes.slice(0, cut), a.nodes.slice(cut)];
}

/** Visiting order of one block's stops under a policy, entering from where the picker is. */
function blockOrder(graph: RouteGraph, aisles: AisleStops[], from: number, policy: PolicyName): number[] {
  // Enter at the extreme aisle and cross aisle nearest to the picker.
  const entries: [AisleStops[], Side][] = [
    [aisles, 'front'],
    [aisles, 'back'],
    [[...aisles].reverse(), 'front'],
    [[...aisles].reverse(), 'back'],
  ];
  const entryNode = ([list, side]: [AisleStops[], Side]): number => sideNode(list[0].aisle, side);
  let [ordered, entry] = entries[0];
  let nearest = Infinity;
  for (const e of entries) {
    const d = graph.distance(from, entryNode(e));
    if (d < nearest) [[ordered, entry], nearest] = [e, d];
  }

  const out: number[] = [];
  if (policy === 's-shape' || ordered.length === 1) {
    let side = entry;
    ordered.forEach((a, k) => {
      const returnTrip = k === ordered.length - 1 && ordered.length % 2 === 1;
      out.push(...fromSide(a, side));
      if (!returnTrip) side = opposite(side);
    });
    return out;
  }
  // Largest gap: out along the far cross aisle, back along the near one.
  const far = opposite(entry);
  const middle = ordered.slice(1, -1).map((a) => {
    const [frontPart, backPart] = splitAtLargestGap(graph, a);
    const fromEntry = entry === 'front' ? frontPart : [...backPart].reverse();
    const fromFar = far === 'front' ? frontPart : [...backPart].reverse();
    return { fromEntry, fromFar };
  });
  out.push(...fromSide(ordered[0], entry));
  for (const m of middle) out.push(...m.fromFar);
  out.push(...fromSide(ordered[ordered.length - 1], far));
  for (const m of [...middle].reverse()) out.push(...m.fromEntry);
  return out;
}

/** Stop nodes grouped by block, then by aisle in cross-aisle order. */
function groupByBlock(graph: RouteGraph, nodes: readonly number[]): { blocks: Map<number, AisleStops[]>; loose: number[] } {
  const { blockOf, aisleOf, posOf, blocks } = graph.structure;
  const byBlock = new Map<number, Map<number, number[]>>();
  const loose: number[] = [];
  for (const n of nodes) {
    const b = blockOf[n];
    if (b < 0) {
      loose.push(n);
      continue;
    }
    let aisles = byBlock.get(b);
    if (!aisles) byBlock.set(b, (aisles = new Map()));
    const list = aisles.get(aisleOf[n]);
    if (list) list.push(n);
    else aisles.set(aisleOf[n], [n]);
  }
  const grouped = new Map<number, AisleStops[]>();
  for (const [b, aisles] of [...byBlock].sort((x, y) => x[0] - y[0])) {
    grouped.set(
      b,
      [...aisles]
        .sort((x, y) => x[0] - y[0])
        .map(([j, list]) => ({ aisle: blocks[b].aisles[j], nodes: list.sort((p, q) => posOf[p] - posOf[q]) })),
    );
  }
  return { blocks: grouped, loose };
}

/** Inserts each node where it lengthens start -> order -> end the least. */
export function cheapestInsertion(graph: RouteGraph, start: number, order: number[], end: number, nodes: readonly number[]): number[] {
  const out = [...order];
  for (const n of nodes) {
    let bestAt = 0;
    let bestCost = Infinity;
    for (let i = 0; i <= out.length; i++) {
      const prev = i === 0 ? start : out[i - 1];
      const next = i === out.length ? end : out[i];
      const cost = graph.distance(prev, n) + graph.distance(n, next) - graph.distance(prev, next);
      if (cost < bestCost) [bestAt, bestCost] = [i, cost];
    }
    out.splice(bestAt, 0, n);
  }
  return out;
}

/** Order of the distinct stop nodes under a policy. */
export function policyNodeOrder(graph: RouteGraph, req: ResolvedRequest, policy: PolicyName): number[] {
  const { blocks, loose } = groupByBlock(graph, req.nodes);
  const ascending = [...blocks.keys()];
  const sequences = ascending.length > 1 ? [ascending, [...ascending].reverse()] : [ascending];
  let best: number[] = [];
  let bestLength = Infinity;
  for (const sequence of sequences) {
    const order: number[] = [];
    let at = req.start;
    for (const b of sequence) {
      order.push(...blockOrder(graph, blocks.get(b)!, at, policy));
      at = order[order.length - 1];
    }
    const full = cheapestInsertion(graph, req.start, order, req.end, loose);
    const length = nodeOrderLength(graph, req.start, full, req.end);
    if (length < bestLength) [best, bestLength] = [full, length];
  }
  return best;
}

export function sShapeRoute(graph: RouteGraph, request: RouteRequest): PickRoute {
  const req = resolveRequest(graph, request);
  return routeFromNodeOrder(graph, req, policyNodeOrder(graph, req, 's-shape'), 's-shape');
}

export function largestGapRoute(graph: RouteGraph, request: RouteRequest): PickRoute {
  const req = resolveRequest(graph, request);
  return routeFromNodeOrder(graph, req, policyNodeOrder(graph, req, 'largest-gap'), 'largest-gap');
}
