/** Test fixtures: a synthetic snapshot in the server's own Arrow encoding. Not used by the app. */
import { snapshotToIPC, type WarehouseSnapshot } from '../../../server/stream/snapshot.ts';

const NO_DAY = -0x80000000;

export interface FixtureBin {
  zone?: number; aisle?: number; level?: number; x?: number; y?: number; z?: number; units?: number; fill?: number; flags?: number;
  topSku?: number; oldestReceiptAt?: number; earliestExpiryDay?: number; maxUnits?: number;
}

/** A snapshot of `bins` (ids 101, 102, ...) in zones A (orientation y) and B. */
export function snapshotBytes(bins: FixtureBin[], skus = ['SKU-1', 'SKU-2'], pos = 42, skip = [7]): Uint8Array {
  const n = bins.length;
  const s: WarehouseSnapshot = {
    pos, skip, warehouse: { id: 1, code: 'W1', name: 'Test' }, generatedAt: Date.UTC(2025, 0, 1), length: n,
    zones: [{ code: 'A', kind: 'storage' }, { code: 'B', kind: 'storage' }], skus,
    id: Int32Array.from(bins, (_, i) => 101 + i), code: bins.map((_, i) => `B-${i}`),
    zone: Int32Array.from(bins, (b) => b.zone ?? 0), aisle: Int16Array.from(bins, (b) => b.aisle ?? 1),
    level: Uint8Array.from(bins, (b) => b.level ?? 1),
    x: Float32Array.from(bins, (b, i) => b.x ?? i), y: Float32Array.from(bins, (b) => b.y ?? 0),
    z: Float32Array.from(bins, (b) => b.z ?? 0.5),
    width: new Float32Array(n).fill(1), depth: new Float32Array(n).fill(0.8), height: new Float32Array(n).fill(1),
    maxUnits: Int32Array.from(bins, (b) => b.maxUnits ?? -1), units: Int32Array.from(bins, (b) => b.units ?? 0),
    reserved: new Int32Array(n), fill: Float32Array.from(bins, (b) => b.fill ?? 0),
    flags: Uint8Array.from(bins, (b) => b.flags ?? ((b.units ?? 0) > 0 ? 0 : 32)),
    skuCount: Uint16Array.from(bins, (b) => ((b.units ?? 0) > 0 ? 1 : 0)),
    topSku: Int32Array.from(bins, (b) => b.topSku ?? -1),
    oldestReceiptAt: Float64Array.from(bins, (b) => b.oldestReceiptAt ?? NaN),
    earliestExpiry: Int32Array.from(bins, (b) => b.earliestExpiryDay ?? NO_DAY),
  };
  return snapshotToIPC(s);
}

export function stock(binId: number, delta: number, qty: number, status = 'available', seq = 1) {
  return { kind: 'stock' as const, pos: seq, seq, seqs: [seq], movementType: 'receipt', binId, skuId: 1, lotId: null,
    ownerId: 1, status, delta, qty, reserved: 0, at: '2025-01-01T00:00:00Z' };
}
