import { sql, type Kysely } from 'kysely';

/**
 * The system of record: master data, stock balances, the movement ledger, the outbox, users.
 * Plain SQL so that both backends (PostgreSQL server and PGlite) run exactly the same DDL.
 */
const statements = [
  `create table app_settings (key text primary key, value text not null)`,

  // ---------------------------------------------------------------- master data
  `create table warehouses (
     id bigint generated always as identity primary key,
     code text not null unique check (code ~ '^[A-Z0-9]{1,8}$'),
     name text not null,
     timezone text not null default 'UTC',
     layout jsonb,
     graph jsonb,
     created_at timestamptz not null default now())`,
  `create table zones (
     id bigint generated always as identity primary key,
     warehouse_id bigint not null references warehouses,
     code text not null,
     name text not null,
     kind text not null check (kind in ('storage','pick_face','bulk','staging','dock','qc','quarantine')),
     temperature text not null default 'ambient' check (temperature in ('ambient','chilled','frozen')),
     unique (warehouse_id, code))`,
  // Bin codes carry the warehouse code as prefix, so a globally unique code is also unique per warehouse
  // and a scanned code alone identifies the bin.
  `create table bins (
     id bigint generated always as identity primary key,
     warehouse_id bigint not null references warehouses,
     zone_id bigint not null references zones,
     code text not null unique,
     aisle int, rack int, level int, slot int,
     x double precision not null, y double precision not null, z double precision not null,
     width double precision not null check (width > 0),
     depth double precision not null check (depth > 0),
     height double precision not null check (height > 0),
     max_volume_m3 double precision not null check (max_volume_m3 > 0),
     max_weight_kg double precision not null check (max_weight_kg > 0),
     max_units int check (max_units > 0),
     pick_seq int,
     access_node text,
     blocked boolean not null default false)`,
  `create index bins_zone on bins (zone_id)`,
  `create index bins_warehouse on bins (warehouse_id, pick_seq)`,
  `create table owners (
     id bigint generated always as identity primary key,
     code text not null unique, name text not null, created_at timestamptz not null default now())`,
  `create table suppliers (
     id bigint generated always as identity primary key,
     code text not null unique, name text not null,
     requires_qc boolean not null default false, created_at timestamptz not null default now())`,
  `create table customers (
     id bigint generated always as identity primary key,
     code text not null unique, name text not null,
     min_remaining_shelf_life_days int check (min_remaining_shelf_life_days >= 0),
     created_at timestamptz not null default now())`,
  `create table skus (
     id bigint generated always as identity primary key,
     code text not null unique,
     name text not null,
     spec text,
     base_unit text not null default 'EA',
     length_m double precision not null check (length_m > 0),
     width_m double precision not null check (width_m > 0),
     height_m double precision not null check (height_m > 0),
     weight_kg double precision not null check (weight_kg > 0),
     shelf_life_days int check (shelf_life_days > 0),
     min_remaining_shelf_life_days int check (min_remaining_shelf_life_days >= 0),
     lot_tracked boolean not null default false,
     expiry_tracked boolean not null default false,
     abc_class text not null default 'C' check (abc_class in ('A','B','C')),
     temperature text not null default 'ambient' check (temperature in ('ambient','chilled','frozen')),
     requires_qc boolean not null default false,
     created_at timestamptz not null default now())`,
  `create table sku_units (
     sku_id bigint not null references skus on delete cascade,
     unit text not null,
     factor int not null check (factor > 0),
     primary key (sku_id, unit))`,
  `create table sku_barcodes (
     barcode text primary key,
     sku_id bigint not null references skus on delete cascade,
     kind text not null default 'gtin' check (kind in ('gtin','ean','upc','internal')),
     unit text not null)`,
  `create index sku_barcodes_sku on sku_barcodes (sku_id)`,
  `create table lots (
     id bigint generated always as identity primary key,
     sku_id bigint not null references skus,
     lot_no text not null,
     mfg_date date,
     expiry_date date,
     created_at timestamptz not null default now(),
     unique (sku_id, lot_no),
     check (expiry_date is null or mfg_date is null or expiry_date >= mfg_date))`,

  // ---------------------------------------------------------------- stock
  // One row per balance key. Zero rows are kept (cheap, and no delete/insert race under concurrency).
  // reserved <= qty: allocation (workflow issue) reserves here, and no move may take reserved stock.
  `create table stock_balances (
     id bigint generated always as identity primary key,
     bin_id bigint not null references bins,
     sku_id bigint not null references skus,
     lot_id bigint references lots,
     owner_id bigint not null references owners,
     status text not null check (status in ('available','qc','hold','damaged')),
     qty bigint not null default 0 check (qty >= 0),
     reserved bigint not null default 0 check (reserved >= 0 and reserved <= qty),
     first_receipt_at timestamptz,
     updated_at timestamptz not null default now(),
     -- lot_key makes "no lot" a plain indexable value for the key (IS NOT DISTINCT FROM is not indexable).
     lot_key bigint not null generated always as (coalesce(lot_id, 0)) stored,
     unique (bin_id, sku_id, lot_key, owner_id, status))`,
  // No index may mention qty (not even in a predicate): then balance updates are HOT, touching no index.
  `create index stock_balances_sku on stock_balances (sku_id)`,
  `alter table stock_balances set (fillfactor = 80)`,
  `create index stock_balances_lot on stock_balances (lot_id) where lot_id is not null`,
  `create index stock_balances_owner on stock_balances (owner_id)`,

  // One movement = one business operation (a move, an adjustment ...); its legs are ledger entries.
  `create table movements (
     id bigint generated always as identity primary key,
     type text not null check (type in ('receipt','putaway','move','pick','ship','adjust_gain','adjust_loss',
       'scrap','count_variance','status_change','transfer_out','transfer_in')),
     at timestamptz not null default now(),
     warehouse_id bigint,
     user_id bigint,
     device text,
     doc_ref text,
     reason text,
     idem_key text)`,
  `create index movements_doc_ref on movements (doc_ref) where doc_ref is not null`,
  // Append-only: for every balance key, qty = sum(qty_delta). qty_before/after give a full audit trail.
  // No foreign keys here or on movements: both are written only by wms_post_movement, whose legs are
  // balance keys already checked by stock_balances' foreign keys. An FK check share-locks the
  // referenced bin, SKU, owner and warehouse rows, and many movements share-locking one hot SKU row at
  // once turns every such lock into a multixact: measurably slower for no added safety.
  `create table ledger_entries (
     id bigint generated always as identity primary key,
     movement_id bigint not null,
     at timestamptz not null,
     type text not null,
     bin_id bigint not null,
     sku_id bigint not null,
     lot_id bigint,
     owner_id bigint not null,
     status text not null,
     qty_delta bigint not null check (qty_delta <> 0),
     qty_before bigint not null,
     qty_after bigint not null check (qty_after >= 0),
     counter_bin_id bigint)`,
  `create index ledger_bin_at on ledger_entries (bin_id, at)`,
  `create index ledger_lot on ledger_entries (lot_id) where lot_id is not null`,
  `create index ledger_movement on ledger_entries (movement_id)`,
  `create index ledger_sku_at on ledger_entries (sku_id, at)`,

  // Outbox: seq is assigned at insert; xid lets a reader consume in commit order
  // (only rows below pg_snapshot_xmin(pg_current_snapshot()) are safe to read).
  `create table outbox (
     seq bigint generated always as identity primary key,
     xid xid8 not null default pg_current_xact_id(),
     at timestamptz not null default now(),
     type text not null,
     warehouse_id bigint,
     payload jsonb not null)`,

  // ---------------------------------------------------------------- users and audit
  `create table users (
     id bigint generated always as identity primary key,
     username text not null unique,
     display_name text not null,
     password_hash text not null,
     role text not null check (role in ('admin','manager','planner','operator','viewer')),
     active boolean not null default true,
     created_at timestamptz not null default now(),
     last_login_at timestamptz)`,
  // A user with scope rows sees and changes only those warehouses (zone_id null) or zones.
  `create table user_scopes (
     user_id bigint not null references users on delete cascade,
     warehouse_id bigint not null references warehouses,
     zone_id bigint references zones,
     unique nulls not distinct (user_id, warehouse_id, zone_id))`,
  `create table idempotency_keys (
     user_id bigint not null,
     key text not null,
     request_hash text not null,
     status_code int,
     response jsonb,
     created_at timestamptz not null default now(),
     primary key (user_id, key))`,
  `create table audit_log (
     id bigint generated always as identity primary key,
     at timestamptz not null default now(),
     user_id bigint,
     action text not null,
     target text,
     status_code int,
     details jsonb,
     ip text)`,
  `create index audit_log_at on audit_log (at)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_log', 'idempotency_keys', 'user_scopes', 'users', 'outbox', 'ledger_entries',
    'movements', 'stock_balances', 'lots', 'sku_barcodes', 'sku_units', 'skus', 'customers', 'suppliers',
    'owners', 'bins', 'zones', 'warehouses', 'app_settings']) {
    await sql.raw(`drop table if exists ${table} cascade`).execute(db);
  }
}
