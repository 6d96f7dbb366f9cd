import { describe, expect, it } from 'vitest';
import { agvLegend } from './agvs.ts';
import { closestPair, colourDistance, deltaE2000, simulate, type Vision } from './colour-distance.ts';
import { COLOUR_MODES, hexToLinear, legend } from './colours.ts';

/** Within a legend: different colours at a glance; with colour vision deficiency: still clearly different. */
const MIN_WITHIN: Record<Vision, number> = { normal: 20, deuteranopia: 10, protanopia: 10 };
/** AGVs against the bins' fill ramp (the two are on screen together in the default view). */
const MIN_AGV_VS_FILL: Record<Vision, number> = { normal: 20, deuteranopia: 10, protanopia: 10 };
const VISIONS: Vision[] = ['normal', 'deuteranopia', 'protanopia'];

describe('colour distance', () => {
  it('computes CIEDE2000 like the published test data (Sharma, Wu & Dalal 2005)', () => {
    expect(deltaE2000([50, 2.6772, -79.7751], [50, 0, -82.7485])).toBeCloseTo(2.0425, 4);
    expect(deltaE2000([50, 2.5, 0], [73, 25, -18])).toBeCloseTo(27.1492, 4);
    expect(deltaE2000([2.0776, 0.0795, -1.135], [0.9033, -0.0636, -0.5514])).toBeCloseTo(0.9082, 4);
    expect(colourDistance('#123456', '#123456')).toBe(0);
  });

  it('simulates deuteranopia: red and green collapse, blue stays', () => {
    expect(colourDistance('#d7191c', '#1a9850', 'deuteranopia')).toBeLessThan(colourDistance('#d7191c', '#1a9850') / 2);
    const blue = simulate(hexToLinear('#0000ff'), 'deuteranopia');
    expect(blue[2]).toBeGreaterThan(0.9);
  });

  it('would have caught the old palette: expired vs < 7 days, low fill vs AGV moving', () => {
    expect(colourDistance('#7f0000', '#d7301f')).toBeLessThan(MIN_WITHIN.normal);
    expect(colourDistance('#2c7fb8', '#00b4d8')).toBeLessThan(MIN_AGV_VS_FILL.normal);
  });

  for (const vision of VISIONS) {
    it(`keeps every legend's colours apart (${vision})`, () => {
      for (const mode of COLOUR_MODES) {
        const p = closestPair(legend(mode), vision);
        expect(p.distance, `${mode}: ${p.a} vs ${p.b}`).toBeGreaterThanOrEqual(MIN_WITHIN[vision]);
      }
      const agv = closestPair(agvLegend(), vision);
      expect(agv.distance, `AGV states: ${agv.a} vs ${agv.b}`).toBeGreaterThanOrEqual(MIN_WITHIN[vision]);
    });

    it(`keeps AGV states apart from the fill colours (${vision})`, () => {
      const p = closestPair(agvLegend(), vision, legend('fill'));
      expect(p.distance, `${p.a} vs ${p.b}`).toBeGreaterThanOrEqual(MIN_AGV_VS_FILL[vision]);
    });
  }
});
