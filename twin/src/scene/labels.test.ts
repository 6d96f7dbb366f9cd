import { describe, expect, it } from 'vitest';
import { BinStore } from './bins.ts';
import { snapshotBytes } from './fixtures.ts';
import type { LayoutJson } from './floor.ts';
import { aisleCode, placeLabels, ZONE_LABEL_MAX, ZONE_LABEL_SIZE, zoneLabelSize } from './labels.ts';

const layout = (orientationB: 'x' | 'y' = 'y'): LayoutJson => ({
  warehouse: { id: 1, code: 'W1' }, bounds: { minX: 0, minY: 0, maxX: 40, maxY: 30 },
  zones: [
    { id: 1, code: 'A', orientation: 'y', firstAisle: 1, aisleCount: 2, block: { minX: 0, minY: 8, maxX: 10, maxY: 20 } },
    { id: 2, code: 'B', orientation: orientationB, firstAisle: 3, aisleCount: 1, block: { minX: 20, minY: 8, maxX: 30, maxY: 20 } },
  ],
  nodes: [], edges: [], docks: [], chargers: [],
});

// Zone A: aisle 1 has bins at x 1 and 4 (both faces), aisle 2 at x 6 and 9; zone B: aisle 3 at y 10 and 14.
const store = BinStore.fromIPC(snapshotBytes([
  { zone: 0, aisle: 1, x: 1, y: 9 }, { zone: 0, aisle: 1, x: 4, y: 9 }, { zone: 0, aisle: 1, x: 1, y: 12 },
  { zone: 0, aisle: 1, x: 4, y: 12 }, { zone: 0, aisle: 2, x: 6, y: 9 }, { zone: 0, aisle: 2, x: 9, y: 9 },
  { zone: 1, aisle: 3, x: 22, y: 10 }, { zone: 1, aisle: 3, x: 25, y: 14 },
]));

describe('floor labels', () => {
  it('writes aisles like the bin codes do', () => {
    expect(aisleCode(1)).toBe('A01');
    expect(aisleCode(27)).toBe('A27');
    expect(aisleCode(120)).toBe('A120');
  });

  it('puts each zone code in front of its block and each aisle code on the aisle centre line, in front', () => {
    const labels = placeLabels(layout(), store);
    const zoneA = labels.find((l) => l.kind === 'zone' && l.text === 'A')!;
    expect(zoneA.x).toBe(5);
    expect(zoneA.y).toBeLessThan(8);
    const a1 = labels.find((l) => l.text === 'A01')!;
    const a2 = labels.find((l) => l.text === 'A02')!;
    expect(a1.x).toBeCloseTo(2.5);
    expect(a2.x).toBeCloseTo(7.5);
    expect(a1.y).toBeLessThan(8);
    expect(a1.y).toBeGreaterThan(zoneA.y); // between the zone label and the racks: they do not overlap
    expect(zoneA.y + zoneA.size / 2).toBeLessThan(a1.y - a1.size / 2);
    expect(labels.filter((l) => l.kind === 'aisle').map((l) => l.text)).toEqual(['A01', 'A02', 'A03']);
  });

  it('labels aisles that run along x at their left end, centred across', () => {
    const a3 = placeLabels(layout('x'), store).find((l) => l.text === 'A03')!;
    expect(a3.x).toBeLessThan(20);
    expect(a3.y).toBeCloseTo(12);
  });

  it('sizes zone codes to their block: readable on a large floor, never wider than the block', () => {
    expect(zoneLabelSize('STOR', 62.4)).toBe(ZONE_LABEL_MAX); // the demo's pallet storage
    expect(zoneLabelSize('PICK', 25.6)).toBeCloseTo(3.2);
    expect(zoneLabelSize('QC', 9.2)).toBe(ZONE_LABEL_SIZE);
    // A long code on a narrow block shrinks to fit (about 0.7 of its height per character).
    const narrow = zoneLabelSize('QUARANTINE', 8);
    expect(narrow * 0.7 * 10).toBeLessThanOrEqual(0.9 * 8 + 1e-9);
  });

  it('leaves out zones the filter hides', () => {
    const labels = placeLabels(layout(), store, new Set(['B']));
    expect(labels.map((l) => l.text)).toEqual(['B', 'A03']);
  });
});
