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
export type AllocationStrategy = 'fifo' | 'lifo' | 'fefo';
export type TaskType = 'putaway' | 'pick' | 'replenish' | 'count' | 'move' | 'qc';
export type TaskStatus = 'open' | 'assigned' | 'in_progress' | 'done' | 'cancelled';
export type InboundType = 'purchase' | 'return' | 'transfer_in' | 'production';
export type OutboundType = 'sales' | 'issue' | 'transfer_out';
export type OutboundStatus = 'open' | 'allocated' | 'backordered' | 'released' | 'picked' | 'packed' | 'shipped'
  | 'cancelled';
export type WaveMode = 'order' | 'batch' | 'zone';
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
  /** Pallet positions (null: not a pallet location); max_units counts base units. */
  max_pallets: Generated<number | null>;
  pick_seq: number | null; access_node: string | null; blocked: Generated<boolean>; frozen: Generated<boolean>;
}
export interface OwnersTable {
  id: Id; code: string; name: string; created_at: Generated<Date>; allocation_strategy: Generated<AllocationStrategy | null>;
}
export interface SuppliersTable {
  id: Id; code: string; name: string; requires_qc: Generated<boolean>; created_at: Generated<Date>;
  over_receipt_pct: Generated<number>;
}
export interface CustomersTable {
  id: Id; code: string; name: string; min_remaining_shelf_life_days: number | null; created_at: Generated<Date>;
}
export interface SkusTable {
  id: Id; code: string; name: string; spec: string | null; base_unit: Generated<string>;
  length_m: number; width_m: number; height_m: number; weight_kg: number;
  /** Base units on one pallet of this SKU; null = unknown. */
  units_per_pallet: Generated<number | null>;
  shelf_life_days: number | null; min_remaining_shelf_life_days: number | null;
  lot_tracked: Generated<boolean>; expiry_tracked: Generated<boolean>;
  abc_class: Generated<'A' | 'B' | 'C'>; temperature: Generated<Temperature>; requires_qc: Generated<boolean>;
  created_at: Generated<Date>; allocation_strategy: Generated<AllocationStrategy | null>;
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
  pos: Generated<number | null>;
}
export interface StreamConsumersTable { name: string; pos: Generated<number>; updated_at: Generated<Date> }
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

export interface TasksTable {
  id: Id; warehouse_id: number; zone_id: number | null; type: TaskType; status: Generated<TaskStatus>;
  priority: Generated<number>; assignee_user_id: number | null; assignee_agv: string | null;
  source_bin_id: number | null; target_bin_id: number | null; sku_id: number | null; lot_id: number | null;
  owner_id: number | null; stock_status: StockStatus | null; qty: number | null; done_qty: Generated<number>;
  ref_type: string | null; ref_id: number | null; pick_list_id: number | null; seq: number | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>; created_at: Generated<Date>; updated_at: Generated<Date>;
  done_at: Date | null;
}
export interface InboundOrdersTable {
  id: Id; warehouse_id: number; code: string; type: InboundType;
  status: Generated<'open' | 'receiving' | 'closed' | 'cancelled'>; owner_id: number; supplier_id: number | null;
  customer_id: number | null; blind: Generated<boolean>; over_receipt_pct: Generated<number>;
  expected_at: Timestamp | null; dock_bin_id: number | null; created_by: number | null; created_at: Generated<Date>;
  closed_at: Date | null;
}
export interface InboundLinesTable {
  id: Id; order_id: number; line_no: number; sku_id: number; expected_qty: number; received_qty: Generated<number>;
  lot_no: string | null; expiry_date: string | null;
}
export interface ReceiptsTable {
  id: Id; order_id: number; line_id: number; bin_id: number; sku_id: number; lot_id: number | null; owner_id: number;
  status: 'available' | 'qc' | 'damaged'; qty: number; serial: string | null; scan: string | null; movement_id: number;
  user_id: number | null; at: Generated<Date>; disposition: Generated<'restock' | 'qc' | 'scrap' | null>;
}
export interface InboundDiscrepanciesTable {
  id: Id; order_id: number; line_id: number; expected_qty: number; received_qty: number;
  kind: 'short' | 'over' | 'unexpected'; note: string | null; created_at: Generated<Date>;
}
export interface QcInspectionsTable {
  id: Id; warehouse_id: number; receipt_id: number | null; task_id: number | null; bin_id: number; sku_id: number;
  lot_id: number | null; owner_id: number; qty: number; status: Generated<'open' | 'done'>;
  result: 'pass' | 'fail' | 'partial' | null; passed_qty: number | null; failed_qty: number | null;
  disposition: 'quarantine' | 'damaged' | null; note: string | null; inspected_by: number | null;
  created_at: Generated<Date>; done_at: Date | null;
}
export interface OutboundOrdersTable {
  id: Id; warehouse_id: number; code: string; type: OutboundType; status: Generated<OutboundStatus>;
  owner_id: number; customer_id: number | null; strategy: AllocationStrategy | null; carrier: string | null;
  cutoff_at: Timestamp | null; priority: Generated<number>; wave_id: number | null; staging_bin_id: number | null;
  created_by: number | null; created_at: Generated<Date>; shipped_at: Date | null;
  dest_warehouse_id: Generated<number | null>;
}
export interface OutboundLinesTable {
  id: Id; order_id: number; line_no: number; sku_id: number; qty: number; lot_no: string | null;
  strategy: AllocationStrategy | null; allocated_qty: Generated<number>; picked_qty: Generated<number>;
  shipped_qty: Generated<number>; short_qty: Generated<number>;
}
export interface AllocationsTable {
  id: Id; order_id: number; line_id: number; balance_id: number; bin_id: number; sku_id: number;
  lot_id: number | null; owner_id: number; qty: number; picked_qty: Generated<number>;
  status: Generated<'open' | 'picked' | 'short' | 'cancelled'>; strategy: string; created_at: Generated<Date>;
}
export interface WavesTable {
  id: Id; warehouse_id: number; code: string; mode: WaveMode;
  status: Generated<'released' | 'picking' | 'picked' | 'cancelled'>; criteria: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_by: number | null; created_at: Generated<Date>;
}
export interface PickListsTable {
  id: Id; wave_id: number; warehouse_id: number; zone_id: number | null; mode: WaveMode;
  status: Generated<'open' | 'in_progress' | 'done' | 'cancelled'>; orders: number[];
  totes: ColumnType<Record<string, string>, string | undefined, string>; start_node: string | null; end_node: string | null;
  route_method: string | null; distance_m: number | null; assignee_user_id: number | null;
  created_at: Generated<Date>;
}
export interface CartonsTable {
  id: Id; order_id: number; code: string; weight_kg: number; length_m: number | null; width_m: number | null;
  height_m: number | null; contents: Json<{ sku: string; lot: string | null; qty: number }[]>; packed_by: number | null;
  packed_at: Generated<Date>;
}
export interface ShipmentsTable {
  id: Id; order_id: number; carrier: string; tracking_no: string; cartons: number; weight_kg: number;
  movement_id: number | null; shipped_by: number | null; shipped_at: Generated<Date>;
}
export type CountKind = 'periodic' | 'cycle' | 'dynamic';
export type CountStatus = 'open' | 'counting' | 'review' | 'approved' | 'cancelled';
export type CountLineStatus = 'pending' | 'recount' | 'counted';
export interface CountsTable {
  id: Generated<number>; warehouse_id: number; code: string; kind: CountKind; status: Generated<CountStatus>;
  zone_id: number | null; trigger: string; blind: Generated<boolean>; tolerance_pct: Generated<number>;
  freeze: Generated<boolean>; frozen_bin_ids: ColumnType<number[], string | undefined, string>; created_by: number | null;
  created_at: Generated<Date>; approved_by: number | null; approved_at: Date | null; movement_id: number | null;
}
export interface CountLinesTable {
  id: Id; count_id: number; bin_id: number; sku_id: number | null; lot_id: number | null; owner_id: number | null;
  stock_status: Generated<StockStatus>; status: Generated<CountLineStatus>; expected_qty: Generated<number>;
  counted_qty: number | null; recount_qty: number | null; final_qty: number | null; variance: number | null;
  counted_by: number | null; counted_at: Date | null; task_id: number | null;
}
export interface PickFacesTable {
  id: Id; bin_id: number; sku_id: number; min_qty: number; max_qty: number; updated_at: Generated<Date>;
}

/** An alert the monitor raised and still considers open (see migration 0014_alerts). */
export interface AlertStatesTable {
  warehouse_id: number; condition: string; subject: string; level: number; raised_at: Generated<Date>;
}

export interface TransfersTable {
  id: Id; code: string; from_warehouse_id: number; to_warehouse_id: number; outbound_order_id: number;
  inbound_order_id: number | null; status: Generated<'open' | 'in_transit' | 'received' | 'cancelled'>;
  shipped_at: Date | null; received_at: Date | null;
}
export interface TransferLinesTable {
  id: Id; transfer_id: number; sku_id: number; lot_id: number | null; owner_id: number; qty_shipped: number;
  qty_received: Generated<number>;
}

export interface DB {
  counts: CountsTable;
  count_lines: CountLinesTable;
  pick_faces: PickFacesTable;
  tasks: TasksTable;
  inbound_orders: InboundOrdersTable;
  inbound_lines: InboundLinesTable;
  receipts: ReceiptsTable;
  inbound_discrepancies: InboundDiscrepanciesTable;
  qc_inspections: QcInspectionsTable;
  outbound_orders: OutboundOrdersTable;
  outbound_lines: OutboundLinesTable;
  allocations: AllocationsTable;
  waves: WavesTable;
  pick_lists: PickListsTable;
  cartons: CartonsTable;
  shipments: ShipmentsTable;
  transfers: TransfersTable;
  stream_consumers: StreamConsumersTable;
  transfer_lines: TransferLinesTable;
  alert_states: AlertStatesTable;
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
