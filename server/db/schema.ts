import type { ColumnType, Generated } from 'kysely';

/** Kysely's view of the tables created in ./migrations. Keep in step with the DDL. */
type Id = Generated<number>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;

export type ZoneKind = 'storage' | 'pick_face' | 'bulk' | 'staging' | 'dock' | 'qc' | 'quarantine';
export type Temperature = 'ambient' | 'chilled' | 'frozen';
export type StockStatus = 'available' | 'qc' | 'hold' | 'damaged';
export type MovementType = 'receipt' | 'putaway' | 'move' | 'pick' | 'ship' | 'adjust_gain' | 'adjust_loss'
  | 'scrap' | 'count_variance' | 'status_change' | 'transfer_out' | 'transfer_in';
export type Role = 'admin' | 'manager' | 'planner' | 'operator' | 'viewer';

export interface AppSettingsTable { key: string; value: string }

export interface WarehousesTable {
  id: Id; code: string; name: string; timezone: Generated<string>;
  layout: Json | null; graph: Json | null; created_at: Generated<Date>;
}
export interface ZonesTable {
  id: Id; warehouse_id: number; code: string; name: string; kind: ZoneKind; temperature: Generated<Temperature>;
}
export interface BinsTable {
  id: Id; warehouse_id: number; zone_id: number; code: string;
  aisle: number | null; rack: number | null; level: number | null; slot: number | null;
  x: number; y: number; z: number; width: number; depth: number; height: number;
  max_volume_m3: number; max_weight_kg: number; max_units: number | null;
  pick_seq: number | null; access_node: string | null; blocked: Generated<boolean>;
}
export interface OwnersTable { id: Id; code: string; name: string; created_at: Generated<Date> }
export interface SuppliersTable {
  id: Id; code: string; name: string; requires_qc: Generated<boolean>; created_at: Generated<Date>;
}
export interface CustomersTable {
  id: Id; code: string; name: string; min_remaining_shelf_life_days: number | null; created_at: Generated<Date>;
}
export interface SkusTable {
  id: Id; code: string; name: string; spec: string | null; base_unit: Generated<string>;
  length_m: number; width_m: number; height_m: number; weight_kg: number;
  shelf_life_days: number | null; min_remaining_shelf_life_days: number | null;
  lot_tracked: Generated<boolean>; expiry_tracked: Generated<boolean>;
  abc_class: Generated<'A' | 'B' | 'C'>; temperature: Generated<Temperature>; requires_qc: Generated<boolean>;
  created_at: Generated<Date>;
}
export interface SkuUnitsTable { sku_id: number; unit: string; factor: number }
export interface SkuBarcodesTable { barcode: string; sku_id: number; kind: Generated<string>; unit: string }
export interface LotsTable {
  id: Id; sku_id: number; lot_no: string; mfg_date: string | null; expiry_date: string | null;
  created_at: Generated<Date>;
}
export interface StockBalancesTable {
  id: Id; bin_id: number; sku_id: number; lot_id: number | null; owner_id: number; status: StockStatus;
  qty: Generated<number>; reserved: Generated<number>; first_receipt_at: Timestamp | null;
  updated_at: Generated<Date>; lot_key: Generated<number>;
}
export interface MovementsTable {
  id: Id; type: MovementType; at: Timestamp; warehouse_id: number | null; user_id: number | null;
  device: string | null; doc_ref: string | null; reason: string | null; idem_key: string | null;
}
export interface LedgerEntriesTable {
  id: Id; movement_id: number; at: Timestamp; type: MovementType; bin_id: number; sku_id: number;
  lot_id: number | null; owner_id: number; status: StockStatus; qty_delta: number; qty_before: number;
  qty_after: number; counter_bin_id: number | null;
}
export interface OutboxTable {
  seq: Id; xid: Generated<string>; at: Generated<Date>; type: string; warehouse_id: number | null; payload: Json;
}
export interface UsersTable {
  id: Id; username: string; display_name: string; password_hash: string; role: Role;
  active: Generated<boolean>; created_at: Generated<Date>; last_login_at: Date | null;
  token_version: Generated<number>;
}
export interface UserScopesTable { user_id: number; warehouse_id: number; zone_id: number | null }
export interface IdempotencyKeysTable {
  user_id: number; key: string; request_hash: string; status_code: number | null; response: Json | null;
  created_at: Generated<Date>;
}
export interface AuditLogTable {
  id: Id; at: Generated<Date>; user_id: number | null; action: string; target: string | null;
  status_code: number | null; details: Json | null; ip: string | null;
}

export interface DB {
  app_settings: AppSettingsTable;
  warehouses: WarehousesTable;
  zones: ZonesTable;
  bins: BinsTable;
  owners: OwnersTable;
  suppliers: SuppliersTable;
  customers: CustomersTable;
  skus: SkusTable;
  sku_units: SkuUnitsTable;
  sku_barcodes: SkuBarcodesTable;
  lots: LotsTable;
  stock_balances: StockBalancesTable;
  movements: MovementsTable;
  ledger_entries: LedgerEntriesTable;
  outbox: OutboxTable;
  users: UsersTable;
  user_scopes: UserScopesTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_log: AuditLogTable;
}
