import { describe, expect, it } from 'vitest';
import type { StockDelta } from '../../../model/protocol/stream.ts';
import type { BinInspection } from './api.ts';
import { applyStock } from './inspection.ts';

const row = (skuId: number, lotId: number | null, qty: number, reserved = 0) => ({ skuId, sku: `S${skuId}`, skuName: 'x',
  lot: lotId ? `L${lotId}` : null, lotId, expiry: null, owner: 'O', ownerId: 1, status: 'available', qty, reserved,
  receivedAt: null });
const inspection = (): BinInspection => ({
  bin: { id: 5, code: 'B5', warehouseId: 1, zone: 'Z', zoneKind: 'storage', aisle: 1, level: 1, blocked: false, frozen: false,
    capacity: { units: 100, pallets: null, volume: 1, weight: 100 }, fill: { units: 30, pallets: 0, reserved: 4, volume: 0.3, weight: 3, ratio: 0.3 } },
  contents: [row(1, 7, 20, 4), row(2, null, 10)], tasks: [], movements: [],
});
const record = (skuId: number, lotId: number | null, qty: number, delta: number, reserved = 0): StockDelta => ({
  kind: 'stock', pos: 1, seq: 1, seqs: [1], movementType: 'move', binId: 5, skuId, lotId, ownerId: 1,
  status: 'available', delta, qty, reserved, at: '' });

describe('bin inspector: live stock records', () => {
  it('sets the balance to the record quantity and moves the totals by the difference', () => {
    const d = applyStock(inspection(), [record(1, 7, 12, -8, 4)]);
    expect(d.contents.map((c) => c.qty)).toEqual([12, 10]);
    expect(d.bin.fill.units).toBe(22);
    expect(d.bin.fill.reserved).toBe(4);
  });

  it('is idempotent (quantities are absolute) and drops rows that reach zero', () => {
    const once = applyStock(inspection(), [record(2, null, 0, -10)]);
    const twice = applyStock(once, [record(2, null, 0, -10)]);
    expect(twice.contents).toHaveLength(1);
    expect(twice.bin.fill.units).toBe(20);
  });

  it('leaves a balance it does not list to the reload, and releases reservations', () => {
    const d = applyStock(inspection(), [record(9, null, 5, 5), record(1, 7, 20, 0, 0)]);
    expect(d.contents).toHaveLength(2);
    expect(d.bin.fill.units).toBe(30);
    expect(d.bin.fill.reserved).toBe(0);
  });
});
