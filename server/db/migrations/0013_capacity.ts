import { sql, type Kysely } from 'kysely';

/**
 * Capacity that means what it says. bins.max_units counts base units, always; a pallet position says how
 * many pallets it takes in bins.max_pallets, and a SKU how many base units make one of its pallets in
 * skus.units_per_pallet (null: unknown, then each SKU/lot/owner in a bin counts as one pallet).
 *
 * Existing data: layouts used to write "1 pallet" as max_units = 1. A unit cap of at most 4 on a bin of
 * at least 0.5 m³ in a storage, bulk or staging zone can only have meant pallets, so it moves to
 * max_pallets; a SKU's pallet pack unit (PAL, PLT, PALLET) gives its units per pallet.
 */
const statements = [
  `alter table bins add column max_pallets int check (max_pallets > 0)`,
  `alter table skus add column units_per_pallet int check (units_per_pallet > 0)`,
  `update bins b set max_pallets = b.max_units, max_units = null
     from zones z
    where z.id = b.zone_id and z.kind in ('storage', 'bulk', 'staging')
      and b.max_units <= 4 and b.max_volume_m3 >= 0.5`,
  `update skus s set units_per_pallet = u.factor
     from sku_units u
    where u.sku_id = s.id and upper(u.unit) in ('PAL', 'PLT', 'PALLET')`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`update bins set max_units = coalesce(max_units, max_pallets)`).execute(db);
  await sql.raw(`alter table bins drop column max_pallets`).execute(db);
  await sql.raw(`alter table skus drop column units_per_pallet`).execute(db);
}
