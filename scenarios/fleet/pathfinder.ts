// Dijkstra over the travel graph with a per-call "blocked" predicate: the fleet routes around
// nodes where other AGVs stand or will stop. Buffers are allocated once and reused (stamped), so
// a search costs no garbage beyond the returned path.
import type { RouteGraph } from '../routing/graph.ts';

export interface GraphEdgeSource {
  from: string;
  to: string;
  length: number;
}

export class Pathfinder {
  readonly nodeCount: number;
  private readonly adjStart: Int32Array;
  private readonly adjNode: Int32Array;
  private readonly adjLength: Float64Array;
  private readonly dist: Float64Array;
  private readonly prev: Int32Array;
  private readonly stamp: Uint32Array;
  private readonly done: Uint32Array;
  private generation = 0;
  private heapNode: Int32Array;
  private heapKey: Float64Array;
  private heapSize = 0;

  constructor(graph: RouteGraph, edges: readonly GraphEdgeSource[]) {
    const n = graph.nodeCount;
    this.nodeCount = n;
    const degree = new Int32Array(n + 1);
    const pairs = edges.map((e) => [graph.index(e.from), graph.index(e.to), e.length] as const);
    for (const [a, b] of pairs) {
      degree[a + 1]++;
      degree[b + 1]++;
    }
    for (let i = 0; i < n; i++) degree[i + 1] += degree[i];
    this.adjStart = degree;
    this.adjNode = new Int32Array(2 * pairs.length);
    this.adjLength = new Float64Array(2 * pairs.length);
    const fill = degree.slice(0, n);
    for (const [a, b, len] of pairs) {
      this.adjNode[fill[a]] = b;
      this.adjLength[fill[a]++] = len;
      this.adjNode[fill[b]] = a;
      this.adjLength[fill[b]++] = len;
    }
    this.dist = new Float64Array(n);
    this.prev = new Int32Array(n);
    this.stamp = new Uint32Array(n);
    this.done = new Uint32Array(n);
    this.heapNode = new Int32Array(Math.max(16, 2 * pairs.length + 1));
    this.heapKey = new Float64Array(this.heapNode.length);
  }

  neighbours(node: number): number[] {
    const out: number[] = [];
    for (let k = this.adjStart[node]; k < this.adjStart[node + 1]; k++) out.push(this.adjNode[k]);
    return out;
  }

  /** Shortest path start -> goal entering only nodes where blocked() is false (start is never tested). */
  path(start: number, goal: number, blocked: (node: number) => boolean): number[] | null {
    return this.search(start, (n) => n === goal, blocked);
  }

  /**
   * Shortest path from start to the nearest node (start excluded) that satisfies accept(), entering
   * only unblocked nodes. null when none is reachable.
   */
  search(start: number, accept: (node: number) => boolean, blocked: (node: number) => boolean): number[] | null {
    const gen = ++this.generation;
    const { dist, prev, stamp, done } = this;
    this.heapSize = 0;
    dist[start] = 0;
    prev[start] = -1;
    stamp[start] = gen;
    this.push(start, 0);
    while (this.heapSize > 0) {
      const u = this.heapNode[0];
      const du = this.heapKey[0];
      this.pop();
      if (done[u] === gen) continue;
      done[u] = gen;
      if (u !== start && accept(u)) {
        const out: number[] = [];
        for (let v = u; v !== -1; v = prev[v]) out.push(v);
        return out.reverse();
      }
      for (let k = this.adjStart[u]; k < this.adjStart[u + 1]; k++) {
        const v = this.adjNode[k];
        if (done[v] === gen || blocked(v)) continue;
        const dv = du + this.adjLength[k];
        if (stamp[v] !== gen || dv < dist[v]) {
          stamp[v] = gen;
          dist[v] = dv;
          prev[v] = u;
          this.push(v, dv);
        }
      }
    }
    return null;
  }

  private push(node: number, key: number): void {
    if (this.heapSize === this.heapNode.length) {
      const nodes = new Int32Array(this.heapNode.length * 2);
      nodes.set(this.heapNode);
      const keys = new Float64Array(this.heapKey.length * 2);
      keys.set(this.heapKey);
      this.heapNode = nodes;
      this.heapKey = keys;
    }
    const hn = this.heapNode;
    const hk = this.heapKey;
    let i = this.heapSize++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (hk[p] <= key) break;
      hn[i] = hn[p];
      hk[i] = hk[p];
      i = p;
    }
    hn[i] = node;
    hk[i] = key;
  }

  private pop(): void {
    const hn = this.heapNode;
    const hk = this.heapKey;
    const size = --this.heapSize;
    if (size === 0) return;
    const node = hn[size];
    const key = hk[size];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && hk[r] < hk[l] ? r : l;
      if (hk[c] >= key) break;
      hn[i] = hn[c];
      hk[i] = hk[c];
      i = c;
    }
    hn[i] = node;
    hk[i] = key;
  }
}
