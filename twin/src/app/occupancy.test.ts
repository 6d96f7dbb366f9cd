import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { STORAGE_ZONE_KINDS as SERVER_KINDS } from '../../../server/domain/masterdata/capacity.ts';
import { BinFlag, emptySnapshot, snapshotToIPC } from '../../../server/stream/snapshot.ts';
import { locationOccupancy, STORAGE_ZONE_KINDS, tableOccupancy } from './occupancy.ts';

/** A snapshot of bins given as [zone index, units, flags]; zones: storage, pick face, bulk, staging, dock, qc. */
function snapshot(bins: [number, number, number][]) {
  const s = emptySnapshot(bins.length, { pos: 1, skip: [], warehouse: { id: 1, code: 'WH1', name: 'WH1' },
    generatedAt: 0, skus: [], zones: [{ code: 'S', kind: 'storage' }, { code: 'P', kind: 'pick_face' },
      { code: 'B', kind: 'bulk' }, { code: 'ST', kind: 'staging' }, { code: 'D', kind: 'dock' }, { code: 'Q', kind: 'qc' }] });
  bins.forEach(([zone, units, flags], i) => {
    s.id[i] = i + 1; s.code[i] = `B${i}`; s.zone[i] = zone; s.units[i] = units;
    s.flags[i] = units > 0 ? flags & ~BinFlag.EMPTY : flags | BinFlag.EMPTY;
  });
  return s;
}

describe('location occupancy (the KPI)', () => {
  const bins: [number, number, number][] = [
    [0, 48, 0], [0, 0, 0], [0, 5, BinFlag.HOLD], // storage: 2 of 3
    [1, 12, 0], [1, 0, 0], [1, 3, BinFlag.BLOCKED], [1, 0, BinFlag.BLOCKED], // pick face: blocked ones not usable
    [2, 400, 0], // bulk
    [3, 90, 0], [4, 10, 0], [5, 2, 0], [3, 0, 0], // staging, dock, QC: not storage
  ];

  it('counts usable storage locations holding stock: storage, pick face, bulk; blocked and work areas left out', () => {
    const table = tableFromIPC(snapshotToIPC(snapshot(bins)));
    const occupancy = tableOccupancy(table);
    expect(occupancy).toEqual({ occupied: 4, usable: 6, ratio: 4 / 6 });
    const rows = table.toArray().map((r) => ({ zoneKind: String(r.zoneKind), flags: Number(r.flags),
      units: Number(r.units) }));
    expect(locationOccupancy(rows)).toEqual(occupancy);
  });

  it('is 0 of 0 for a warehouse without storage locations, and 1 when every usable one holds stock', () => {
    expect(tableOccupancy(tableFromIPC(snapshotToIPC(snapshot([[3, 5, 0], [4, 0, 0]])))))
      .toEqual({ occupied: 0, usable: 0, ratio: 0 });
    expect(tableOccupancy(tableFromIPC(snapshotToIPC(snapshot([[0, 5, 0], [1, 1, 0], [2, 0, BinFlag.BLOCKED]])))))
      .toEqual({ occupied: 2, usable: 2, ratio: 1 });
  });

  it('uses the server\'s storage zone kinds', () => {
    expect([...STORAGE_ZONE_KINDS]).toEqual([...SERVER_KINDS]);
  });
});
