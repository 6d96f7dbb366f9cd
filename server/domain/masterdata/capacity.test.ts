import { describe, expect, it } from 'vitest';
import { fillRatio, palletsFor } from './capacity.ts';

const none = { units: null, pallets: null, volume: null, weight: null };

describe('what a bin holds against its limits', () => {
  it('counts pallets per SKU/lot/owner: ceil(qty / units per pallet), one when unknown, none for nothing', () => {
    expect(palletsFor(48, 48)).toBe(1);
    expect(palletsFor(49, 48)).toBe(2);
    expect(palletsFor(3, null)).toBe(1);
    expect(palletsFor(0, 48)).toBe(0);
  });

  it('is the share of the binding limit: a full pallet position is full even with light pallets', () => {
    // 48 units on one pallet position: pallets bind (1/1), not units (no limit) or volume (0.2).
    expect(fillRatio({ units: 48, pallets: 1, volume: 0.3, weight: 200 }, { ...none, pallets: 1, volume: 1.5, weight: 1000 }))
      .toBe(1);
    // A shelf: 48 of 200 units, volume 0.06 of 0.12 m³: volume binds.
    expect(fillRatio({ units: 48, pallets: 1, volume: 0.06, weight: 10 }, { ...none, units: 200, volume: 0.12, weight: 50 }))
      .toBeCloseTo(0.5, 12);
    // Units bind.
    expect(fillRatio({ units: 150, pallets: 1, volume: 0.01, weight: 1 }, { ...none, units: 200, volume: 0.12 }))
      .toBeCloseTo(0.75, 12);
    // Weight binds.
    expect(fillRatio({ units: 10, pallets: 1, volume: 0.01, weight: 40 }, { ...none, units: 200, volume: 0.12, weight: 50 }))
      .toBeCloseTo(0.8, 12);
  });

  it('is 0 when empty, clamped to 1 when over, and 1 for stock in a bin with no limit at all', () => {
    expect(fillRatio({ units: 0, pallets: 0, volume: 0, weight: 0 }, { ...none, pallets: 1 })).toBe(0);
    expect(fillRatio({ units: 300, pallets: 2, volume: 1, weight: 1 }, { ...none, pallets: 1 })).toBe(1);
    expect(fillRatio({ units: 5, pallets: 1, volume: 0.1, weight: 1 }, none)).toBe(1);
  });
});
