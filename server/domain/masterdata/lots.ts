import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { badInput, notFound, unprocessable } from '../errors.ts';
import type { LotRef, SkuRef } from '../inventory/stock-context.ts';

export interface NewLot { lotNo: string; expiryDate?: string; mfgDate?: string }

/** Today's date in UTC, 'YYYY-MM-DD' (how lot dates are stored and compared). */
export const todayUtc = () => new Date().toISOString().slice(0, 10);

export interface EnsureLotOptions {
  /** The caller's name for the expiry input, for error messages (default lotExpiry). */
  expiryField?: string;
  /** Refuse (422 naming this field) a new lot that has already expired, before creating it. */
  refuseExpiredAs?: string;
}

/** Find or create a lot of a SKU. Expiry is required for expiry-tracked SKUs and derived from shelf life when possible. */
export async function ensureLot(db: Kysely<DB>, sku: SkuRef, lot: NewLot, options: EnsureLotOptions = {}):
  Promise<LotRef> {
  const expiryField = options.expiryField ?? 'lotExpiry';
  let expiry = lot.expiryDate;
  if (!expiry && lot.mfgDate && sku.shelf_life_days) {
    expiry = addDays(lot.mfgDate, sku.shelf_life_days);
  }
  if (sku.expiry_tracked && !expiry) {
    throw badInput(expiryField, `SKU ${sku.code} is expiry-tracked: give the expiry date of lot ${lot.lotNo}`);
  }
  if (expiry && lot.mfgDate && expiry < lot.mfgDate) {
    throw badInput(expiryField, `expiry ${expiry} is before the manufacture date ${lot.mfgDate}`);
  }
  if (options.refuseExpiredAs && expiry && expiry < todayUtc()) {
    throw unprocessable(options.refuseExpiredAs, `lot ${lot.lotNo} of ${sku.code} expired on ${expiry}`);
  }
  await db.insertInto('lots')
    .values({ sku_id: sku.id, lot_no: lot.lotNo, expiry_date: expiry ?? null, mfg_date: lot.mfgDate ?? null })
    .onConflict((oc) => oc.columns(['sku_id', 'lot_no']).doNothing())
    .execute();
  const row = await db.selectFrom('lots').select(['id', 'lot_no', 'expiry_date', 'mfg_date'])
    .where('sku_id', '=', sku.id).where('lot_no', '=', lot.lotNo).executeTakeFirst();
  if (!row) throw notFound('lot', `lot ${lot.lotNo} could not be created`);
  return row;
}

/** Stock of an expired lot must not enter the warehouse as sellable. */
export function assertLotUsable(sku: SkuRef, lot: LotRef, field: string) {
  if (lot.expiry_date && lot.expiry_date < todayUtc()) {
    throw unprocessable(field, `lot ${lot.lot_no} of ${sku.code} expired on ${lot.expiry_date}`);
  }
}

/** Whole days from one 'YYYY-MM-DD' date to another (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
