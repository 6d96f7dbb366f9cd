import { describe, expect, it } from 'vitest';
import { capacityLines } from './capacity.ts';

const bin = (capacity: object, fill: object) => ({
  capacity: { units: null, pallets: null, volume: null, weight: null, ...capacity },
  fill: { units: 0, pallets: 0, reserved: 0, volume: 0, weight: 0, ratio: 0, ...fill },
});

describe('bin capacity lines', () => {
  it('shows a pallet location as pallets used of positions, and its units without a limit (never "48 / 1")', () => {
    expect(capacityLines(bin({ pallets: 1 }, { units: 48, pallets: 1 }))).toEqual([
      { label: 'pallets', value: 1, max: 1 },
      { label: 'units', value: 48, max: null },
    ]);
  });

  it('shows a shelf as units of max units', () => {
    expect(capacityLines(bin({ units: 200 }, { units: 48 }))).toEqual([{ label: 'unitsOfMax', value: 48, max: 200 }]);
  });

  it('shows units alone when the bin has no unit or pallet limit (volume and weight only)', () => {
    expect(capacityLines(bin({}, { units: 7 }))).toEqual([{ label: 'units', value: 7, max: null }]);
  });

  it('reads an answer without the pallet fields (an older server) as a bin without pallet positions', () => {
    const old = { capacity: { units: 500, volume: 1, weight: 500 }, fill: { units: 25, reserved: 0, volume: 0.2, weight: 25, ratio: 0.2 } };
    expect(capacityLines(old as never)).toEqual([{ label: 'unitsOfMax', value: 25, max: 500 }]);
    const pallets = { capacity: { pallets: 2 }, fill: { units: 3 } };
    expect(capacityLines(pallets as never)).toEqual([{ label: 'pallets', value: null, max: 2 },
      { label: 'units', value: 3, max: null }]);
  });
});
