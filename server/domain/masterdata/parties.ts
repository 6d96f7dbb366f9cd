import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { conflict, notFound } from '../errors.ts';

/** Owners (3PL clients), suppliers and customers share one shape: a unique code, a name, a few flags. */
export type PartyTable = 'owners' | 'suppliers' | 'customers';

export interface PartyInput {
  code: string;
  name: string;
  requiresQc?: boolean;
  minRemainingShelfLifeDays?: number | null;
  /** Owners: how their stock is allocated unless an order or line says otherwise. */
  allocationStrategy?: 'fifo' | 'lifo' | 'fefo' | null;
  /** Suppliers: over-receipt tolerance, percent, taken by their inbound orders. */
  overReceiptPct?: number;
}

const EXTRA: Record<PartyTable, Record<string, string>> = {
  owners: { allocationStrategy: 'allocation_strategy' },
  suppliers: { requiresQc: 'requires_qc', overReceiptPct: 'over_receipt_pct' },
  customers: { minRemainingShelfLifeDays: 'min_remaining_shelf_life_days' },
};

const noun = (table: PartyTable) => table.slice(0, -1);

function toRow(table: PartyTable, input: Partial<PartyInput>) {
  const row: Record<string, unknown> = {};
  if (input.code !== undefined) row.code = input.code;
  if (input.name !== undefined) row.name = input.name;
  for (const [key, column] of Object.entries(EXTRA[table])) {
    const value = (input as Record<string, unknown>)[key];
    if (value !== undefined) row[column] = value;
  }
  return row;
}

export async function listParties(db: Kysely<DB>, table: PartyTable) {
  return db.selectFrom(table).selectAll().orderBy('code').execute();
}

export async function getParty(db: Kysely<DB>, table: PartyTable, code: string) {
  const row = await db.selectFrom(table).selectAll().where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound('code', `no ${noun(table)} with code ${code}`);
  return row;
}

export async function createParty(db: Kysely<DB>, table: PartyTable, input: PartyInput) {
  const exists = await db.selectFrom(table).select('id').where('code', '=', input.code).executeTakeFirst();
  if (exists) throw conflict(`a ${noun(table)} with code ${input.code} already exists`, 'code');
  await db.insertInto(table).values(toRow(table, input) as any).execute();
  return getParty(db, table, input.code);
}

export async function updateParty(db: Kysely<DB>, table: PartyTable, code: string, patch: Partial<PartyInput>) {
  await getParty(db, table, code);
  const row = toRow(table, { ...patch, code: undefined });
  if (Object.keys(row).length) await db.updateTable(table).set(row as any).where('code', '=', code).execute();
  return getParty(db, table, code);
}

export async function deleteParty(db: Kysely<DB>, table: PartyTable, code: string) {
  const party = await getParty(db, table, code);
  if (table === 'owners') {
    const used = await db.selectFrom('stock_balances').select('id').where('owner_id', '=', party.id).limit(1)
      .executeTakeFirst();
    if (used) throw conflict(`owner ${code} has stock and cannot be deleted`, 'code');
  }
  await db.deleteFrom(table).where('code', '=', code).execute();
}
