import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../auth/actor.ts';
import { binScopeSql, visibleWarehouse } from './visibility.ts';

/**
 * The ABC class (skus.abc_class, set in master data) of every SKU with units on hand in the warehouse's bins the
 * actor sees: for colouring the twin by class. One query.
 */
export async function skuClasses(db: Kysely<DB>, actor: Actor, warehouseId: number):
  Promise<{ classes: Record<string, 'A' | 'B' | 'C'> }> {
  await visibleWarehouse(db, actor, warehouseId);
  const { rows } = await sql<{ code: string; abc_class: 'A' | 'B' | 'C' }>`
    select s.code, s.abc_class from skus s
     where s.id in (select sb.sku_id from stock_balances sb join bins b on b.id = sb.bin_id
                     where b.warehouse_id = ${warehouseId} and sb.qty > 0 ${binScopeSql(actor, warehouseId, 'b')})
     order by s.code`.execute(db);
  const classes: Record<string, 'A' | 'B' | 'C'> = {};
  for (const r of rows) classes[r.code] = r.abc_class;
  return { classes };
}
