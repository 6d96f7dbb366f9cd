import { sql, type Kysely } from 'kysely';

/**
 * Transfers between warehouses. A transfer-out order ships like any order (movement 'transfer_out'),
 * and its stock is then in transit: no bin holds it, the transfer's lines do (visible, still owned,
 * not available) until the destination receives it against the transfer-in order the shipment
 * created (movement 'transfer_in'). Per balance key the ledger still sums to the balance; per SKU,
 * stock on hand + in transit is what the company owns.
 */
const statements = [
  `alter table outbound_orders add column dest_warehouse_id bigint references warehouses`,
  `create table transfers (
     id bigint generated always as identity primary key,
     code text not null unique,
     from_warehouse_id bigint not null references warehouses,
     to_warehouse_id bigint not null references warehouses,
     outbound_order_id bigint not null references outbound_orders unique,
     inbound_order_id bigint references inbound_orders unique,
     status text not null default 'open' check (status in ('open','in_transit','received','cancelled')),
     shipped_at timestamptz,
     received_at timestamptz,
     check (from_warehouse_id <> to_warehouse_id))`,
  `create table transfer_lines (
     id bigint generated always as identity primary key,
     transfer_id bigint not null references transfers on delete cascade,
     sku_id bigint not null references skus,
     lot_id bigint references lots,
     owner_id bigint not null references owners,
     qty_shipped bigint not null check (qty_shipped > 0),
     qty_received bigint not null default 0 check (qty_received >= 0))`,
  `create index transfer_lines_sku on transfer_lines (sku_id)`,
  // Customer returns: what happened to each returned unit.
  `alter table receipts add column disposition text check (disposition in ('restock','qc','scrap'))`,
  `alter table receipts drop constraint receipts_status_check`,
  `alter table receipts add constraint receipts_status_check check (status in ('available','qc','damaged'))`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('alter table receipts drop column if exists disposition').execute(db);
  await sql.raw('drop table if exists transfer_lines').execute(db);
  await sql.raw('drop table if exists transfers').execute(db);
  await sql.raw('alter table outbound_orders drop column if exists dest_warehouse_id').execute(db);
}
