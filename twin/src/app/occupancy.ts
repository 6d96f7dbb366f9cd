/**
 * The warehouse's headline fill figure as warehouse managers read it: location occupancy, the share of usable
 * storage locations (bins of storage, pick-face and bulk zones that are not blocked) holding any stock. Docks,
 * staging lanes and QC areas are work areas, not storage, and a blocked location cannot be used.
 */
import type { Table } from 'apache-arrow';
import { BinFlag } from '../scene/bins.ts';

/** Zone kinds whose bins are storage locations (server/domain/masterdata/capacity.ts STORAGE_ZONE_KINDS). */
export const STORAGE_ZONE_KINDS: readonly string[] = ['storage', 'pick_face', 'bulk'];

const { BLOCKED, EMPTY } = BinFlag;

export interface Occupancy {
  /** Usable storage locations holding stock. */
  occupied: number;
  /** Storage locations that are not blocked. */
  usable: number;
  /** occupied / usable, 0 when there is none. */
  ratio: number;
}

/** Location occupancy of a snapshot's rows (zone kind, flags; units as a fallback for the empty flag). */
export function locationOccupancy(rows: ArrayLike<{ zoneKind: string; flags: number; units?: number }>): Occupancy {
  return count(rows.length, (i) => rows[i]!.zoneKind, (i) => rows[i]!.flags, (i) => rows[i]!.units);
}

/** The same over the Arrow snapshot's columns, without materialising rows. */
export function tableOccupancy(table: Table): Occupancy {
  const kinds = table.getChild('zoneKind');
  const flags = table.getChild('flags')?.toArray() as Uint8Array | undefined;
  const units = table.getChild('units')?.toArray() as Int32Array | undefined;
  if (!kinds || !flags) return { occupied: 0, usable: 0, ratio: 0 };
  return count(table.numRows, (i) => String(kinds.get(i)), (i) => flags[i]!, (i) => units?.[i]);
}

/** The one rule, over n locations read through accessors. */
function count(n: number, kindAt: (i: number) => string, flagsAt: (i: number) => number,
  unitsAt: (i: number) => number | undefined): Occupancy {
  // Few distinct zone kinds (a dictionary column): decide per kind once.
  const storage = new Map<string, boolean>();
  let occupied = 0;
  let usable = 0;
  for (let i = 0; i < n; i++) {
    const kind = kindAt(i);
    let isStorage = storage.get(kind);
    if (isStorage === undefined) storage.set(kind, (isStorage = STORAGE_ZONE_KINDS.includes(kind)));
    const flags = flagsAt(i);
    if (!isStorage || (flags & BLOCKED) !== 0) continue;
    usable++;
    const units = unitsAt(i);
    if ((flags & EMPTY) === 0 && (units === undefined || units > 0)) occupied++;
  }
  return { occupied, usable, ratio: usable > 0 ? occupied / usable : 0 };
}
