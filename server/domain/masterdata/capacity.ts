// What a bin's limits count, in one place. max_units counts base units (items); max_pallets counts pallet
// positions, and stock takes ceil(qty / units_per_pallet) of them per SKU, lot and owner (stock of one lot
// of one owner shares pallets; different lots or owners never do). A SKU whose units per pallet are unknown
// takes one pallet per SKU, lot and owner, whatever the quantity.
import { sql, type RawBuilder } from 'kysely';

/** Pallets that `qty` base units of one SKU/lot/owner take. */
export function palletsFor(qty: number, unitsPerPallet: number | null | undefined): number {
  if (!(qty > 0)) return 0;
  return unitsPerPallet && unitsPerPallet > 0 ? Math.ceil(qty / unitsPerPallet) : 1;
}

/**
 * The same in SQL, for a group's summed quantity and the SKU's units_per_pallet (both SQL expressions);
 * 0 for a group with nothing on hand.
 */
export function palletsSql(qty: RawBuilder<unknown> | ReturnType<typeof sql.ref>, unitsPerPallet: RawBuilder<unknown>
  | ReturnType<typeof sql.ref>): RawBuilder<number> {
  return sql<number>`(case when ${qty} > 0 then ceil(${qty}::float8 / coalesce(${unitsPerPallet}, ${qty}))::int8 else 0 end)`;
}

/** Zone kinds whose bins are storage locations: what putaway uses and what the fill rate counts. */
export const STORAGE_ZONE_KINDS = ['storage', 'pick_face', 'bulk'] as const;

/** What a bin holds, in the units its limits count. */
export interface BinUse { units: number; pallets: number; volume: number; weight: number }
/** A bin's limits (null: none); volume is the limit, else the bin's box. */
export interface BinLimits { units: number | null; pallets: number | null; volume: number | null; weight: number | null }

/**
 * How full a bin is, 0..1: the share of its BINDING limit, the largest of units / max units, pallets / pallet
 * positions, m³ / volume and kg / weight. A pallet location is as full as its pallet positions say even when
 * its pallets are light; a bin holding stock with no limit at all counts as full.
 */
export function fillRatio(use: BinUse, limits: BinLimits): number {
  if (!(use.units > 0)) return 0;
  let ratio = -1;
  const share = (used: number, limit: number | null) => {
    if (limit !== null && limit > 0) ratio = Math.max(ratio, used / limit);
  };
  share(use.units, limits.units);
  share(use.pallets, limits.pallets);
  share(use.volume, limits.volume);
  share(use.weight, limits.weight);
  return ratio < 0 ? 1 : ratio > 1 ? 1 : ratio;
}
