import { describe, expect, it } from 'vitest';
import { ambientDemoLayout } from '../../model/demo-layouts.ts';
import { generateLayout, shortestDistances, type GeneratedLayout } from '../../model/layout.ts';
import { createRouteGraph } from './graph.ts';
import { prepared, smallLayoutSpec } from './testing.ts';

const demo = generateLayout(ambientDemoLayout);
const demoGraph = createRouteGraph(demo);

describe('RouteGraph distances and paths', () => {
  it('agrees with the model Dijkstra', () => {
    for (const source of ['DOCK-D1', 'A01-F', 'A16-P07', 'CHG-C4', 'A32-B']) {
      const expected = shortestDistances(demo, source);
      const row = demoGraph.distancesFrom(demoGraph.index(source));
      for (const [id, d] of expected) expect(row[demoGraph.index(id)]).toBeCloseTo(d, 9);
    }
  });

  it('is symmetric and serves either end from the cache', () => {
    const a = demoGraph.index('A05-P03');
    const b = demoGraph.index('A22-P02');
    expect(demoGraph.distance(a, b)).toBeCloseTo(demoGraph.distance(b, a), 9);
  });

  it('reconstructs shortest paths along real edges', () => {
    const lengths = new Map(demo.edges.flatMap((e) => [[`${e.from}|${e.to}`, e.length], [`${e.to}|${e.from}`, e.length]] as const));
    for (const [from, to] of [['DOCK-D2', 'A07-P10'], ['A13-B', 'A20-P01'], ['CHG-C1', 'CHG-C6'], ['A03-P02', 'A03-P02']]) {
      const path = demoGraph.path(demoGraph.index(from), demoGraph.index(to)).map((i) => demoGraph.ids[i]);
      expect(path[0]).toBe(from);
      expect(path[path.length - 1]).toBe(to);
      const walked = path.slice(1).reduce((s, id, i) => s + lengths.get(`${path[i]}|${id}`)!, 0);
      expect(walked).toBeCloseTo(demoGraph.distance(demoGraph.index(from), demoGraph.index(to)), 9);
    }
  });

  it('rejects unknown node ids', () => {
    expect(() => demoGraph.index('NOPE')).toThrow(RangeError);
  });
});

describe('block structure', () => {
  it('finds every demo zone as a ladder block joined by bridges', () => {
    const { blocks, tree, blockOf, aisleOf, posOf } = demoGraph.structure;
    expect(blocks.map((b) => b.zoneCode)).toEqual(['STOR', 'PICK', 'BULK', 'QC', 'STAGE']);
    expect(blocks.map((b) => b.aisles.length)).toEqual([12, 8, 6, 2, 4]);
    expect(tree).not.toBeNull();
    // 5 blocks + 4 docks + 6 chargers; 4 zone links + 10 attachments.
    expect(tree!.unitCount).toBe(15);
    expect(tree!.bridges).toHaveLength(14);
    const n = demoGraph.index('A15-P04');
    expect([blockOf[n], blocks[blockOf[n]].aisles[aisleOf[n]].aisle, posOf[n]]).toEqual([1, 15, 4]);
    expect(blockOf[demoGraph.index('DOCK-D1')]).toBe(-1);
  });

  const withEdge = (layout: GeneratedLayout, from: string, to: string): GeneratedLayout => ({
    ...layout,
    edges: [...layout.edges, { from, to, length: 1 }],
  });

  it('drops a zone whose edges are not exactly a ladder', () => {
    const { layout } = prepared(smallLayoutSpec([
      { aisles: 3, racksPerAisle: 4, binsPerLevel: 1, binWidth: 1, aisleWidth: 3 },
      { aisles: 2, racksPerAisle: 4, binsPerLevel: 1, binWidth: 1, aisleWidth: 3 },
    ]));
    const graph = createRouteGraph(withEdge(layout, 'A01-P01', 'A02-P01'));
    expect(graph.structure.blocks.map((b) => b.zoneCode)).toEqual(['Z2']);
    // Zone 1's nodes are now units of their own, and its ladder edges close cycles.
    expect(graph.structure.tree).toBeNull();
  });

  it('has no block tree when zones are joined twice', () => {
    const { layout } = prepared(smallLayoutSpec([
      { aisles: 2, racksPerAisle: 4, binsPerLevel: 1, binWidth: 1, aisleWidth: 3 },
      { aisles: 2, racksPerAisle: 4, binsPerLevel: 1, binWidth: 1, aisleWidth: 3 },
    ]));
    const graph = createRouteGraph(withEdge(layout, 'A02-B', 'A03-B'));
    expect(graph.structure.blocks).toHaveLength(2);
    expect(graph.structure.tree).toBeNull();
  });
});
