// Test helpers for the routing tests (not part of the public API): small generated layouts,
// fast-check arbitraries for them and for pick lists, and a validity check for routes.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { LayoutSpec, Orientation } from '../../model/layout-spec.ts';
import { generateLayout, type GeneratedLayout } from '../../model/layout.ts';
import { createRouteGraph, type RouteGraph } from './graph.ts';
import { routeLength, type PickRoute, type PickStop, type RouteRequest } from './tour.ts';

export interface SmallZone {
  aisles: number;
  racksPerAisle: number;
  binsPerLevel: number;
  binWidth: number;
  aisleWidth: number;
}

const GAP = 4;
const FRONT = 6;

/** Zones side by side, fronts facing the docks; one charger behind the first zone. */
export function smallLayoutSpec(zones: readonly SmallZone[], orientation: Orientation = 'y', crossAisleWidth = 3): LayoutSpec {
  let across = 0;
  const specs = zones.map((z, i) => {
    const origin = orientation === 'y' ? { x: across, y: FRONT } : { x: FRONT, y: across };
    across += z.aisles * (2 + z.aisleWidth) + GAP;
    return {
      code: `Z${i + 1}`,
      name: `Zone ${i + 1}`,
      kind: 'pick_face' as const,
      temperature: 'ambient' as const,
      origin,
      orientation,
      aisles: z.aisles,
      racksPerAisle: z.racksPerAisle,
      levels: 1,
      binsPerLevel: z.binsPerLevel,
      aisleWidth: z.aisleWidth,
      bin: { width: z.binWidth, depth: 1, height: 1, maxWeightKg: 100 },
    };
  });
  const firstLength = Math.ceil(zones[0].racksPerAisle / 2) * zones[0].binsPerLevel * zones[0].binWidth;
  const at = (acrossPos: number, along: number) => (orientation === 'y' ? { x: acrossPos, y: along } : { x: along, y: acrossPos });
  return {
    code: 'T1',
    name: 'Test',
    zones: specs,
    crossAisleWidth,
    docks: [
      { code: 'D1', ...at(1, 0) },
      { code: 'D2', ...at(Math.max(1, across - GAP - 1), 0) },
    ],
    chargers: [{ code: 'C1', ...at(1, FRONT + firstLength + crossAisleWidth + 2) }],
  };
}

export const smallZoneArb: fc.Arbitrary<SmallZone> = fc.record({
  aisles: fc.integer({ min: 1, max: 5 }),
  racksPerAisle: fc.integer({ min: 1, max: 8 }),
  binsPerLevel: fc.integer({ min: 1, max: 3 }),
  binWidth: fc.constantFrom(0.5, 1, 1.3),
  aisleWidth: fc.constantFrom(1.5, 3, 4.5),
});

export const smallSpecArb = (maxZones: number): fc.Arbitrary<LayoutSpec> =>
  fc
    .tuple(fc.array(smallZoneArb, { minLength: 1, maxLength: maxZones }), fc.constantFrom<Orientation>('x', 'y'), fc.constantFrom(2, 3, 5))
    .map(([zones, orientation, cross]) => smallLayoutSpec(zones, orientation, cross));

/** Picks by index into `pool` (modulo), so shrinking stays inside the pool. */
export const pickListArb = (minStops: number, maxStops: number) =>
  fc.record({
    start: fc.nat(),
    end: fc.option(fc.nat(), { nil: undefined }),
    stops: fc.array(fc.nat(), { minLength: minStops, maxLength: maxStops }),
  });

export type PickListChoice = { start: number; end: number | undefined; stops: number[] };

/** A request from index choices: start/end among `ends`, stops among `pool` (node ids). */
export function requestFrom(choice: PickListChoice, ends: readonly string[], pool: readonly string[]): RouteRequest {
  const stops: PickStop[] = choice.stops.map((i, k) => ({ id: `s${k}`, node: pool[i % pool.length] }));
  return {
    start: ends[choice.start % ends.length],
    end: choice.end === undefined ? undefined : ends[choice.end % ends.length],
    stops,
  };
}

/** Node ids of the aisle and cross nodes of one zone. */
export function zoneNodes(layout: GeneratedLayout, zoneCode: string): string[] {
  const zone = layout.zones.find((z) => z.code === zoneCode)!;
  const aisles = new Set(Array.from({ length: zone.aisleCount }, (_, i) => zone.firstAisle + i));
  return layout.nodes
    .filter((n) => {
      const m = /^A(\d+)-/.exec(n.id);
      return m !== null && aisles.has(Number(m[1]));
    })
    .map((n) => n.id);
}

const memo = new Map<string, { layout: GeneratedLayout; graph: RouteGraph }>();

/** Layout and route graph of a spec, memoised (fast-check repeats specs while shrinking). */
export function prepared(spec: LayoutSpec): { layout: GeneratedLayout; graph: RouteGraph } {
  const key = JSON.stringify(spec);
  let p = memo.get(key);
  if (!p) {
    const layout = generateLayout(spec);
    memo.set(key, (p = { layout, graph: createRouteGraph(layout) }));
  }
  return p;
}

/**
 * A route is valid when it lists every stop once, its distance is the recomputed length of its
 * order and the sum of its legs, and its path walks real edges from start to end, passing every
 * stop node, with the same length.
 */
export function expectValidRoute(layout: GeneratedLayout, graph: RouteGraph, request: RouteRequest, route: PickRoute): void {
  expect([...route.order].sort()).toEqual(request.stops.map((s) => s.id).sort());
  expect(route.distance).toBeCloseTo(routeLength(graph, request, route.order), 6);
  expect(route.legs).toHaveLength(route.order.length + 1);
  expect(route.legs.reduce((s, l) => s + l, 0)).toBeCloseTo(route.distance, 6);

  const edgeLength = new Map<string, number>();
  for (const e of layout.edges) {
    for (const key of [`${e.from}|${e.to}`, `${e.to}|${e.from}`]) {
      edgeLength.set(key, Math.min(edgeLength.get(key) ?? Infinity, e.length));
    }
  }
  expect(route.path[0]).toBe(request.start);
  expect(route.path[route.path.length - 1]).toBe(request.end ?? request.start);
  let walked = 0;
  for (let i = 1; i < route.path.length; i++) {
    const length = edgeLength.get(`${route.path[i - 1]}|${route.path[i]}`);
    expect(length, `${route.path[i - 1]} -> ${route.path[i]} is an edge`).toBeDefined();
    walked += length!;
  }
  expect(walked).toBeCloseTo(route.distance, 6);
  const onPath = new Set(route.path);
  for (const s of request.stops) expect(onPath.has(s.node)).toBe(true);
}
