// Structure of the travel graph that the exact router relies on:
// - ladder blocks: a zone whose nodes and edges form exactly the classic single-block warehouse
//   (parallel aisles, each a chain front cross node -> aisle nodes -> back cross node, adjacent
//   aisles joined front-front and back-back);
// - the block tree: with every ladder block contracted to one unit (and every other node a unit of
//   its own), the remaining edges form a forest. Those edges are then bridges, so an optimal walk
//   splits into independent sub-walks, one per block, joined through the bridges.
// Node ids follow model/layout.ts: aisle nodes "A03-P05", cross nodes "A03-F" / "A03-B".

/** Undirected edge between node indices. */
export interface IndexedEdge {
  readonly a: number;
  readonly b: number;
  readonly length: number;
}

export interface LadderAisle {
  /** Global aisle number. */
  readonly aisle: number;
  /** Node indices along the aisle: front cross node, aisle nodes by position, back cross node. */
  readonly nodes: readonly number[];
  /** Distance of each of `nodes` from the front cross node, metres. */
  readonly offsets: readonly number[];
}

export interface LadderBlock {
  readonly zoneCode: string;
  /** Aisles in cross-aisle order (ascending aisle number). */
  readonly aisles: readonly LadderAisle[];
  /** frontLinks[j]: length of the front cross-aisle edge between aisles j and j + 1. */
  readonly frontLinks: readonly number[];
  readonly backLinks: readonly number[];
}

export interface BlockTree {
  /** Unit of every node: ladder block i is unit i; every other node is a unit of its own. */
  readonly unitOf: Int32Array;
  readonly unitCount: number;
  /** The edges between units; each one is a bridge of the travel graph. */
  readonly bridges: readonly IndexedEdge[];
}

export interface BlockStructure {
  readonly blocks: readonly LadderBlock[];
  /** Ladder block of every node, -1 outside every block. */
  readonly blockOf: Int32Array;
  /** Index into blocks[blockOf[n]].aisles, -1 outside every block. */
  readonly aisleOf: Int32Array;
  /** Index into that aisle's `nodes`, -1 outside every block. */
  readonly posOf: Int32Array;
  /** Null when the units are joined by a cycle: then no block decomposition is exact. */
  readonly tree: BlockTree | null;
}

/** The part of a layout zone this module needs. */
export interface ZoneAisles {
  readonly code: string;
  readonly firstAisle: number;
  readonly aisleCount: number;
}

interface AisleNodeIds {
  front?: number;
  back?: number;
  /** position -> node index */
  positions: Map<number, number>;
}

const NODE_ID = /^A(\d+)-(?:(F)|(B)|P(\d+))$/;

function aisleNodesById(ids: readonly string[]): Map<number, AisleNodeIds> {
  const byAisle = new Map<number, AisleNodeIds>();
  ids.forEach((id, index) => {
    const m = NODE_ID.exec(id);
    if (!m) return;
    const aisle = Number(m[1]);
    let entry = byAisle.get(aisle);
    if (!entry) byAisle.set(aisle, (entry = { positions: new Map() }));
    if (m[2]) entry.front = index;
    else if (m[3]) entry.back = index;
    else entry.positions.set(Number(m[4]), index);
  });
  return byAisle;
}

const pairKey = (a: number, b: number): string => (a < b ? `${a}:${b}` : `${b}:${a}`);

/** The zone as a ladder block, or null when its nodes or edges are not exactly a ladder. */
function ladderOf(
  zone: ZoneAisles,
  byAisle: Map<number, AisleNodeIds>,
  edgeLength: Map<string, number>,
  edgesWithin: (members: Set<number>) => number,
): LadderBlock | null {
  const chains: number[][] = [];
  for (let k = 0; k < zone.aisleCount; k++) {
    const entry = byAisle.get(zone.firstAisle + k);
    if (!entry || entry.front === undefined || entry.back === undefined) return null;
    const positions = [...entry.positions.entries()].sort((x, y) => x[0] - y[0]).map(([, node]) => node);
    chains.push([entry.front, ...positions, entry.back]);
  }
  const expected: [number, number][] = [];
  chains.forEach((chain, j) => {
    for (let i = 1; i < chain.length; i++) expected.push([chain[i - 1], chain[i]]);
    if (j > 0) {
      expected.push([chains[j - 1][0], chain[0]]);
      expected.push([chains[j - 1][chains[j - 1].length - 1], chain[chain.length - 1]]);
    }
  });
  if (expected.some(([a, b]) => !edgeLength.has(pairKey(a, b)))) return null;
  // Any further edge inside the zone (a shortcut, a doubled edge) breaks the ladder model.
  const members = new Set(chains.flat());
  if (edgesWithin(members) !== expected.length) return null;

  const len = (a: number, b: number): number => edgeLength.get(pairKey(a, b))!;
  const aisles = chains.map((nodes, k) => {
    const offsets = [0];
    for (let i = 1; i < nodes.length; i++) offsets.push(offsets[i - 1] + len(nodes[i - 1], nodes[i]));
    return { aisle: zone.firstAisle + k, nodes, offsets };
  });
  const frontLinks: number[] = [];
  const backLinks: number[] = [];
  for (let j = 1; j < chains.length; j++) {
    frontLinks.push(len(chains[j - 1][0], chains[j][0]));
    backLinks.push(len(chains[j - 1][chains[j - 1].length - 1], chains[j][chains[j].length - 1]));
  }
  return { zoneCode: zone.code, aisles, frontLinks, backLinks };
}

/** Contracts blocks to units; returns the tree, or null when the inter-unit edges close a cycle. */
function blockTree(nodeCount: number, blockOf: Int32Array, blockCount: number, edges: readonly IndexedEdge[]): BlockTree | null {
  const unitOf = new Int32Array(nodeCount);
  let unitCount = blockCount;
  for (let n = 0; n < nodeCount; n++) unitOf[n] = blockOf[n] >= 0 ? blockOf[n] : unitCount++;

  const parent = Int32Array.from({ length: unitCount }, (_, i) => i);
  const find = (u: number): number => {
    while (parent[u] !== u) u = parent[u] = parent[parent[u]];
    return u;
  };
  const bridges: IndexedEdge[] = [];
  for (const e of edges) {
    const ua = unitOf[e.a];
    const ub = unitOf[e.b];
    if (ua === ub) continue;
    const ra = find(ua);
    const rb = find(ub);
    if (ra === rb) return null;
    parent[ra] = rb;
    bridges.push(e);
  }
  return { unitOf, unitCount, bridges };
}

export function analyseBlocks(ids: readonly string[], edges: readonly IndexedEdge[], zones: readonly ZoneAisles[]): BlockStructure {
  const edgeLength = new Map<string, number>();
  for (const e of edges) edgeLength.set(pairKey(e.a, e.b), e.length);
  const edgesWithin = (members: Set<number>): number =>
    edges.reduce((n, e) => n + (members.has(e.a) && members.has(e.b) ? 1 : 0), 0);
  const byAisle = aisleNodesById(ids);

  const blockOf = new Int32Array(ids.length).fill(-1);
  const aisleOf = new Int32Array(ids.length).fill(-1);
  const posOf = new Int32Array(ids.length).fill(-1);
  const blocks: LadderBlock[] = [];
  for (const zone of zones) {
    const block = ladderOf(zone, byAisle, edgeLength, edgesWithin);
    if (!block) continue;
    const nodes = block.aisles.flatMap((a) => a.nodes);
    // A node claimed twice (overlapping zone ranges): keep the first zone only.
    if (nodes.some((n) => blockOf[n] >= 0)) continue;
    const index = blocks.push(block) - 1;
    block.aisles.forEach((aisle, j) =>
      aisle.nodes.forEach((n, i) => {
        blockOf[n] = index;
        aisleOf[n] = j;
        posOf[n] = i;
      }),
    );
  }
  return { blocks, blockOf, aisleOf, posOf, tree: blockTree(ids.length, blockOf, blocks.length, edges) };
}
