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
