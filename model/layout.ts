// Pure warehouse layout generator: spec -> bins with 3D positions + travel graph.
//
// Geometry (per zone, in local coordinates u = across the aisles, v = along them):
// - Each aisle is a module of width `pitch = depth + aisleWidth + depth`: a rack row on the
//   low-u face, the aisle, a rack row on the high-u face. Modules sit side by side, so rows of
//   neighbouring aisles stand back to back.
// - Racks are numbered 1..racksPerAisle along the aisle; odd racks stand on the low-u face and
//   even racks on the high-u face, so racks 2p-1 and 2p face each other at rack position p.
// - Orientation 'y' maps (u, v) -> (x, y); orientation 'x' maps (u, v) -> (y, x).
// - Front cross aisle lies before v = 0, back cross aisle after the last rack position; both are
//   `crossAisleWidth` wide and outside the rack block (the block is what overlap checks use).
import Value from 'typebox/value';
import {
  LAYOUT_DEFAULTS,
  LayoutSpecSchema,
  type LayoutSpec,
  type Orientation,
  type Temperature,
  type ZoneKind,
  type ZoneSpec,
} from './layout-spec.ts';

/** Hard cap on generated bins, so an API caller cannot make the server build millions of rows. */
export const MAX_BINS = 500_000;

export class LayoutError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'LayoutError';
    this.field = field;
  }
}

export interface Rect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface GeneratedZone {
  code: string;
  name: string;
  kind: ZoneKind;
  temperature: Temperature;
  orientation: Orientation;
  /** Global number of the zone's first aisle; its aisles are firstAisle..firstAisle+aisleCount-1. */
  firstAisle: number;
  aisleCount: number;
  /** Floor area covered by the racks and aisles (cross aisles excluded). */
  block: Rect;
}

export interface GeneratedBin {
  code: string;
  zoneCode: string;
  aisle: number;
  rack: number;
  level: number;
  slot: number;
  /** Centre of the bin, metres; z is up and level 1 stands on the floor. */
  x: number;
  y: number;
  z: number;
  /** width runs along the aisle, depth across it. */
  width: number;
  depth: number;
  height: number;
  maxVolumeM3: number;
  maxWeightKg: number;
  /** Base units (null = no unit limit). */
  maxUnits: number | null;
  /** Pallet positions (null = not a pallet location). */
  maxPallets: number | null;
  pickSeq: number;
  accessNode: string;
}

export type GraphNodeKind = 'aisle' | 'cross' | 'dock' | 'charger';

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  x: number;
  y: number;
}

/** Undirected edge; length is the Euclidean distance between its nodes, metres. */
export interface GraphEdge {
  from: string;
  to: string;
  length: number;
}

export interface FloorPoint {
  code: string;
  x: number;
  y: number;
  node: string;
}

export interface GeneratedLayout {
  warehouseCode: string;
  zones: GeneratedZone[];
  /** Sorted by pickSeq. */
  bins: GeneratedBin[];
  nodes: GraphNode[];
  edges: GraphEdge[];
  docks: FloorPoint[];
  chargers: FloorPoint[];
  bounds: Rect;
}

export interface LayoutStats {
  bins: number;
  zones: number;
  nodes: number;
  edges: number;
  aisles: number;
}

// ---------------------------------------------------------------------------------------------
// Resolved zone geometry

interface ZoneGeometry {
  spec: ZoneSpec;
  index: number;
  orientation: Orientation;
  firstAisle: number;
  rackLength: number;
  aisleWidth: number;
  levelHeight: number;
  /** Width of one aisle module across the aisles. */
  pitch: number;
  /** Rack positions along an aisle (two facing racks per position). */
  positions: number;
  /** Length of the rack block along the aisles. */
  length: number;
  block: Rect;
}

/** Rounded to 1 µm: keeps coordinates free of float noise like 0.30000000000000004. */
const round = (n: number): number => Math.round(n * 1e6) / 1e6;

function resolveZone(spec: ZoneSpec, index: number, firstAisle: number): ZoneGeometry {
  const orientation = spec.orientation ?? LAYOUT_DEFAULTS.orientation;
  const rackLength = spec.rackLength ?? spec.binsPerLevel * spec.bin.width;
  const aisleWidth = spec.aisleWidth ?? LAYOUT_DEFAULTS.aisleWidth;
  const levelHeight = spec.levelHeight ?? spec.bin.height + LAYOUT_DEFAULTS.levelClearance;
  const pitch = 2 * spec.bin.depth + aisleWidth;
  const positions = Math.ceil(spec.racksPerAisle / 2);
  const length = positions * rackLength;
  const acrossSize = spec.aisles * pitch;
  const [w, h] = orientation === 'y' ? [acrossSize, length] : [length, acrossSize];
  const block = {
    minX: round(spec.origin.x),
    minY: round(spec.origin.y),
    maxX: round(spec.origin.x + w),
    maxY: round(spec.origin.y + h),
  };
  return { spec, index, orientation, firstAisle, rackLength, aisleWidth, levelHeight, pitch, positions, length, block };
}

function resolveZones(spec: LayoutSpec): ZoneGeometry[] {
  let nextAisle = 1;
  return spec.zones.map((zone, i) => {
    const geometry = resolveZone(zone, i, nextAisle);
    nextAisle += zone.aisles;
    return geometry;
  });
}

/** Local (u across, v along) -> world (x, y). */
function toWorld(g: ZoneGeometry, u: number, v: number): { x: number; y: number } {
  const [dx, dy] = g.orientation === 'y' ? [u, v] : [v, u];
  return { x: round(g.spec.origin.x + dx), y: round(g.spec.origin.y + dy) };
}

/** u of the centre line of the zone's i-th aisle (0-based). */
const aisleCentreU = (g: ZoneGeometry, i: number): number => i * g.pitch + g.spec.bin.depth + g.aisleWidth / 2;

// ---------------------------------------------------------------------------------------------
// Validation

function overlaps(a: Rect, b: Rect): boolean {
  // Touching edges are fine: back-to-back blocks are common.
  return a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY;
}

function strictlyInside(p: { x: number; y: number }, r: Rect): boolean {
  return p.x > r.minX && p.x < r.maxX && p.y > r.minY && p.y < r.maxY;
}

function checkUniqueCodes(items: readonly { code: string }[], path: string): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const first = seen.get(item.code);
    if (first !== undefined) {
      throw new LayoutError(`${path}[${i}].code`, `duplicate code "${item.code}" (also ${path}[${first}])`);
    }
    seen.set(item.code, i);
  });
}

function checkZoneFits(g: ZoneGeometry): void {
  const { spec, index } = g;
  if (g.rackLength + 1e-9 < spec.binsPerLevel * spec.bin.width) {
    throw new LayoutError(
      `zones[${index}].rackLength`,
      `${g.rackLength} m cannot hold ${spec.binsPerLevel} bins of ${spec.bin.width} m`,
    );
  }
  if (g.levelHeight + 1e-9 < spec.bin.height) {
    throw new LayoutError(`zones[${index}].levelHeight`, `${g.levelHeight} m is lower than bin height ${spec.bin.height} m`);
  }
}

function checkNoOverlaps(zones: readonly ZoneGeometry[]): void {
  for (let j = 1; j < zones.length; j++) {
    for (let i = 0; i < j; i++) {
      if (overlaps(zones[i].block, zones[j].block)) {
        throw new LayoutError(`zones[${j}].origin`, `rack block of zone "${zones[j].spec.code}" overlaps zone "${zones[i].spec.code}"`);
      }
    }
  }
}

function checkPointsOutsideRacks(points: readonly { x: number; y: number }[], path: string, zones: readonly ZoneGeometry[]): void {
  points.forEach((p, i) => {
    const zone = zones.find((z) => strictlyInside(p, z.block));
    if (zone) throw new LayoutError(`${path}[${i}]`, `lies inside the rack block of zone "${zone.spec.code}"`);
  });
}

function validate(spec: LayoutSpec, zones: readonly ZoneGeometry[]): void {
  checkUniqueCodes(spec.zones, 'zones');
  checkUniqueCodes(spec.docks ?? [], 'docks');
  checkUniqueCodes(spec.chargers ?? [], 'chargers');
  zones.forEach(checkZoneFits);
  const total = spec.zones.reduce((n, z) => n + z.aisles * z.racksPerAisle * z.levels * z.binsPerLevel, 0);
  if (total > MAX_BINS) throw new LayoutError('zones', `${total} bins exceed the limit of ${MAX_BINS}`);
  checkNoOverlaps(zones);
  checkPointsOutsideRacks(spec.docks ?? [], 'docks', zones);
  checkPointsOutsideRacks(spec.chargers ?? [], 'chargers', zones);
}

/** Schema + semantic validation of untrusted input; throws LayoutError with a dotted field path. */
export function parseLayoutSpec(input: unknown): LayoutSpec {
  if (!Value.Check(LayoutSpecSchema, input)) {
    // 'boolean' errors are the terse twins of additionalProperties errors; prefer the latter.
    const errors = Value.Errors(LayoutSpecSchema, input);
    const error = errors.find((e) => e.keyword !== 'boolean') ?? errors[0];
    const extra = error?.keyword === 'additionalProperties' ? ` (${JSON.stringify(error.params)})` : '';
    throw new LayoutError(pointerToField(error?.instancePath ?? ''), `${error?.message ?? 'invalid layout spec'}${extra}`);
  }
  validate(input, resolveZones(input));
  return input;
}

/** "/zones/1/code" -> "zones[1].code" */
function pointerToField(pointer: string): string {
  const parts = pointer.split('/').slice(1);
  if (parts.length === 0) return '(root)';
  return parts.reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

// ---------------------------------------------------------------------------------------------
// Codes and ids

const pad2 = (n: number): string => String(n).padStart(2, '0');
const aisleNodeId = (aisle: number, position: number): string => `A${pad2(aisle)}-P${pad2(position)}`;
const crossNodeId = (aisle: number, end: 'F' | 'B'): string => `A${pad2(aisle)}-${end}`;
const binCode = (wh: string, aisle: number, rack: number, level: number, slot: number): string =>
  `${wh}-A${pad2(aisle)}-R${pad2(rack)}-L${level}-B${pad2(slot)}`;

/** 1..n, reversed when `reverse`: the serpentine direction of a walk. */
function walk(n: number, reverse: boolean): number[] {
  const seq = Array.from({ length: n }, (_, i) => i + 1);
  return reverse ? seq.reverse() : seq;
}

// ---------------------------------------------------------------------------------------------
// Bins

/**
 * Bins of one zone in walking order: aisle by aisle, odd global aisles front-to-back and even
 * ones back-to-front; at each slot position both facing racks, then every level.
 */
function zoneBins(wh: string, g: ZoneGeometry, out: GeneratedBin[]): void {
  const { spec } = g;
  const { bin } = spec;
  const slotPitch = g.rackLength / spec.binsPerLevel;
  const maxVolumeM3 = round(bin.width * bin.depth * bin.height);
  for (let i = 0; i < spec.aisles; i++) {
    const aisle = g.firstAisle + i;
    const reverse = aisle % 2 === 0;
    const faceU = [i * g.pitch + bin.depth / 2, i * g.pitch + bin.depth + g.aisleWidth + bin.depth / 2];
    for (const position of walk(g.positions, reverse)) {
      const accessNode = aisleNodeId(aisle, position);
      for (const slot of walk(spec.binsPerLevel, reverse)) {
        const v = (position - 1) * g.rackLength + (slot - 0.5) * slotPitch;
        for (const face of [0, 1]) {
          const rack = 2 * position - 1 + face;
          if (rack > spec.racksPerAisle) continue;
          const { x, y } = toWorld(g, faceU[face], v);
          for (let level = 1; level <= spec.levels; level++) {
            out.push({
              code: binCode(wh, aisle, rack, level, slot),
              zoneCode: spec.code,
              aisle,
              rack,
              level,
              slot,
              x,
              y,
              z: round((level - 1) * g.levelHeight + bin.height / 2),
              width: bin.width,
              depth: bin.depth,
              height: bin.height,
              maxVolumeM3,
              maxWeightKg: bin.maxWeightKg,
              maxUnits: bin.maxUnits ?? null,
              maxPallets: bin.maxPallets ?? null,
              pickSeq: out.length + 1,
              accessNode,
            });
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Travel graph

class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  private readonly byId = new Map<string, GraphNode>();

  add(id: string, kind: GraphNodeKind, p: { x: number; y: number }): GraphNode {
    const node = { id, kind, x: p.x, y: p.y };
    this.nodes.push(node);
    this.byId.set(id, node);
    return node;
  }

  get(id: string): GraphNode {
    const node = this.byId.get(id);
    if (!node) throw new Error(`internal: unknown node ${id}`);
    return node;
  }

  connect(a: string, b: string): void {
    this.edges.push({ from: a, to: b, length: round(distance(this.get(a), this.get(b))) });
  }
}

const distance = (a: { x: number; y: number }, b: { x: number; y: number }): number => Math.hypot(a.x - b.x, a.y - b.y);

/** Aisle centre-line nodes, one per rack position, chained between the front and back cross nodes. */
function zoneGraph(g: ZoneGeometry, crossAisleWidth: number, graph: GraphBuilder): void {
  for (let i = 0; i < g.spec.aisles; i++) {
    const aisle = g.firstAisle + i;
    const u = aisleCentreU(g, i);
    const chain = [graph.add(crossNodeId(aisle, 'F'), 'cross', toWorld(g, u, -crossAisleWidth / 2)).id];
    for (let p = 1; p <= g.positions; p++) {
      chain.push(graph.add(aisleNodeId(aisle, p), 'aisle', toWorld(g, u, (p - 0.5) * g.rackLength)).id);
    }
    chain.push(graph.add(crossNodeId(aisle, 'B'), 'cross', toWorld(g, u, g.length + crossAisleWidth / 2)).id);
    for (let k = 1; k < chain.length; k++) graph.connect(chain[k - 1], chain[k]);
    if (i > 0) {
      graph.connect(crossNodeId(aisle - 1, 'F'), crossNodeId(aisle, 'F'));
      graph.connect(crossNodeId(aisle - 1, 'B'), crossNodeId(aisle, 'B'));
    }
  }
}

function frontNodes(g: ZoneGeometry, graph: GraphBuilder): GraphNode[] {
  return Array.from({ length: g.spec.aisles }, (_, i) => graph.get(crossNodeId(g.firstAisle + i, 'F')));
}

function nearest<T extends { x: number; y: number }>(p: { x: number; y: number }, candidates: readonly T[]): T {
  let best = candidates[0];
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(p, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

/** Consecutive zones are joined through the closest pair of their front cross-aisle nodes. */
function linkZones(zones: readonly ZoneGeometry[], graph: GraphBuilder): void {
  for (let k = 1; k < zones.length; k++) {
    const a = frontNodes(zones[k - 1], graph);
    const b = frontNodes(zones[k], graph);
    let pair: [GraphNode, GraphNode] = [a[0], b[0]];
    let bestD = Infinity;
    for (const na of a) {
      const nb = nearest(na, b);
      const d = distance(na, nb);
      if (d < bestD) [pair, bestD] = [[na, nb], d];
    }
    graph.connect(pair[0].id, pair[1].id);
  }
}

function attachPoints(
  points: readonly { code: string; x: number; y: number }[],
  kind: 'dock' | 'charger',
  graph: GraphBuilder,
  crossNodes: readonly GraphNode[],
): FloorPoint[] {
  const prefix = kind === 'dock' ? 'DOCK' : 'CHG';
  return points.map((p) => {
    const node = graph.add(`${prefix}-${p.code}`, kind, { x: p.x, y: p.y });
    graph.connect(node.id, nearest(p, crossNodes).id);
    return { code: p.code, x: p.x, y: p.y, node: node.id };
  });
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Covers rack blocks, their cross aisles and every graph node (docks, chargers). */
function computeBounds(zones: readonly ZoneGeometry[], crossAisleWidth: number, nodes: readonly GraphNode[]): Rect {
  const b = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  const include = (x: number, y: number) => {
    b.minX = Math.min(b.minX, x);
    b.minY = Math.min(b.minY, y);
    b.maxX = Math.max(b.maxX, x);
    b.maxY = Math.max(b.maxY, y);
  };
  for (const z of zones) {
    const front = toWorld(z, 0, -crossAisleWidth);
    const back = toWorld(z, z.spec.aisles * z.pitch, z.length + crossAisleWidth);
    include(front.x, front.y);
    include(back.x, back.y);
  }
  for (const n of nodes) include(n.x, n.y);
  return b;
}

/** Generates bins, travel graph and bounds. Assumes a schema-valid spec; throws LayoutError on semantic problems. */
export function generateLayout(spec: LayoutSpec): GeneratedLayout {
  const zones = resolveZones(spec);
  validate(spec, zones);
  const crossAisleWidth = spec.crossAisleWidth ?? LAYOUT_DEFAULTS.crossAisleWidth;

  const bins: GeneratedBin[] = [];
  const graph = new GraphBuilder();
  for (const g of zones) {
    zoneBins(spec.code, g, bins);
    zoneGraph(g, crossAisleWidth, graph);
  }
  linkZones(zones, graph);
  const crossNodes = graph.nodes.filter((n) => n.kind === 'cross');
  const docks = attachPoints(spec.docks ?? [], 'dock', graph, crossNodes);
  const chargers = attachPoints(spec.chargers ?? [], 'charger', graph, crossNodes);

  return {
    warehouseCode: spec.code,
    zones: zones.map((g) => ({
      code: g.spec.code,
      name: g.spec.name,
      kind: g.spec.kind,
      temperature: g.spec.temperature,
      orientation: g.orientation,
      firstAisle: g.firstAisle,
      aisleCount: g.spec.aisles,
      block: g.block,
    })),
    bins,
    nodes: graph.nodes,
    edges: graph.edges,
    docks,
    chargers,
    bounds: computeBounds(zones, crossAisleWidth, graph.nodes),
  };
}

export function layoutStats(layout: GeneratedLayout): LayoutStats {
  return {
    bins: layout.bins.length,
    zones: layout.zones.length,
    nodes: layout.nodes.length,
    edges: layout.edges.length,
    aisles: layout.zones.reduce((n, z) => n + z.aisleCount, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Routing

/** Min-heap of [distance, node index] pairs; stale entries are skipped by the caller. */
class MinHeap {
  private readonly items: [number, number][] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: [number, number]): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent][0] <= a[i][0]) break;
      [a[parent], a[i]] = [a[i], a[parent]];
      i = parent;
    }
  }

  pop(): [number, number] | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(i: number): void {
    const a = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && a[l][0] < a[m][0]) m = l;
      if (r < a.length && a[r][0] < a[m][0]) m = r;
      if (m === i) return;
      [a[m], a[i]] = [a[i], a[m]];
      i = m;
    }
  }
}

/**
 * Dijkstra over the undirected travel graph. Returns the distance in metres to every node
 * reachable from `fromNodeId` (unreachable nodes are absent). Throws RangeError for an unknown id.
 */
export function shortestDistances(layout: GeneratedLayout, fromNodeId: string): Map<string, number> {
  const index = new Map(layout.nodes.map((n, i) => [n.id, i]));
  const start = index.get(fromNodeId);
  if (start === undefined) throw new RangeError(`unknown node "${fromNodeId}"`);

  const adjacency: [number, number][][] = layout.nodes.map(() => []);
  for (const e of layout.edges) {
    const a = index.get(e.from)!;
    const b = index.get(e.to)!;
    adjacency[a].push([b, e.length]);
    adjacency[b].push([a, e.length]);
  }

  const dist = new Array<number>(layout.nodes.length).fill(Infinity);
  dist[start] = 0;
  const heap = new MinHeap();
  heap.push([0, start]);
  while (heap.size > 0) {
    const [d, u] = heap.pop()!;
    if (d > dist[u]) continue;
    for (const [v, w] of adjacency[u]) {
      const nd = d + w;
      if (nd < dist[v]) {
        dist[v] = nd;
        heap.push([nd, v]);
      }
    }
  }

  const result = new Map<string, number>();
  dist.forEach((d, i) => {
    if (d < Infinity) result.set(layout.nodes[i].id, d);
  });
  return result;
}
