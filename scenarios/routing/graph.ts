// RouteGraph: the travel graph of one layout prepared for routing. Built once per layout and
// reused: node ids are mapped to dense indices, adjacency is packed (CSR), and every
// single-source shortest-path tree is computed on first use and cached.
import type { GeneratedLayout } from '../../model/layout.ts';
import { analyseBlocks, type BlockStructure, type IndexedEdge } from './blocks.ts';

export type RouteGraphSource = Pick<GeneratedLayout, 'nodes' | 'edges' | 'zones'>;

interface ShortestPathTree {
  readonly dist: Float64Array;
  /** Next node towards the source; -1 at the source and for unreachable nodes. */
  readonly towardsSource: Int32Array;
}

export class RouteGraph {
  readonly nodeCount: number;
  readonly ids: readonly string[];
  /** Ladder blocks and block tree (see blocks.ts), used by the exact router and the policies. */
  readonly structure: BlockStructure;
  private readonly indexById: Map<string, number>;
  private readonly adjStart: Int32Array;
  private readonly adjNode: Int32Array;
  private readonly adjLength: Float64Array;
  private readonly trees = new Map<number, ShortestPathTree>();

  constructor(source: RouteGraphSource) {
    this.ids = source.nodes.map((n) => n.id);
    this.nodeCount = this.ids.length;
    this.indexById = new Map(this.ids.map((id, i) => [id, i]));
    if (this.indexById.size !== this.nodeCount) throw new RangeError('duplicate node ids in the travel graph');

    const edges: IndexedEdge[] = source.edges.map((e) => {
      const length = e.length;
      if (!(length >= 0) || !Number.isFinite(length)) throw new RangeError(`edge ${e.from}-${e.to} has length ${length}`);
      return { a: this.index(e.from), b: this.index(e.to), length };
    });
    const degree = new Int32Array(this.nodeCount + 1);
    for (const e of edges) {
      degree[e.a + 1]++;
      degree[e.b + 1]++;
    }
    for (let i = 0; i < this.nodeCount; i++) degree[i + 1] += degree[i];
    this.adjStart = degree;
    this.adjNode = new Int32Array(2 * edges.length);
    this.adjLength = new Float64Array(2 * edges.length);
    const fill = this.adjStart.slice(0, this.nodeCount);
    for (const e of edges) {
      this.adjNode[fill[e.a]] = e.b;
      this.adjLength[fill[e.a]++] = e.length;
      this.adjNode[fill[e.b]] = e.a;
      this.adjLength[fill[e.b]++] = e.length;
    }
    this.structure = analyseBlocks(this.ids, edges, source.zones);
  }

  /** Dense index of a node id; RangeError for an unknown id. */
  index(id: string): number {
    const i = this.indexById.get(id);
    if (i === undefined) throw new RangeError(`unknown node "${id}"`);
    return i;
  }

  has(id: string): boolean {
    return this.indexById.has(id);
  }

  /** Shortest distances from `source` to every node (Infinity when unreachable); cached. */
  distancesFrom(source: number): Float64Array {
    return this.tree(source).dist;
  }

  /** Shortest distance in metres. The graph is undirected, so either end's cached tree serves. */
  distance(a: number, b: number): number {
    const fromA = this.trees.get(a);
    if (fromA) return fromA.dist[b];
    const fromB = this.trees.get(b);
    if (fromB) return fromB.dist[a];
    return this.tree(a).dist[b];
  }

  /** Node indices of a shortest path from a to b, both included; empty when b is unreachable. */
  path(a: number, b: number): number[] {
    // Walking the tree rooted at b from a yields the path already in a -> b order.
    const t = this.tree(b);
    if (t.dist[a] === Infinity) return [];
    const out = [a];
    for (let n = a; n !== b; ) out.push((n = t.towardsSource[n]));
    return out;
  }

  private tree(source: number): ShortestPathTree {
    let t = this.trees.get(source);
    if (!t) this.trees.set(source, (t = this.dijkstra(source)));
    return t;
  }

  private dijkstra(source: number): ShortestPathTree {
    const n = this.nodeCount;
    if (!(source >= 0 && source < n)) throw new RangeError(`node index ${source} out of range`);
    const dist = new Float64Array(n).fill(Infinity);
    const towardsSource = new Int32Array(n).fill(-1);
    const heap = new IndexHeap(n, dist);
    dist[source] = 0;
    heap.push(source);
    while (heap.size > 0) {
      const u = heap.pop();
      const du = dist[u];
      for (let k = this.adjStart[u]; k < this.adjStart[u + 1]; k++) {
        const v = this.adjNode[k];
        const dv = du + this.adjLength[k];
        if (dv < dist[v]) {
          dist[v] = dv;
          towardsSource[v] = u;
          heap.push(v);
        }
      }
    }
    return { dist, towardsSource };
  }
}

/** Binary min-heap of node indices keyed by dist[], with decrease-key through positions. */
class IndexHeap {
  private readonly items: Int32Array;
  private readonly position: Int32Array;
  size = 0;

  constructor(
    n: number,
    private readonly key: Float64Array,
  ) {
    this.items = new Int32Array(n);
    this.position = new Int32Array(n).fill(-1);
  }

  /** Inserts the node, or moves it up after its key decreased. */
  push(node: number): void {
    let i = this.position[node];
    if (i < 0) {
      i = this.size++;
      this.items[i] = node;
      this.position[node] = i;
    }
    this.up(i);
  }

  pop(): number {
    const top = this.items[0];
    this.position[top] = -1;
    const last = this.items[--this.size];
    if (this.size > 0) {
      this.items[0] = last;
      this.position[last] = 0;
      this.down(0);
    }
    return top;
  }

  private up(i: number): void {
    const { items, position, key } = this;
    const node = items[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (key[items[p]] <= key[node]) break;
      items[i] = items[p];
      position[items[i]] = i;
      i = p;
    }
    items[i] = node;
    position[node] = i;
  }

  private down(i: number): void {
    const { items, position, key } = this;
    const node = items[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && key[items[r]] < key[items[l]] ? r : l;
      if (key[items[c]] >= key[node]) break;
      items[i] = items[c];
      position[items[i]] = i;
      i = c;
    }
    items[i] = node;
    position[node] = i;
  }
}

/** Builds the routing view of a layout; do it once per layout and share it. */
export function createRouteGraph(layout: RouteGraphSource): RouteGraph {
  return new RouteGraph(layout);
}
