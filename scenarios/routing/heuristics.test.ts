import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ambientDemoLayout } from '../../model/demo-layouts.ts';
import { heldKarpRoute } from './exact.ts';
import { largestGapRoute, sShapeRoute } from './heuristics.ts';
import { expectValidRoute, pickListArb, prepared, requestFrom, smallLayoutSpec, smallSpecArb } from './testing.ts';

const stopsAt = (...nodes: string[]) => nodes.map((node) => ({ id: node, node }));

describe('S-shape and largest gap', () => {
  const block = prepared(smallLayoutSpec([{ aisles: 3, racksPerAisle: 8, binsPerLevel: 1, binWidth: 1, aisleWidth: 3 }]));

  it('S-shape walks aisles end to end, alternating, the odd last one as a return trip', () => {
    const request = { start: 'DOCK-D1', stops: stopsAt('A03-P02', 'A02-P01', 'A01-P02', 'A02-P03') };
    const route = sShapeRoute(block.graph, request);
    expect(route.order).toEqual(['A01-P02', 'A02-P03', 'A02-P01', 'A03-P02']);
    expectValidRoute(block.layout, block.graph, request, route);
  });

  it('largest gap walks the outer aisles end to end and enters the others up to their largest gap', () => {
    const request = { start: 'DOCK-D1', stops: stopsAt('A02-P01', 'A02-P04', 'A01-P03', 'A03-P01', 'A03-P02', 'A01-P01') };
    const route = largestGapRoute(block.graph, request);
    expect(route.order).toEqual(['A01-P01', 'A01-P03', 'A02-P04', 'A03-P02', 'A03-P01', 'A02-P01']);
    expectValidRoute(block.layout, block.graph, request, route);
  });

  it('keeps each zone together across zones', () => {
    const demo = prepared(ambientDemoLayout);
    const nodes = ['A03-P02', 'A15-P04', 'A22-P01', 'A05-P09', 'A17-P12', 'A24-P06', 'A14-P01'];
    const request = { start: 'DOCK-D1', end: 'DOCK-D4', stops: stopsAt(...nodes) };
    for (const route of [sShapeRoute(demo.graph, request), largestGapRoute(demo.graph, request)]) {
      const zones = route.order.map((id) => demo.graph.structure.blockOf[demo.graph.index(id)]);
      // One run per zone (STOR 0, PICK 1, BULK 2), in zone order one way or the other.
      const runs = zones.filter((z, i) => i === 0 || z !== zones[i - 1]);
      expect([[0, 1, 2], [2, 1, 0]]).toContainEqual(runs);
      expectValidRoute(demo.layout, demo.graph, request, route);
    }
  });

  it('give valid routes no shorter than the optimum', () => {
    fc.assert(
      fc.property(smallSpecArb(3), pickListArb(0, 8), (spec, list) => {
        const { layout, graph } = prepared(spec);
        const ids = layout.nodes.map((n) => n.id);
        const request = requestFrom(list, ids, ids);
        const optimum = heldKarpRoute(graph, request).distance;
        for (const route of [sShapeRoute(graph, request), largestGapRoute(graph, request)]) {
          expect(route.distance).toBeGreaterThanOrEqual(optimum - 1e-9);
          expectValidRoute(layout, graph, request, route);
        }
      }),
      { numRuns: 200 },
    );
  });
});
