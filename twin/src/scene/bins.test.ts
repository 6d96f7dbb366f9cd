import { describe, expect, it } from 'vitest';
import { BinFlag as ServerBinFlag } from '../../../server/stream/snapshot.ts';
import { BinFlag, BinStore, visibility, writeMatrices } from './bins.ts';
import { snapshotBytes, stock } from './fixtures.ts';

const DAY = 86_400_000;

describe('BinStore', () => {
  it('uses the server flag bits', () => {
    expect(BinFlag).toEqual(ServerBinFlag);
  });

  it('decodes the Arrow snapshot into typed arrays with an id → index map', () => {
    const bytes = snapshotBytes([
      { units: 10, fill: 0.5, topSku: 1, oldestReceiptAt: Date.UTC(2024, 5, 1, 12), earliestExpiryDay: 20_000,
        maxUnits: 50, level: 2 },
      { zone: 1, level: 3 },
    ]);
    const s = BinStore.fromIPC(bytes);
    expect(s.length).toBe(2);
    expect(s.pos).toBe(42);
    expect(s.skip).toEqual([7]);
    expect(s.indexOf(101)).toBe(0);
    expect(s.indexOf(102)).toBe(1);
    expect(s.indexOf(999)).toBe(-1);
    expect(s.code).toEqual(['B-0', 'B-1']);
    expect(s.zones[s.zone[0]!]).toBe('A');
    expect(s.zones[s.zone[1]!]).toBe('B');
    expect([...s.level]).toEqual([2, 3]);
    expect(s.highestLevel).toBe(3);
    expect(s.units[0]).toBe(10);
    expect(s.fill[0]).toBeCloseTo(0.5);
    expect(s.fillPerUnit[0]).toBeCloseTo(0.05);
    expect(Number.isNaN(s.fillPerUnit[1])).toBe(true);
    expect([...s.maxUnits]).toEqual([50, -1]);
    expect(s.flags[1]).toBe(BinFlag.EMPTY);
    expect(s.topSkuOf(0)).toBe('SKU-2');
    expect(s.topSkuOf(1)).toBeNull();
    expect(s.oldestReceiptAt[0]).toBe(Date.UTC(2024, 5, 1, 12));
    expect(Number.isNaN(s.oldestReceiptAt[1])).toBe(true);
    expect(s.earliestExpiry[0]).toBe(20_000 * DAY);
    expect(Number.isNaN(s.earliestExpiry[1])).toBe(true);
    expect(s.width).toBeInstanceOf(Float32Array);
  });

  it('applies stock deltas: units, empty flag, estimated fill, changed set', () => {
    const s = BinStore.fromIPC(snapshotBytes([{ units: 10, fill: 0.5, topSku: 0 }, {}, {}]));
    const changed = s.applyRecords([stock(101, 4, 9), stock(101, -2, 7), stock(999, 5, 5),
      { kind: 'event', pos: 9, seq: 9, type: 'task.created', at: '', payload: {} }]);
    expect([...changed]).toEqual([0]);
    expect(s.units[0]).toBe(12);
    expect(s.fill[0]).toBeCloseTo(0.6);
    expect(s.dirty.size).toBe(0);

    // Emptying the bin: everything stock-derived is known.
    s.applyRecords([stock(101, -12, 0)]);
    expect(s.units[0]).toBe(0);
    expect(s.flags[0]! & BinFlag.EMPTY).toBeTruthy();
    expect(s.fill[0]).toBe(0);
    expect(s.topSku[0]).toBe(-1);
    expect(s.dirty.has(0)).toBe(false);
  });

  it('marks bins dirty when a record cannot tell the new state, sets status bits', () => {
    const s = BinStore.fromIPC(snapshotBytes([{}, { units: 5, fill: 1, topSku: 0 }]));
    const changed = s.applyRecords([stock(101, 3, 3, 'qc'), stock(102, 1, 6)]);
    expect([...changed].sort()).toEqual([0, 1]);
    expect(s.flags[0]).toBe(BinFlag.QC);
    expect(s.dirty.has(0)).toBe(true); // was empty: no volume per unit, no top SKU
    expect(s.dirty.has(1)).toBe(true); // fill was clamped at 1: volume per unit unknown
    expect(s.fill[1]).toBe(1);

    s.patch([{ id: 101, units: 3, reserved: 0, fill: 0.3, flags: BinFlag.QC, skuCount: 1, maxUnits: null,
      topSku: 'SKU-9', oldestReceiptAt: 1000, earliestExpiry: null }]);
    expect(s.dirty.has(0)).toBe(false);
    expect(s.topSkuOf(0)).toBe('SKU-9');
    expect(s.fillPerUnit[0]).toBeCloseTo(0.1);
  });

  it('filters by level and zone and writes box matrices (zero scale = hidden)', () => {
    const s = BinStore.fromIPC(snapshotBytes([{ level: 1, x: 2, y: 3, z: 0.5 }, { level: 2 }, { zone: 1, level: 1 }]));
    expect([...visibility(s)]).toEqual([1, 1, 1]);
    expect([...visibility(s, 1)]).toEqual([1, 0, 1]);
    expect([...visibility(s, undefined, new Set(['B']))]).toEqual([0, 0, 1]);
    const m = new Float32Array(16 * 3);
    const shown = writeMatrices(s, m, visibility(s, 1), new Map([['A', 'y']]), 1);
    expect(shown).toBe(2);
    // Zone A runs along y: width (1) along model y = three z, depth (0.8) along x; model (2, 3, 0.5) → three (2, 0.5, -3).
    expect([m[0], m[5], m[10]]).toEqual([Math.fround(0.8), 1, 1]);
    expect([m[12], m[13], m[14]]).toEqual([2, 0.5, -3]);
    expect(m[16]).toBe(0);
  });
});
