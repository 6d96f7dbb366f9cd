import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ambientDemoLayout } from '../../model/demo-layouts.ts';
import { generateLayout } from '../../model/layout.ts';
import { heldKarpRoute } from './exact.ts';
import { createRouteGraph } from './graph.ts';
import { largestGapRoute, sShapeRoute } from './heuristics.ts';
import { localSearchRoute } from './local-search.ts';
import { planPickRoute, PLAN_HELD_KARP_LIMIT } from './plan.ts';
import { expectValidRoute, pickListArb, prepared, requestFrom, smallLayoutSpec, smallSpecArb } from './testing.ts';
import type { RouteRequest } from './tour.ts';

const demo = prepared(ambientDemoLayout);

describe('planPickRoute', () => {
  it('equals Held-Karp on random small lists in random small layouts', () => {
    fc.assert(
      fc.property(smallSpecArb(3), pickListArb(0, 9), (spec, list) => {
        const { layout, graph } = prepared(spec);
        const ids = layout.nodes.map((n) => n.id);
        const request = requestFrom(list, ids, ids);
        const route = planPickRoute(graph, request);
        expect(route.distance).toBeCloseTo(heldKarpRoute(graph, request).distance, 6);
        expectValidRoute(layout, graph, request, route);
      }),
      { numRuns: 300 },
    );
  });

  it('equals Held-Karp on random small lists in the demo warehouse, any zones', () => {
    const ids = demo.layout.nodes.map((n) => n.id);
    const bins = demo.layout.bins.map((b) => b.accessNode);
    fc.assert(
      fc.property(pickListArb(0, 10), fc.boolean(), (list, binsOnly) => {
        const request = requestFrom(list, ids, binsOnly ? bins : ids);
        const route = planPickRoute(demo.graph, request);
        expect(route.distance).toBeCloseTo(heldKarpRoute(demo.graph, request).distance, 6);
        expectValidRoute(demo.layout, demo.graph, request, route);
      }),
      { numRuns: 200 },
    );
  });

  it('plans a 40-stop list exactly, no longer than any reference route', () => {
    const bins = demo.layout.bins.filter((b) => b.zoneCode !== 'QC');
    const stops = Array.from({ length: 40 }, (_, i) => ({ id: `line${i}`, node: bins[(i * 7919) % bins.length].accessNode }));
    const request: RouteRequest = { start: 'DOCK-D2', end: 'A30-F', stops };
    const route = planPickRoute(demo.graph, request);
    expect(route.method).toBe('ratliff-rosenthal');
    expectValidRoute(demo.layout, demo.graph, request, route);
    for (const other of [sShapeRoute, largestGapRoute, localSearchRoute]) {
      const ref = other(demo.graph, request);
      expectValidRoute(demo.layout, demo.graph, request, ref);
      expect(route.distance).toBeLessThanOrEqual(ref.distance + 1e-9);
    }
  });

  describe('degenerate lists', () => {
    const { layout, graph } = demo;
    const dist = (a: string, b: string) => graph.distance(graph.index(a), graph.index(b));

    it('no stops: the shortest path from start to end', () => {
      const request = { start: 'DOCK-D1', end: 'CHG-C1', stops: [] };
      const route = planPickRoute(graph, request);
      expect(route.order).toEqual([]);
      expect(route.legs).toHaveLength(1);
      expect(route.distance).toBeCloseTo(dist('DOCK-D1', 'CHG-C1'), 9);
      expectValidRoute(layout, graph, request, route);
      expect(planPickRoute(graph, { start: 'A05-P05', stops: [] })).toMatchObject({ distance: 0, path: ['A05-P05'], legs: [0] });
    });

    it('one stop: out and back, or on to the end', () => {
      const stops = [{ id: 'only', node: 'A16-P08' }];
      const back = planPickRoute(graph, { start: 'DOCK-D3', stops });
      expect(back.distance).toBeCloseTo(2 * dist('DOCK-D3', 'A16-P08'), 9);
      const onward = planPickRoute(graph, { start: 'DOCK-D3', end: 'CHG-C2', stops });
      expect(onward.legs[0] + onward.legs[1]).toBeCloseTo(dist('DOCK-D3', 'A16-P08') + dist('A16-P08', 'CHG-C2'), 9);
      expectValidRoute(layout, graph, { start: 'DOCK-D3', end: 'CHG-C2', stops }, onward);
    });

    it('all stops on one node: request order, zero legs between them', () => {
      const stops = ['c', 'a', 'b'].map((id) => ({ id, node: 'A14-P03' }));
      const route = planPickRoute(graph, { start: 'DOCK-D1', end: 'DOCK-D4', stops });
      expect(route.order).toEqual(['c', 'a', 'b']);
      expect(route.legs.slice(1, 3)).toEqual([0, 0]);
      expect(route.distance).toBeCloseTo(dist('DOCK-D1', 'A14-P03') + dist('A14-P03', 'DOCK-D4'), 9);
    });

    it('stops on the start and end nodes cost nothing extra', () => {
      const request = { start: 'A20-F', end: 'A13-F', stops: [{ id: 's', node: 'A20-F' }, { id: 'e', node: 'A13-F' }] };
      const route = planPickRoute(graph, request);
      expect(route.order).toEqual(['s', 'e']);
      expect(route.distance).toBeCloseTo(dist('A20-F', 'A13-F'), 9);
      expectValidRoute(layout, graph, request, route);
    });

    it('start different from end', () => {
      const stops = ['A01-P01', 'A12-P12', 'A25-P03'].map((node, i) => ({ id: `s${i}`, node }));
      const request = { start: 'CHG-C1', end: 'DOCK-D4', stops };
      const route = planPickRoute(graph, request);
      expect(route.distance).toBeCloseTo(heldKarpRoute(graph, request).distance, 6);
      expectValidRoute(layout, graph, request, route);
    });

    it('rejects unknown nodes and duplicate stop ids', () => {
      expect(() => planPickRoute(graph, { start: 'NOPE', stops: [] })).toThrow(RangeError);
      expect(() => planPickRoute(graph, { start: 'DOCK-D1', stops: [{ id: 'x', node: 'NOPE' }] })).toThrow(RangeError);
      expect(() => planPickRoute(graph, { start: 'DOCK-D1', stops: [{ id: 'x', node: 'A01-F' }, { id: 'x', node: 'A02-F' }] })).toThrow(RangeError);
    });
  });

  it('is deterministic, also on a freshly built graph', () => {
    const bins = demo.layout.bins;
    const stops = Array.from({ length: 30 }, (_, i) => ({ id: `l${i}`, node: bins[(i * 104729) % bins.length].accessNode }));
    const request = { start: 'DOCK-D4', end: 'DOCK-D1', stops };
    const first = planPickRoute(demo.graph, request);
    expect(planPickRoute(demo.graph, request)).toEqual(first);
    expect(planPickRoute(createRouteGraph(generateLayout(ambientDemoLayout)), request)).toEqual(first);
    expect(localSearchRoute(demo.graph, request)).toEqual(localSearchRoute(demo.graph, request));
  });

  describe('without a block tree (zones joined twice)', () => {
    const base = prepared(smallLayoutSpec([
      { aisles: 3, racksPerAisle: 6, binsPerLevel: 1, binWidth: 1, aisleWidth: 3 },
      { aisles: 3, racksPerAisle: 6, binsPerLevel: 1, binWidth: 1, aisleWidth: 3 },
    ])).layout;
    const layout = { ...base, edges: [...base.edges, { from: 'A03-B', to: 'A04-B', length: 4 }] };
    const graph = createRouteGraph(layout);
    const aisleNodes = layout.nodes.filter((n) => n.kind === 'aisle').map((n) => n.id);

    it('uses Held-Karp for short lists', () => {
      fc.assert(
        fc.property(pickListArb(2, PLAN_HELD_KARP_LIMIT), (list) => {
          const request = requestFrom(list, layout.nodes.map((n) => n.id), aisleNodes);
          const route = planPickRoute(graph, request);
          if (new Set(request.stops.map((s) => s.node)).size > 1) expect(route.method).toBe('held-karp');
          expect(route.distance).toBeCloseTo(heldKarpRoute(graph, request).distance, 6);
          expectValidRoute(layout, graph, request, route);
        }),
        { numRuns: 30 },
      );
    });

    it('falls back to local search for long lists', () => {
      const stops = aisleNodes.map((node, i) => ({ id: `s${i}`, node }));
      const request = { start: 'DOCK-D1', end: 'DOCK-D2', stops };
      const route = planPickRoute(graph, request);
      expect(route.method).toBe('local-search');
      expectValidRoute(layout, graph, request, route);
      expect(route.distance).toBeLessThanOrEqual(sShapeRoute(graph, request).distance + 1e-9);
    });
  });
});
