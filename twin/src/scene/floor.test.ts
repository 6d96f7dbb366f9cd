import { describe, expect, it } from 'vitest';
import { edgeSegments, markerMatrices, orientations, zoneOutlines, type LayoutJson } from './floor.ts';

const layout: LayoutJson = {
  warehouse: { id: 1, code: 'W1' },
  bounds: { minX: 0, minY: 0, maxX: 20, maxY: 10 },
  zones: [
    { id: 1, code: 'A', orientation: 'y', firstAisle: 1, aisleCount: 2, block: { minX: 1, minY: 1, maxX: 5, maxY: 9 } },
    { id: 2, code: 'B', orientation: 'x', firstAisle: 3, aisleCount: 1, block: { minX: 10, minY: 1, maxX: 19, maxY: 4 } },
  ],
  nodes: [{ id: 'n1', kind: 'aisle', x: 0, y: 0 }, { id: 'n2', kind: 'cross', x: 3, y: 4 }],
  edges: [{ from: 'n1', to: 'n2', length: 5 }, { from: 'n1', to: 'missing', length: 1 }],
  docks: [{ code: 'D1', x: 2, y: 0, node: 'n1' }],
  chargers: [],
};

describe('floor', () => {
  it('reads zone orientations', () => {
    expect(orientations(layout).get('B')).toBe('x');
  });

  it('builds zone outlines, filtered by visible zones', () => {
    expect(zoneOutlines(layout).length).toBe(2 * 8 * 3);
    const a = zoneOutlines(layout, new Set(['A']), 0);
    expect(a.length).toBe(24);
    expect([...a.slice(0, 6)]).toEqual([1, 0, -1, 5, 0, -1]);
  });

  it('builds edge segments, skipping dangling edges', () => {
    expect([...edgeSegments(layout, 0)]).toEqual([0, 0, -0, 3, 0, -4]);
  });

  it('builds marker matrices', () => {
    const m = markerMatrices(layout.docks, 0.5);
    expect([...m.slice(12, 16)]).toEqual([2, 0.5, -0, 1]);
  });
});
