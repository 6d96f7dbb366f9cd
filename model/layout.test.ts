import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Value from 'typebox/value';
import { LayoutSpecSchema, type LayoutSpec, type ZoneSpec } from './layout-spec.ts';
import {
  LayoutError,
  generateLayout,
  layoutStats,
  parseLayoutSpec,
  shortestDistances,
  type GeneratedBin,
  type GeneratedLayout,
} from './layout.ts';

const EPS = 1e-6;

function zone(overrides: Partial<ZoneSpec> & Pick<ZoneSpec, 'code' | 'origin'>): ZoneSpec {
  return {
    name: overrides.code,
    kind: 'storage',
    temperature: 'ambient',
    aisles: 2,
    racksPerAisle: 3,
    levels: 2,
    binsPerLevel: 3,
    bin: { width: 0.9, depth: 1.1, height: 1.5, maxWeightKg: 1000 },
    ...overrides,
  };
}

/** Two zones with different orientations, an odd rack count, docks and chargers. */
function smallSpec(): LayoutSpec {
  return {
    code: 'WH1',
    name: 'Small',
    zones: [
      zone({ code: 'A', origin: { x: 0, y: 5 } }),
      zone({
        code: 'B', origin: { x: 20, y: 5 }, orientation: 'x', aisles: 3, racksPerAisle: 4, levels: 3, binsPerLevel: 2,
        rackLength: 2, aisleWidth: 2.5, levelHeight: 0.6,
        bin: { width: 0.5, depth: 0.6, height: 0.4, maxWeightKg: 40, maxUnits: 100 },
      }),
    ],
    docks: [{ code: 'D1', x: 3, y: 0 }, { code: 'D2', x: 25, y: 0 }],
    chargers: [{ code: 'C1', x: 15, y: 30 }],
  };
}

const expectedBins = (spec: LayoutSpec): number =>
  spec.zones.reduce((n, z) => n + z.aisles * z.racksPerAisle * z.levels * z.binsPerLevel, 0);

function isConnected(layout: GeneratedLayout): boolean {
  const dist = shortestDistances(layout, layout.nodes[0].id);
  return dist.size === layout.nodes.length;
}

function expectLayoutError(fn: () => unknown, field: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LayoutError);
    expect((e as LayoutError).field).toBe(field);
    return;
  }
  throw new Error(`expected LayoutError on ${field}`);
}

/** Axis-aligned 3D box of a bin; width runs along the aisle. */
function box(bin: GeneratedBin, orientation: 'x' | 'y') {
  const [hx, hy] = orientation === 'y' ? [bin.depth / 2, bin.width / 2] : [bin.width / 2, bin.depth / 2];
  return {
    min: [bin.x - hx, bin.y - hy, bin.z - bin.height / 2],
    max: [bin.x + hx, bin.y + hy, bin.z + bin.height / 2],
  };
}

describe('generateLayout on a small spec', () => {
  const spec = smallSpec();
  const layout = generateLayout(spec);
  const zoneOf = new Map(layout.zones.map((z) => [z.code, z]));

  it('creates aisles*racks*levels*bins bins per zone', () => {
    expect(layout.bins.filter((b) => b.zoneCode === 'A')).toHaveLength(2 * 3 * 2 * 3);
    expect(layout.bins.filter((b) => b.zoneCode === 'B')).toHaveLength(3 * 4 * 3 * 2);
    expect(layoutStats(layout)).toEqual({
      bins: expectedBins(spec),
      zones: 2,
      aisles: 5,
      nodes: layout.nodes.length,
      edges: layout.edges.length,
    });
  });

  it('numbers aisles globally in spec order', () => {
    expect(layout.zones.map((z) => [z.firstAisle, z.aisleCount])).toEqual([[1, 2], [3, 3]]);
    expect(new Set(layout.bins.filter((b) => b.zoneCode === 'B').map((b) => b.aisle))).toEqual(new Set([3, 4, 5]));
  });

  it('gives unique, well-formed bin codes matching the bin fields', () => {
    expect(new Set(layout.bins.map((b) => b.code)).size).toBe(layout.bins.length);
    for (const b of layout.bins) {
      expect(b.code).toMatch(/^WH1-A\d{2,}-R\d{2,}-L\d+-B\d{2,}$/);
      const pad = (n: number) => String(n).padStart(2, '0');
      expect(b.code).toBe(`WH1-A${pad(b.aisle)}-R${pad(b.rack)}-L${b.level}-B${pad(b.slot)}`);
    }
    expect(layout.bins.some((b) => b.code === 'WH1-A03-R04-L3-B02')).toBe(true);
  });

  it('fills capacities and puts level 1 on the floor', () => {
    const a = layout.bins.find((b) => b.zoneCode === 'A' && b.level === 1)!;
    expect(a.z).toBeCloseTo(0.75);
    expect(a.maxVolumeM3).toBeCloseTo(0.9 * 1.1 * 1.5);
    expect(a.maxUnits).toBeNull();
    const b = layout.bins.find((x) => x.zoneCode === 'B' && x.level === 3)!;
    expect(b.z).toBeCloseTo(2 * 0.6 + 0.2);
    expect(b.maxUnits).toBe(100);
  });

  it('keeps bins inside their zone block and the bounds', () => {
    const { bounds } = layout;
    for (const b of layout.bins) {
      const { block, orientation } = zoneOf.get(b.zoneCode)!;
      const { min, max } = box(b, orientation);
      expect(min[0]).toBeGreaterThanOrEqual(block.minX - EPS);
      expect(min[1]).toBeGreaterThanOrEqual(block.minY - EPS);
      expect(max[0]).toBeLessThanOrEqual(block.maxX + EPS);
      expect(max[1]).toBeLessThanOrEqual(block.maxY + EPS);
      expect(block.minX).toBeGreaterThanOrEqual(bounds.minX);
      expect(block.minY).toBeGreaterThanOrEqual(bounds.minY);
      expect(block.maxX).toBeLessThanOrEqual(bounds.maxX);
      expect(block.maxY).toBeLessThanOrEqual(bounds.maxY);
    }
    for (const n of layout.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(bounds.minX);
      expect(n.x).toBeLessThanOrEqual(bounds.maxX);
      expect(n.y).toBeGreaterThanOrEqual(bounds.minY);
      expect(n.y).toBeLessThanOrEqual(bounds.maxY);
    }
  });

  it('computes bounds over rack blocks, cross aisles, docks and chargers', () => {
    expect(layout.zones[0].block).toEqual({ minX: 0, minY: 5, maxX: 10.4, maxY: 10.4 });
    expect(layout.zones[1].block).toEqual({ minX: 20, minY: 5, maxX: 24, maxY: 16.1 });
    // Zone B's cross aisles (3 m) reach x = 27; charger C1 sets maxY, the docks minY.
    expect(layout.bounds).toEqual({ minX: 0, minY: 0, maxX: 27, maxY: 30 });
  });

  it('does not overlap bins in 3D', () => {
    const boxes = layout.bins.map((b) => box(b, zoneOf.get(b.zoneCode)!.orientation));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [p, q] = [boxes[i], boxes[j]];
        const overlap = [0, 1, 2].every((k) => p.min[k] < q.max[k] - EPS && q.min[k] < p.max[k] - EPS);
        if (overlap) throw new Error(`${layout.bins[i].code} overlaps ${layout.bins[j].code}`);
      }
    }
  });

  it('gives every bin an existing aisle node in its own aisle, facing the bin', () => {
    const nodes = new Map(layout.nodes.map((n) => [n.id, n]));
    for (const b of layout.bins) {
      const node = nodes.get(b.accessNode);
      expect(node?.kind).toBe('aisle');
      expect(b.accessNode.startsWith(`A${String(b.aisle).padStart(2, '0')}-`)).toBe(true);
      // The node stands in the aisle next to the rack: within half an aisle + rack depth + half a rack.
      expect(Math.hypot(node!.x - b.x, node!.y - b.y)).toBeLessThan(3 + 1.1 + 1.5);
    }
  });

  it('places odd racks on one face and even racks on the other', () => {
    const aisle1 = layout.bins.filter((b) => b.aisle === 1);
    const xs = (odd: boolean) => new Set(aisle1.filter((b) => (b.rack % 2 === 1) === odd).map((b) => b.x));
    expect(xs(true).size).toBe(1);
    expect(xs(false).size).toBe(1);
    expect([...xs(true)][0]).toBeLessThan([...xs(false)][0]);
  });

  it('has a connected graph with Euclidean edge lengths', () => {
    expect(isConnected(layout)).toBe(true);
    const nodes = new Map(layout.nodes.map((n) => [n.id, n]));
    expect(new Set(layout.nodes.map((n) => n.id)).size).toBe(layout.nodes.length);
    for (const e of layout.edges) {
      const [a, b] = [nodes.get(e.from)!, nodes.get(e.to)!];
      expect(e.length).toBeCloseTo(Math.hypot(a.x - b.x, a.y - b.y), 5);
    }
    const fromDock = shortestDistances(layout, layout.docks[0].node);
    expect(fromDock.size).toBe(layout.nodes.length);
  });

  it('attaches docks and chargers to their own nodes', () => {
    expect(layout.docks.map((d) => d.node)).toEqual(['DOCK-D1', 'DOCK-D2']);
    expect(layout.chargers).toEqual([{ code: 'C1', x: 15, y: 30, node: 'CHG-C1' }]);
    const kinds = layout.nodes.map((n) => n.kind);
    expect(kinds.filter((k) => k === 'dock')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'charger')).toHaveLength(1);
    // 2 cross nodes per aisle, ceil(racks / 2) aisle nodes per aisle.
    expect(kinds.filter((k) => k === 'cross')).toHaveLength(2 * 5);
    expect(kinds.filter((k) => k === 'aisle')).toHaveLength(2 * 2 + 3 * 2);
  });

  it('has symmetric distances obeying the triangle inequality', () => {
    const sample = layout.nodes.filter((_, i) => i % 3 === 0).map((n) => n.id);
    const dist = new Map(sample.map((id) => [id, shortestDistances(layout, id)]));
    for (const a of sample) {
      expect(dist.get(a)!.get(a)).toBe(0);
      for (const b of sample) {
        expect(dist.get(a)!.get(b)).toBeCloseTo(dist.get(b)!.get(a)!, 9);
        for (const c of sample) {
          expect(dist.get(a)!.get(c)!).toBeLessThanOrEqual(dist.get(a)!.get(b)! + dist.get(b)!.get(c)! + EPS);
        }
      }
    }
  });

  it('throws RangeError for an unknown start node', () => {
    expect(() => shortestDistances(layout, 'nope')).toThrow(RangeError);
  });

  it('orders pickSeq as a serpentine permutation of 1..N', () => {
    expect(layout.bins.map((b) => b.pickSeq)).toEqual(layout.bins.map((_, i) => i + 1));
    const aisles = layout.bins.map((b) => b.aisle);
    expect(aisles).toEqual([...aisles].sort((a, b) => a - b));
    // Odd aisles start at the front (rack 1), even aisles at the back.
    const first = (aisle: number) => layout.bins.find((b) => b.aisle === aisle)!;
    expect(first(1).rack).toBe(1);
    expect(first(2).rack).toBe(3);
    expect(first(1).level).toBe(1);
  });
});

describe('validation', () => {
  it('rejects duplicate zone codes', () => {
    const spec = smallSpec();
    spec.zones[1].code = 'A';
    expectLayoutError(() => generateLayout(spec), 'zones[1].code');
  });

  it('rejects duplicate dock and charger codes', () => {
    const docks = smallSpec();
    docks.docks![1].code = 'D1';
    expectLayoutError(() => generateLayout(docks), 'docks[1].code');
    const chargers = smallSpec();
    chargers.chargers!.push({ code: 'C2', x: 16, y: 30 }, { code: 'C1', x: 17, y: 30 });
    expectLayoutError(() => generateLayout(chargers), 'chargers[2].code');
  });

  it('rejects overlapping rack blocks but accepts touching ones', () => {
    const spec = smallSpec();
    spec.zones[1].origin = { x: 5, y: 6 };
    expectLayoutError(() => generateLayout(spec), 'zones[1].origin');

    const touching = smallSpec();
    const a = generateLayout(touching).zones[0].block;
    touching.zones[1].origin = { x: a.maxX, y: 5 };
    expect(() => generateLayout(touching)).not.toThrow();
  });

  it('rejects racks too short for their bins and levels lower than a bin', () => {
    const short = smallSpec();
    short.zones[1].rackLength = 0.9;
    expectLayoutError(() => generateLayout(short), 'zones[1].rackLength');
    const low = smallSpec();
    low.zones[0].levelHeight = 1;
    expectLayoutError(() => generateLayout(low), 'zones[0].levelHeight');
  });

  it('rejects docks and chargers standing inside racks', () => {
    const spec = smallSpec();
    spec.chargers![0] = { code: 'C1', x: 2, y: 6 };
    expectLayoutError(() => generateLayout(spec), 'chargers[0]');
  });

  it('parseLayoutSpec maps schema errors to field paths', () => {
    const spec = smallSpec() as unknown as { zones: { aisles: number }[] };
    spec.zones[1].aisles = 0;
    expectLayoutError(() => parseLayoutSpec(spec), 'zones[1].aisles');
    expectLayoutError(() => parseLayoutSpec({ ...smallSpec(), code: 'wh 1' }), 'code');
    expectLayoutError(() => parseLayoutSpec({ ...smallSpec(), extra: 1 }), '(root)');
    expect(parseLayoutSpec(smallSpec())).toEqual(smallSpec());
  });

  it('parseLayoutSpec runs the semantic checks too', () => {
    const spec = smallSpec();
    spec.zones[1].code = 'A';
    expectLayoutError(() => parseLayoutSpec(spec), 'zones[1].code');
  });
});

describe('large layout', () => {
  it('generates 12,000 bins across 3 zones', () => {
    const spec: LayoutSpec = {
      code: 'BIG',
      name: 'Big',
      zones: [
        zone({ code: 'S1', origin: { x: 0, y: 8 }, aisles: 10, racksPerAisle: 20, levels: 5, binsPerLevel: 4 }),
        zone({ code: 'S2', origin: { x: 80, y: 8 }, aisles: 10, racksPerAisle: 20, levels: 5, binsPerLevel: 4 }),
        zone({ code: 'S3', origin: { x: 160, y: 8 }, aisles: 10, racksPerAisle: 20, levels: 5, binsPerLevel: 4 }),
      ],
      docks: [{ code: 'D1', x: 10, y: 0 }],
    };
    const layout = generateLayout(spec);
    expect(layoutStats(layout)).toMatchObject({ bins: 12_000, zones: 3, aisles: 30 });
    expect(new Set(layout.bins.map((b) => b.code)).size).toBe(12_000);
    expect(isConnected(layout)).toBe(true);
  });
});

describe('property: random small specs', () => {
  const zoneArb = fc.record({
    aisles: fc.integer({ min: 1, max: 4 }),
    racksPerAisle: fc.integer({ min: 1, max: 5 }),
    levels: fc.integer({ min: 1, max: 3 }),
    binsPerLevel: fc.integer({ min: 1, max: 4 }),
    orientation: fc.constantFrom('x' as const, 'y' as const),
    width: fc.double({ min: 0.2, max: 2, noNaN: true }),
    depth: fc.double({ min: 0.2, max: 2, noNaN: true }),
    aisleWidth: fc.double({ min: 1, max: 5, noNaN: true }),
  });
  const specArb = fc.record({
    zones: fc.array(zoneArb, { minLength: 1, maxLength: 4 }),
    docks: fc.integer({ min: 0, max: 3 }),
    chargers: fc.integer({ min: 0, max: 3 }),
  });

  type SpecInput = typeof specArb extends fc.Arbitrary<infer T> ? T : never;

  /** Zones placed on a diagonal, 100 m apart, so they can never overlap. */
  function build(input: SpecInput): LayoutSpec {
    const point = (prefix: string) => (_: unknown, i: number) => ({ code: `${prefix}${i + 1}`, x: -20 - i, y: -20 });
    return {
      code: 'P',
      name: 'Property',
      zones: input.zones.map((z, i) =>
        zone({
          code: `Z${i}`,
          origin: { x: i * 100, y: i * 100 },
          aisles: z.aisles,
          racksPerAisle: z.racksPerAisle,
          levels: z.levels,
          binsPerLevel: z.binsPerLevel,
          orientation: z.orientation,
          aisleWidth: z.aisleWidth,
          bin: { width: z.width, depth: z.depth, height: 1, maxWeightKg: 10 },
        }),
      ),
      docks: Array.from({ length: input.docks }, point('D')),
      chargers: Array.from({ length: input.chargers }, point('C')),
    };
  }

  it('always yields a connected graph and matching counts', () => {
    fc.assert(
      fc.property(specArb, (input) => {
        const spec = build(input);
        expect(Value.Check(LayoutSpecSchema, spec)).toBe(true);
        const layout = generateLayout(spec);
        expect(layout.bins).toHaveLength(expectedBins(spec));
        expect(new Set(layout.bins.map((b) => b.code)).size).toBe(layout.bins.length);
        expect(isConnected(layout)).toBe(true);
        const nodeIds = new Set(layout.nodes.map((n) => n.id));
        expect(layout.bins.every((b) => nodeIds.has(b.accessNode))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
