// A warehouse is named by its code everywhere in the API (what people type: WH1), in paths as `:warehouse`
// just as in query strings and bodies. Domain functions keep working by id; this resolves the code once.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../db/schema.ts';
import { requireWarehouse } from '../domain/masterdata/lookup.ts';
import { Code } from './schemas.ts';

export const WarehouseCode = Code('warehouse code, e.g. WH1');
export const WarehouseParam = Type.Object({ warehouse: WarehouseCode });

/** The id of the warehouse a request's `:warehouse` path parameter names; 404 naming params.warehouse if none. */
export async function warehouseIdOf(db: Kysely<DB>, request: { params: unknown }): Promise<number> {
  const code = (request.params as { warehouse: string }).warehouse;
  return (await requireWarehouse(db, code, 'warehouse')).id;
}
