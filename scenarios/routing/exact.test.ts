import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ambientDemoLayout } from '../../model/demo-layouts.ts';
import { heldKarpRoute, ratliffRosenthalRoute } from './exact.ts';
import { createRouteGraph } from './graph.ts';
import { heldKarpOrder } from './held-karp.ts';
import { expectValidRoute, pickListArb, prepared, requestFrom, smallLayoutSpec, smallSpecArb, zoneNodes } from './testing.ts';

const demo = prepared(ambientDemoLayout);

/** Length of start(0) -> order -> end(1) over a k x k matrix. */
function pathLength(m: Float64Array, k: number, order: readonly number[]): number {
  const points = [0, ...order, 1];
  return points.slice(1).reduce((s, p, i) => s + m[points[i] * k + p], 0);
}

function* permutations(items: number[]): Generator<number[]> {
  if (items.length <= 1) {
    yield items;
    return;
  }
  for (let i = 0; i < items.length; i++) {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) yield [items[i], ...rest];
  }
}

describe('heldKarpOrder', () => {
  it('matches brute force on random asymmetric matrices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }).chain((k) => fc.tuple(fc.constant(k), fc.array(fc.integer({ min: 0, max: 50 }), { minLength: k * k, maxLength: k * k }))), ([k, values]) => {
        const m = Float64Array.from(values);
        const stops = Array.from({ length: k - 2 }, (_, i) => i + 2);
        const order = heldKarpOrder(m, k);
        expect([...order].sort((a, b) => a - b)).toEqual(stops);
        let best = Infinity;
        for (const p of permutations(stops)) best = Math.min(best, pathLength(m, k, p));
        expect(pathLength(m, k, order)).toBe(best);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses lists beyond its limit', () => {
    expect(() => heldKarpOrder(new Float64Array(19 * 19), 19)).toThrow(RangeError);
  });
});

describe('Ratliff-Rosenthal', () => {
  it('equals Held-Karp for stops in one zone of random small layouts, start and end anywhere', () => {
    fc.assert(
      fc.property(smallSpecArb(2), fc.nat(), pickListArb(1, 9), (spec, zonePick, list) => {
        const { layout, graph } = prepared(spec);
        const zone = layout.zones[zonePick % layout.zones.length].code;
        const request = requestFrom(list, layout.nodes.map((n) => n.id), zoneNodes(layout, zone));
        const rr = ratliffRosenthalRoute(graph, request)!;
        expect(rr.method).toBe('ratliff-rosenthal');
        expect(rr.distance).toBeCloseTo(heldKarpRoute(graph, request).distance, 6);
        expectValidRoute(layout, graph, request, rr);
      }),
      { numRuns: 300 },
    );
  });

  it('equals Held-Karp for stops in one demo zone, from docks, chargers and staging', () => {
    const ends = [...demo.layout.docks.map((d) => d.node), ...demo.layout.chargers.map((c) => c.node), 'A29-F', 'A32-F', 'A14-B'];
    fc.assert(
      fc.property(fc.constantFrom('STOR', 'PICK', 'BULK', 'QC', 'STAGE'), pickListArb(1, 10), (zone, list) => {
        const pool = demo.layout.bins.filter((b) => b.zoneCode === zone).map((b) => b.accessNode);
        const request = requestFrom(list, ends, pool);
        const rr = ratliffRosenthalRoute(demo.graph, request)!;
        expect(rr.distance).toBeCloseTo(heldKarpRoute(demo.graph, request).distance, 6);
        expectValidRoute(demo.layout, demo.graph, request, rr);
      }),
      { numRuns: 150 },
    );
  });

  it('equals Held-Karp across zones (blocks joined by bridges)', () => {
    fc.assert(
      fc.property(smallSpecArb(3), pickListArb(2, 9), (spec, list) => {
        const { layout, graph } = prepared(spec);
        const ids = layout.nodes.map((n) => n.id);
        const request = requestFrom(list, ids, ids);
        const rr = ratliffRosenthalRoute(graph, request)!;
        expect(rr.distance).toBeCloseTo(heldKarpRoute(graph, request).distance, 6);
        expectValidRoute(layout, graph, request, rr);
      }),
      { numRuns: 200 },
    );
  });

  it('finds the traversal of every aisle when all aisle nodes are stops', () => {
    const { layout, graph } = prepared(smallLayoutSpec([{ aisles: 4, racksPerAisle: 6, binsPerLevel: 1, binWidth: 1, aisleWidth: 3 }]));
    const stops = zoneNodes(layout, 'Z1').filter((id) => id.includes('-P')).map((node, i) => ({ id: `s${i}`, node }));
    const request = { start: 'DOCK-D1', stops };
    const rr = ratliffRosenthalRoute(graph, request)!;
    expectValidRoute(layout, graph, request, rr);
    // Each aisle walked end to end once, cross aisles worth twice the block's width (S-shape with
    // an even aisle count) and the dock leg out and back: cheaper than any return trip here.
    const aisleLength = graph.distance(graph.index('A01-F'), graph.index('A01-B'));
    const across = graph.distance(graph.index('A01-F'), graph.index('A04-F'));
    const dock = graph.distance(graph.index('DOCK-D1'), graph.index('A01-F'));
    expect(rr.distance).toBeCloseTo(4 * aisleLength + 2 * across + 2 * dock, 6);
    expect(rr.distance).toBeCloseTo(heldKarpRoute(graph, request).distance, 6);
  });

  it('returns null when the zones form no block tree', () => {
    const { layout } = prepared(smallLayoutSpec([
      { aisles: 2, racksPerAisle: 2, binsPerLevel: 1, binWidth: 1, aisleWidth: 3 },
      { aisles: 2, racksPerAisle: 2, binsPerLevel: 1, binWidth: 1, aisleWidth: 3 },
    ]));
    const graph = createRouteGraph({ ...layout, edges: [...layout.edges, { from: 'A02-B', to: 'A03-B', length: 4 }] });
    expect(ratliffRosenthalRoute(graph, { start: 'DOCK-D1', stops: [{ id: 'x', node: 'A04-P01' }] })).toBeNull();
  });
});
