import { describe, expect, it } from 'vitest';
import { ambientDemoLayout, coldDemoLayout } from './demo-layouts.ts';
import { generateLayout, layoutStats, parseLayoutSpec, shortestDistances } from './layout.ts';

describe('demo layouts', () => {
  it('ambient WH1 is valid and has ~12,000 bins', () => {
    expect(parseLayoutSpec(ambientDemoLayout)).toBe(ambientDemoLayout);
    const layout = generateLayout(ambientDemoLayout);
    expect(layoutStats(layout)).toMatchObject({ bins: 12_432, zones: 5, aisles: 32 });
    expect(layout.docks).toHaveLength(4);
    expect(layout.chargers).toHaveLength(6);
    expect(shortestDistances(layout, layout.docks[0].node).size).toBe(layout.nodes.length);
  });

  it('cold WH2 is valid and has ~1,500 bins', () => {
    expect(parseLayoutSpec(coldDemoLayout)).toBe(coldDemoLayout);
    const layout = generateLayout(coldDemoLayout);
    expect(layoutStats(layout)).toMatchObject({ bins: 1_504, zones: 4, aisles: 12 });
    expect(new Set(layout.zones.map((z) => z.temperature))).toEqual(new Set(['chilled', 'frozen']));
    expect(layout.docks).toHaveLength(2);
    expect(layout.chargers).toHaveLength(2);
    expect(shortestDistances(layout, layout.docks[0].node).size).toBe(layout.nodes.length);
  });
});
