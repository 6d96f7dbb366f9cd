/**
 * Success response schemas of the API, in camelCase (the casing hook converts rows at the boundary) and with
 * lists in the paging envelope. They feed the OpenAPI document AND Fastify's serializer, which drops any property
 * a schema does not list: every property a handler returns must be here (server/test/openapi.test.ts runs every
 * operation against the demo and fails on a property the schema does not know, or one it lacks).
 */
import { Type, type TSchema } from 'typebox';
import { LayoutSpecSchema } from '../../model/layout-spec.ts';
import { CursorPage, Page } from './pagination.ts';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Str = (description?: string) => Type.String(description ? { description } : {});
const Int = (description?: string) => Type.Integer(description ? { description } : {});
const Num = (description?: string) => Type.Number(description ? { description } : {});
/** Free-form JSON (task details, event payloads): its shape depends on the kind of record. */
const Json = Type.Unknown({ description: 'JSON object; its fields depend on the kind of record' });
const Units = (description = 'base units') => Type.Integer({ description });

/**
 * A copy of a request schema for use in a response: the serializer would write every `default` the answer leaves
 * out (a layout spec stored without `orientation` would come back with it).
 */
function withoutDefaults<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(withoutDefaults) as T;
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).filter(([k]) => k !== 'default')
    .map(([k, v]) => [k, withoutDefaults(v)])) as T;
}

/** A response schema with a description and one example answer (from the demo). */
export const described = <T extends TSchema>(schema: T, description: string, example?: unknown): T =>
  ({ ...schema, description, ...(example === undefined ? {} : { examples: [example] }) }) as T;

// ------------------------------------------------------------------ system and users

export const Health = Type.Object({
  status: Str('ok when the database answers'),
  version: Str('app version'),
  database: Type.Object({
    backend: Str('pglite (embedded) or postgres'), server: Str('PostgreSQL server version'),
    migration: Str('applied schema migration'), latestMigration: Str('newest migration this build knows'),
    location: Str('data folder, memory, or the server host'),
  }),
}, { description: 'health of the server and its database' });

export const Login = Type.Object({
  token: Str('bearer token: send as Authorization: Bearer <token>'),
  expiresAt: Type.String({ format: 'date-time', description: 'when the token expires' }),
  expiresIn: Int('seconds until the token expires'),
  user: Type.Object({ id: Int(), username: Str(), role: Str() }),
}, { description: 'a bearer token for HTTP and the live stream' });

const Scope = Type.Object({
  warehouse: Str('warehouse code'), zone: Nullable(Str('zone code; null = the whole warehouse')),
  warehouseId: Nullable(Int()), zoneId: Nullable(Int()),
});
export const User = Type.Object({
  id: Int(), username: Str(), displayName: Str(), role: Str('admin, manager, planner, operator or viewer'),
  active: Type.Boolean(), createdAt: DateTime, lastLoginAt: Nullable(DateTime),
  scopes: Type.Array(Scope, { description: 'warehouses and zones the user may act in; empty = all' }),
}, { description: 'a user with role and scopes' });
export const UserRow = Type.Object({
  id: Int(), username: Str(), displayName: Str(), role: Str(), active: Type.Boolean(), lastLoginAt: Nullable(DateTime),
});

// ------------------------------------------------------------------ warehouses, zones, bins

export const WarehouseRow = Type.Object({
  id: Int(), code: Str('warehouse code, used in paths'), name: Str(), timezone: Str('IANA time zone'), createdAt: DateTime,
  bins: Int('number of bins'), zones: Int('number of zones'),
});
export const WarehouseCreated = Type.Object({ id: Int(), code: Str(), name: Str(), zones: Int(), bins: Int() },
  { description: 'the new warehouse with the zones and bins generated from its layout' });
export const Warehouse = Type.Object({
  id: Int(), code: Str(), name: Str(), timezone: Str(), createdAt: DateTime,
  layout: Nullable(withoutDefaults(LayoutSpecSchema)),
}, { description: 'a warehouse with the layout spec it was generated from' });
export const ZoneRow = Type.Object({
  id: Int(), code: Str(), name: Str(), kind: Str('storage, pick_face, bulk, staging, dock, qc or quarantine'),
  temperature: Str('ambient, chilled or frozen'), bins: Int(),
});
export const Zone = Type.Object({ id: Int(), code: Str(), name: Str(), kind: Str(), temperature: Str() });

const FloorPoint = Type.Object({ code: Str(), x: Num(), y: Num(), node: Nullable(Str('travel graph node')) });
const Bounds = Type.Object({ minX: Num(), minY: Num(), maxX: Num(), maxY: Num() }, { description: 'metres' });
const GraphNode = Type.Object({ id: Str(), kind: Str('aisle, cross, dock or charger'), x: Num(), y: Num() });
const GraphEdge = Type.Object({ from: Str(), to: Str(), length: Num('metres') });
export const Graph = Type.Object({
  docks: Type.Array(FloorPoint), edges: Type.Array(GraphEdge), nodes: Type.Array(GraphNode), bounds: Bounds,
  chargers: Type.Array(FloorPoint),
}, { description: 'the travel graph: nodes in the aisles and cross aisles, edges with lengths in metres' });

const BinFields = {
  id: Int(), code: Str(), aisle: Nullable(Int()), rack: Nullable(Int()), level: Nullable(Int()), slot: Nullable(Int()),
  x: Num(), y: Num(), z: Num(), width: Num('metres'), depth: Num('metres'), height: Num('metres'),
  maxVolumeM3: Num(), maxWeightKg: Num(), maxUnits: Nullable(Int('most base units; null = no unit limit')),
  maxPallets: Nullable(Int('pallet positions; null = not a pallet location')),
  pickSeq: Nullable(Int('position in the pick path')), blocked: Type.Boolean(),
};
export const BinRow = Type.Object({ ...BinFields, zone: Nullable(Str('zone code')) });
export const Bin = Type.Object({
  ...BinFields, warehouse: Str(), warehouseId: Int(), zone: Nullable(Str()), zoneId: Nullable(Int()),
  kind: Str('zone kind'), temperature: Str(),
}, { description: 'a bin with its place, size and capacity' });

export const Layout = Type.Object({
  warehouse: Type.Object({ id: Int(), code: Str() }), bounds: Bounds,
  zones: Type.Array(Type.Object({
    id: Int(), code: Str(), orientation: Str('x or y: the axis the aisles run along'), firstAisle: Int(),
    aisleCount: Int(), block: Bounds,
  })),
  nodes: Type.Array(GraphNode), edges: Type.Array(GraphEdge), docks: Type.Array(FloorPoint),
  chargers: Type.Array(FloorPoint),
}, { description: 'the static floor plan for drawing' });

export const SnapshotJson = Type.Object({
  pos: Int('stream position the rows reflect'),
  skip: Type.Array(Type.Integer(), { description: 'outbox seqs already reflected but not yet given a position' }),
  warehouse: Type.Object({ id: Int(), code: Str(), name: Str() }), generatedAt: DateTime,
  flags: Type.Record(Type.String(), Type.Integer(), { description: 'bit of each flag in bins[].flags' }),
  bins: Type.Array(Type.Object({
    id: Int(), code: Str(), zone: Str(), zoneKind: Str(), aisle: Nullable(Int()), level: Nullable(Int()),
    x: Num(), y: Num(), z: Num(), width: Num(), depth: Num(), height: Num(), maxUnits: Nullable(Int()),
    units: Units(), reserved: Units(), fill: Num('share of the binding limit (units, pallets, volume, weight), 0..1'), flags: Int(), skuCount: Int(),
    topSku: Nullable(Str('SKU with the most units')),
    oldestReceiptAt: Nullable(Num('epoch milliseconds')), earliestExpiry: Nullable(Num('epoch milliseconds')),
  })),
}, { description: 'the snapshot as JSON (?format=json)' });

// ------------------------------------------------------------------ master data

export const SkuRow = Type.Object({
  id: Int(), code: Str(), name: Str(), spec: Nullable(Str()), baseUnit: Str(), abcClass: Str(), temperature: Str(),
  lotTracked: Type.Boolean(), expiryTracked: Type.Boolean(), shelfLifeDays: Nullable(Int()),
});
export const Sku = Type.Object({
  id: Int(), code: Str(), name: Str(), spec: Nullable(Str()), baseUnit: Str(),
  lengthM: Nullable(Num()), widthM: Nullable(Num()), heightM: Nullable(Num()), weightKg: Num('kg per base unit'),
  shelfLifeDays: Nullable(Int()), minRemainingShelfLifeDays: Nullable(Int()), lotTracked: Type.Boolean(),
  expiryTracked: Type.Boolean(), abcClass: Str(), temperature: Str(), requiresQc: Type.Boolean(), createdAt: DateTime,
  allocationStrategy: Nullable(Str('fifo, lifo or fefo; null = FEFO when expiry-tracked, else FIFO')),
  unitsPerPallet: Nullable(Int('base units on one pallet')),
  units: Type.Array(Type.Object({ unit: Str(), factor: Int('base units per pack unit') })),
  barcodes: Type.Array(Type.Object({ barcode: Str(), kind: Str('gtin, ean, upc or internal'), unit: Nullable(Str()) })),
}, { description: 'a SKU with its pack units and barcodes' });
export const LotRow = Type.Object({
  id: Int(), lotNo: Str(), mfgDate: Nullable(Day), expiryDate: Nullable(Day), createdAt: DateTime,
});
export const LotCreated = Type.Object({ id: Int(), lotNo: Str(), expiryDate: Nullable(Day), mfgDate: Nullable(Day) },
  { description: 'the registered lot' });

export const Owner = Type.Object({
  id: Int(), code: Str(), name: Str(), createdAt: DateTime, allocationStrategy: Nullable(Str()),
}, { description: 'an owner (3PL client)' });
export const Supplier = Type.Object({
  id: Int(), code: Str(), name: Str(), requiresQc: Type.Boolean(), createdAt: DateTime,
  overReceiptPct: Int('over-receipt tolerance, percent'),
}, { description: 'a supplier' });
export const Customer = Type.Object({
  id: Int(), code: Str(), name: Str(), minRemainingShelfLifeDays: Nullable(Int()), createdAt: DateTime,
}, { description: 'a customer' });
export const PARTY = { owners: Owner, suppliers: Supplier, customers: Customer } as const;

// ------------------------------------------------------------------ stock

const StockStatusText = Str('available, qc, hold or damaged');
const Leg = Type.Object({
  binId: Int(), bin: Str(), skuId: Int(), sku: Str(), lotId: Nullable(Int()), lot: Nullable(Str()), ownerId: Int(),
  owner: Str(), status: StockStatusText, delta: Int('signed base units'), qtyBefore: Units(), qtyAfter: Units(),
  reserved: Units(),
});
export const Movement = Type.Object({
  movementId: Int(), seq: Int('outbox sequence of its event'), at: DateTime, type: Str('movement type'),
  legs: Type.Array(Leg, { description: 'one per balance it changed, with quantities before and after' }),
  replayed: Type.Optional(Type.Boolean({ description: 'true when this answers a replayed Idempotency-Key' })),
}, { description: 'the movement posted, with its ledger legs' });

export const StockLine = Type.Object({
  warehouse: Str(), zone: Str(), bin: Str(), sku: Str(), skuName: Str(), lot: Nullable(Str()), expiry: Nullable(Day),
  owner: Str('owner code'), status: StockStatusText, qty: Units(), reserved: Units(), atp: Units('available to promise'),
  firstReceiptAt: Nullable(DateTime),
});
export const Atp = Type.Object({
  sku: Str(), name: Str(), onHand: Units(), atp: Units(), inTransit: Units(),
  lines: Type.Array(Type.Object({
    warehouse: Str(), owner: Str(), onHand: Units(), available: Units(), qc: Units(), hold: Units(), damaged: Units(),
    reserved: Units(), atp: Units(),
  })),
  transit: Type.Array(Type.Object({ transfer: Str(), from: Str(), to: Str(), owner: Str(), qty: Units() })),
}, { description: 'on hand by status, reserved and available-to-promise per warehouse and owner' });

const LedgerRow = Type.Object({
  id: Int(), movementId: Int(), at: DateTime, type: Str(), bin: Str(), sku: Str(), lot: Nullable(Str()), owner: Str(),
  status: Str(), delta: Int(), before: Units(), after: Units(), counterBin: Nullable(Str('the other bin of a move')),
  reason: Nullable(Str()), docRef: Nullable(Str()), device: Nullable(Str()), user: Nullable(Str()),
});
export const LotTrace = Type.Object({
  lot: Type.Object({ sku: Str(), skuName: Str(), lotNo: Str(), mfgDate: Nullable(Day), expiryDate: Nullable(Day) }),
  onHand: Units(), current: Type.Array(StockLine),
  totals: Type.Record(Type.String(), Type.Integer(), { description: 'net units by movement type' }),
  movements: Type.Array(LedgerRow),
}, { description: 'where the lot is now and every movement of it' });
export const BinHistory = Type.Object({
  bin: Str(), at: DateTime,
  contents: Type.Array(Type.Object({
    sku: Str(), skuName: Str(), lot: Nullable(Str()), expiry: Nullable(Day), owner: Str(), status: Str(), qty: Units(),
    firstAt: DateTime,
  })),
  lastMovements: Type.Array(LedgerRow),
}, { description: 'what was in the bin at that time, rebuilt from the ledger' });
export const LedgerCheck = Type.Object({
  ok: Type.Boolean(), keys: Int('balance keys checked'), ledgerRows: Int(), negative: Int('negative balances'),
  mismatches: Type.Array(Type.Object({
    binId: Int(), skuId: Int(), lotId: Nullable(Int()), ownerId: Int(), status: Str(), balance: Int(), ledger: Int(),
  })),
}, { description: 'the ledger invariant: ok when every balance equals the sum of its ledger rows and none is negative' });
export const AuditRow = Type.Object({
  id: Int(), at: DateTime, user: Nullable(Str()), action: Str(), target: Nullable(Str()), status: Int('HTTP status'),
  details: Nullable(Json), ip: Nullable(Str()),
});

// ------------------------------------------------------------------ replenishment

export const PickFace = Type.Object({ id: Int(), bin: Str(), zone: Str(), sku: Str(), min: Units(), max: Units() },
  { description: 'the pick face with its min/max' });
export const PickFaceRow = Type.Object({
  id: Int(), bin: Str(), sku: Str(), min: Units(), max: Units(), qty: Units(), reserved: Units(), free: Units(),
  allocated: Units('allocated to open orders'), belowMin: Type.Boolean(),
  openTask: Nullable(Int('open replenish task')), blocked: Type.Boolean(), counting: Type.Boolean(),
});
export const ReplenishmentRun = Type.Object({
  warehouse: Str(), faces: Int('pick faces checked'),
  created: Type.Array(Type.Object({
    taskId: Int(), face: Str(), sku: Str(), from: Str(), lot: Nullable(Str()), qty: Units(),
  })),
  skipped: Type.Array(Type.Object({ face: Str(), sku: Str(), reason: Str() })),
  alerts: Type.Array(Type.Object({ face: Str(), sku: Str(), free: Units(), min: Units() }),
    { description: 'faces below min with no stock to replenish from' }),
}, { description: 'the replenish tasks created' });
export const Replenished = Type.Object({
  taskId: Int(), status: Str(), moved: Units(), from: Str(), to: Str(), sku: Str(), lot: Nullable(Str()),
  movementId: Int(), seq: Int(),
}, { description: 'the stock moved to the pick face' });

// ------------------------------------------------------------------ inbound

const InboundType = Str('purchase, return, transfer_in or production');
const InboundStatus = Str('open, receiving, closed or cancelled');
export const InboundOrder = Type.Object({
  id: Int(), code: Str('order number'), type: InboundType, status: InboundStatus,
  blind: Type.Boolean({ description: 'receives whatever arrives, without expected lines' }), overReceiptPct: Int(),
  expectedAt: Nullable(DateTime), createdAt: DateTime, closedAt: Nullable(DateTime), warehouseId: Int(),
  warehouse: Str(), owner: Str(), supplier: Nullable(Str()), customer: Nullable(Str()), dockBin: Nullable(Str()),
  lines: Type.Array(Type.Object({
    id: Int(), lineNo: Int(), sku: Str(), skuName: Str(), expectedQty: Units(), receivedQty: Units(),
    lotNo: Nullable(Str()), expiryDate: Nullable(Day),
  })),
  discrepancies: Type.Array(Type.Object({
    lineId: Int(), kind: Str('short or over'), expectedQty: Units(), receivedQty: Units(), note: Nullable(Str()),
    createdAt: DateTime,
  })),
}, { description: 'an inbound order (ASN) with its lines and discrepancies' });
export const InboundRow = Type.Object({
  id: Int(), code: Str(), type: InboundType, status: InboundStatus, warehouse: Str(), expectedAt: Nullable(DateTime),
  createdAt: DateTime,
});
export const Receipt = Type.Object({
  receiptId: Int(), movementId: Int(), seq: Int(), sku: Str(), lot: Nullable(Str()), expiry: Nullable(Day),
  qty: Units(), status: Str('stock status it was received in'), bin: Str(),
  line: Type.Object({ lineNo: Int(), expectedQty: Units(), receivedQty: Units() }),
  next: Type.Object({
    type: Str('qc or putaway: the task that follows; scrapped: a return written off at once'),
    taskId: Type.Optional(Nullable(Int())), inspectionId: Type.Optional(Int()),
    targetBin: Type.Optional(Nullable(Str('suggested putaway bin'))), movementId: Type.Optional(Int('the scrap')),
  }),
}, { description: 'the receipt, and the QC inspection or putaway task that follows' });
export const QcInspection = Type.Object({
  id: Int(), status: Str(), result: Nullable(Str()), qty: Units(), passedQty: Nullable(Units()),
  failedQty: Nullable(Units()), disposition: Nullable(Str()), note: Nullable(Str()), taskId: Nullable(Int()),
  receiptId: Nullable(Int()), createdAt: DateTime, doneAt: Nullable(DateTime), sku: Str(), bin: Str(),
  lot: Nullable(Str()),
}, { description: 'a QC inspection' });
export const QcResult = Type.Object({
  inspectionId: Int(), result: Str(), passed: Units(), failed: Units(), disposition: Nullable(Str()),
  quarantineBin: Nullable(Str()), movementId: Nullable(Int()),
  putaway: Nullable(Type.Object({ taskId: Int(), targetBin: Nullable(Str()) },
    { description: 'the putaway task for what passed' })),
}, { description: 'the QC result and what happened to the stock' });

// ------------------------------------------------------------------ tasks

const TaskFields = {
  id: Int(), type: Str('putaway, pick, replenish, count, move or qc'),
  status: Str('open, assigned, in_progress, done or cancelled'), priority: Int('0-100, higher first'),
  qty: Nullable(Units()), doneQty: Units(), refType: Nullable(Str()), refId: Nullable(Int()),
  pickListId: Nullable(Int()), seq: Nullable(Int('stop in its pick list')),
  details: Nullable(Json), createdAt: DateTime, updatedAt: DateTime, doneAt: Nullable(DateTime), warehouseId: Int(),
  zoneId: Nullable(Int()), warehouse: Str(), zone: Nullable(Str()), sourceBin: Nullable(Str()),
  targetBin: Nullable(Str()), sku: Nullable(Str()), skuName: Nullable(Str()), lot: Nullable(Str()),
  expiry: Nullable(Day), owner: Nullable(Str()), stockStatus: Nullable(Str()), assignee: Nullable(Str()),
  assigneeAgv: Nullable(Str()),
};
export const Task = Type.Object(TaskFields, { description: 'a task with its bins, item and explanation' });
const PutawayReason = Type.Object({ rule: Str(), message: Str() });
export const PutawaySuggestions = Type.Object({
  suggestions: Type.Array(Type.Object({
    binId: Int(), code: Str(), score: Num('higher is better'), reasons: Type.Array(PutawayReason),
    decidedBy: Str('rule that decided'),
  })),
  rejected: Type.Record(Type.String(), Type.Integer(), { description: 'bins ruled out, by rule' }),
}, { description: 'ranked bins with the rules that chose them' });
export const PutawayDone = Type.Object({
  taskId: Int(), status: Str(), doneQty: Units(), bin: Str(), movementId: Int(), seq: Int(),
}, { description: 'the confirmed putaway' });
export const PickDone = Type.Object({
  taskId: Int(), status: Str(), picked: Units(), short: Units(), movementId: Nullable(Int()), seq: Nullable(Int()),
  reallocated: Nullable(Type.Object({
    countTaskId: Nullable(Int()), allocated: Units(), backorder: Units(), pickTasks: Type.Array(Type.Integer()),
  }, { description: 'a short pick: what was allocated elsewhere, the new pick tasks and the count of the bin' })),
  emptyBinCountTask: Nullable(Int('count task for a bin the pick emptied')), pickList: Str('pick list status'),
  order: Type.Object({ code: Str(), status: Str() }),
}, { description: 'the confirmed pick' });

// ------------------------------------------------------------------ outbound

const OutboundLine = Type.Object({
  id: Int(), lineNo: Int(), sku: Str(), skuName: Str(), qty: Units(), lotNo: Nullable(Str()), strategy: Nullable(Str()),
  allocatedQty: Units(), pickedQty: Units(), shippedQty: Units(), shortQty: Units(), backorder: Units(),
});
const OutboundType = Str('sales, issue or transfer_out');
const OutboundStatus = Str('open, allocated, backordered, released, picked, packed, shipped or cancelled');
export const OutboundOrder = Type.Object({
  id: Int(), code: Str('order number'), type: OutboundType, status: OutboundStatus,
  strategy: Nullable(Str('fifo, lifo or fefo; null = the owner\'s or SKU\'s')), carrier: Nullable(Str()),
  cutoffAt: Nullable(DateTime), priority: Int(), createdAt: DateTime, shippedAt: Nullable(DateTime), warehouseId: Int(),
  warehouse: Str(), owner: Str(), customer: Nullable(Str()), wave: Nullable(Str()), stagingBin: Nullable(Str()),
  toWarehouse: Nullable(Str()), lines: Type.Array(OutboundLine),
  allocations: Type.Array(Type.Object({
    id: Int(), lineNo: Int(), bin: Str(), lot: Nullable(Str()), expiry: Nullable(Day), qty: Units(), pickedQty: Units(),
    status: Str(), strategy: Nullable(Str()),
  })),
  cartons: Type.Array(Type.Object({ code: Str(), weightKg: Num(), contents: Json })),
  shipment: Nullable(Type.Object({ carrier: Nullable(Str()), trackingNo: Str(), cartons: Int(), weightKg: Num(),
    shippedAt: DateTime })),
}, { description: 'an outbound order with lines, allocations, cartons and shipment' });
export const OutboundRow = Type.Object({
  id: Int(), code: Str(), type: OutboundType, status: OutboundStatus, warehouse: Str(), carrier: Nullable(Str()),
  cutoffAt: Nullable(DateTime), priority: Int(), createdAt: DateTime,
});
export const Allocation = Type.Object({
  orderId: Int(), code: Str(), status: Str(),
  lines: Type.Array(Type.Object({ lineNo: Int(), sku: Str(), strategy: Str(), allocated: Units(), backorder: Units() })),
}, { description: 'what was allocated and what stays backordered' });
export const WaveReleased = Type.Object({
  waveId: Int(), code: Str(), mode: Str(), orders: Int(), lines: Int(), volumeM3: Num(),
  pickLists: Type.Array(Type.Object({
    id: Int(), stops: Int(), distanceM: Nullable(Num('expected travel')), method: Str('routing method'), orders: Int(),
  })),
}, { description: 'the wave and its routed pick lists' });
export const Wave = Type.Object({
  id: Int(), warehouseId: Int(), code: Str(), mode: Str(), status: Str(), criteria: Json, createdBy: Nullable(Int()),
  createdAt: DateTime,
  pickLists: Type.Array(Type.Object({
    id: Int(), mode: Str(), status: Str(), orders: Type.Array(Type.Integer()), distanceM: Nullable(Num()),
    routeMethod: Nullable(Str()),
  })),
  orders: Type.Array(Type.Object({ id: Int(), code: Str(), status: Str() })),
}, { description: 'a wave with its orders and pick lists' });
export const PickList = Type.Object({
  id: Int(), mode: Str(), status: Str(), orders: Type.Array(Type.Integer()),
  totes: Type.Record(Type.String(), Type.Unknown(), { description: 'batch picking: tote of each order' }),
  routeMethod: Nullable(Str()), distanceM: Nullable(Num()), startNode: Nullable(Str()), endNode: Nullable(Str()),
  createdAt: DateTime, warehouseId: Int(), wave: Nullable(Str()),
  stops: Type.Array(Type.Object({
    taskId: Int(), seq: Nullable(Int()), status: Str(), bin: Str(), sku: Str(), skuName: Str(), lot: Nullable(Str()),
    qty: Units(), doneQty: Units(), details: Nullable(Json),
  }, { description: 'in route order' })),
}, { description: 'a pick list: stops in route order and the expected travel distance' });
export const Packed = Type.Object({
  orderId: Int(), code: Str(), status: Str(), cartons: Type.Array(Type.String()), weightKg: Num(),
}, { description: 'the packed order and its cartons' });
export const Shipped = Type.Object({
  orderId: Int(), code: Str(), status: Str(), carrier: Nullable(Str()), trackingNo: Str(), cartons: Int(),
  weightKg: Num(), movementId: Nullable(Int()),
  transfer: Type.Optional(Nullable(Type.Object({ transferId: Int(), code: Str(), inboundOrderId: Nullable(Int()) },
    { description: 'transfer-out: the transfer and the receiving warehouse\'s inbound order' }))),
}, { description: 'the shipment' });
export const TransferRow = Type.Object({
  id: Int(), code: Str(), status: Str(), from: Str(), to: Str(), shippedAt: Nullable(DateTime),
  receivedAt: Nullable(DateTime),
});
export const Transfer = Type.Object({
  id: Int(), code: Str(), status: Str(), shippedAt: Nullable(DateTime), receivedAt: Nullable(DateTime),
  fromWarehouseId: Int(), from: Str(), to: Str(), outboundOrder: Str(), outboundOrderId: Int(),
  inboundOrderId: Nullable(Int()),
  lines: Type.Array(Type.Object({
    sku: Str(), lot: Nullable(Str()), owner: Str(), qtyShipped: Units(), qtyReceived: Units(), inTransit: Units(),
  })),
}, { description: 'a transfer: shipped, in transit, arrived' });

// ------------------------------------------------------------------ counts

const CountLine = Type.Object({
  id: Int(), bin: Str(), zone: Str(), sku: Nullable(Str('null: a line for an empty bin')), lot: Nullable(Str()),
  owner: Nullable(Str()), stockStatus: Nullable(Str()), status: Str(),
  taskId: Nullable(Int()), countedQty: Nullable(Units()), recountQty: Nullable(Units()), finalQty: Nullable(Units()),
  countedBy: Nullable(Str()), countedAt: Nullable(DateTime),
  expectedQty: Type.Optional(Nullable(Units('book quantity: to managers, or once counting is over'))),
  variance: Type.Optional(Nullable(Int('final minus expected'))),
});
export const Count = Type.Object({
  id: Int(), code: Str(), kind: Str('periodic, cycle or dynamic'),
  status: Str('open, counting, review, approved or cancelled'), trigger: Str('what started it: manual, abc_schedule ...'),
  blind: Type.Boolean(), tolerancePct: Num(), freeze: Type.Boolean(), warehouseId: Int(), warehouse: Str(),
  zone: Nullable(Str()), createdAt: DateTime, createdBy: Nullable(Str()), approvedAt: Nullable(DateTime),
  approvedBy: Nullable(Str()), movementId: Nullable(Int()), frozenBins: Int(), tasks: Type.Array(Type.Integer()),
  summary: Type.Object({ lines: Int(), counted: Int(), recount: Int(),
    withVariance: Type.Optional(Int('lines with a variance (only when the book is shown)')) }),
  lines: Type.Array(CountLine),
}, { description: 'a count with its lines' });
export const CountRow = Type.Object({
  id: Int(), code: Str(), kind: Str(), status: Str(), trigger: Str(), blind: Type.Boolean(), freeze: Type.Boolean(),
  warehouse: Str(), zone: Nullable(Str()), createdAt: DateTime, approvedAt: Nullable(DateTime), lines: Int(),
  counted: Int(),
});
export const CycleSchedule = Type.Object({
  count: Nullable(Count),
  due: Type.Array(Type.Object({ bin: Str(), class: Str('ABC class'), lastCounted: Nullable(DateTime),
    dueSince: Nullable(DateTime) })),
  message: Type.Optional(Str('why no count was created')),
}, { description: 'the cycle count created for the bins due (count is null when none is due)' });
export const CountScan = Type.Object({
  taskId: Int(), countId: Int(), count: Str(), countStatus: Str(), bin: Str(),
  lines: Type.Array(Type.Object({
    lineId: Int(), sku: Nullable(Str()), lot: Nullable(Str()), owner: Nullable(Str()), stockStatus: Nullable(Str()),
    status: Str(), counted: Units(), recount: Type.Boolean(),
    expected: Type.Optional(Units('book quantity (counts that are not blind)')),
    variance: Type.Optional(Int('counted minus expected (counts that are not blind)')),
  })),
  recount: Type.Boolean(), binLeft: Int('lines of the bin still to count'), message: Str(),
}, { description: 'the recorded count of the bin' });
export const CountApproved = Type.Object({
  id: Int(), code: Str(), status: Str(), movementId: Nullable(Int()), seq: Nullable(Int()), unfrozen: Int(),
  variances: Type.Array(Type.Object({
    lineId: Int(), bin: Str(), sku: Nullable(Str()), lot: Nullable(Str()), owner: Nullable(Str()), expected: Units(),
    counted: Units(), variance: Int(),
  })),
}, { description: 'the approved count and the variances it posted' });
export const CountCancelled = Type.Object({ id: Int(), code: Str(), status: Str(), unfrozen: Int() },
  { description: 'the cancelled count' });
const Accuracy = {
  linesCounted: Int(), linesExact: Int(), accuracyPct: Nullable(Num('null before any line was counted')),
  unitsExpected: Units(), unitsVariance: Units(),
  netVariance: Int(),
};
export const CountAccuracy = Type.Object({
  warehouse: Str(), zones: Type.Array(Type.Object({ zone: Str(), name: Str(), counts: Int(), ...Accuracy })),
  total: Type.Object(Accuracy),
}, { description: 'inventory record accuracy per zone over approved counts' });

// ------------------------------------------------------------------ control room and fleet

export const BinInspection = Type.Object({
  bin: Type.Object({
    id: Int(), code: Str(), warehouseId: Int(), zone: Str(), zoneKind: Str(), aisle: Nullable(Int()),
    level: Nullable(Int()), blocked: Type.Boolean(), frozen: Type.Boolean(),
    capacity: Type.Object({ units: Nullable(Int()), pallets: Nullable(Int()), volume: Nullable(Num()),
      weight: Nullable(Num()) }),
    fill: Type.Object({ units: Units(), pallets: Num(), reserved: Units(), volume: Num(), weight: Num(),
      ratio: Num('share of the binding limit (units, pallets, volume, weight), 0..1') }),
  }),
  contents: Type.Array(Type.Object({
    skuId: Int(), sku: Str(), skuName: Str(), lot: Nullable(Str()), lotId: Nullable(Int()), expiry: Nullable(Day),
    owner: Str(), ownerId: Int(), status: Str(), qty: Units(), reserved: Units(), receivedAt: Nullable(DateTime),
  })),
  tasks: Type.Array(Type.Object({
    id: Int(), type: Str(), status: Str(), priority: Int(), sku: Nullable(Str()), qty: Nullable(Units()),
    sourceBin: Nullable(Str()), targetBin: Nullable(Str()), assignee: Nullable(Str()), createdAt: DateTime,
  })),
  movements: Type.Array(Type.Object({
    id: Int(), type: Str(), at: DateTime, sku: Str(), lot: Nullable(Str()), qty: Int('signed for this bin'),
    status: Str(), otherBin: Nullable(Str()), user: Nullable(Str()), document: Nullable(Str()), reason: Nullable(Str()),
  })),
}, { description: 'the bin inspector' });
export const SearchResult = Type.Object({
  query: Str(),
  matches: Type.Array(Type.Object({
    kind: Str('sku, lot, bin or order'), key: Str(), label: Str(),
    bins: Type.Array(Type.Object({ id: Int(), code: Str(), qty: Units() })),
  })),
  binIds: Type.Array(Type.Integer(), { description: 'the union of the matches\' bins' }),
  truncated: Type.Boolean(),
}, { description: 'matches and the bins they are in' });
export const Alerts = Type.Object({
  alerts: Type.Array(Type.Object({
    kind: Str('event'), pos: Int('stream position'), seq: Int(), type: Str('alert'), at: DateTime,
    payload: Type.Record(Type.String(), Type.Unknown(), { description: 'kind, message and what it is about' }),
  })),
}, { description: 'latest alerts, newest first, as stream records' });
export const SkuClasses = Type.Object({
  classes: Type.Record(Type.String(), Type.String(), { description: 'SKU code -> A, B or C' }),
}, { description: 'ABC class of every SKU with stock' });

const AgvState = Type.Object({
  id: Str(), x: Num(), y: Num(), heading: Num('radians'), speed: Num('m/s'),
  state: Str('idle, moving, loading, unloading, charging or fault'), battery: Num('0..1'),
  taskId: Nullable(Type.Union([Type.Integer(), Type.String()])), loaded: Type.Boolean(), node: Nullable(Str()),
  nextNode: Nullable(Str()),
  waiting: Type.Boolean({ description: 'headed for a stop but not yet granted a route (moving at speed 0)' }),
  stateSinceMs: Num('simulation time it entered its state'), progressAtMs: Num('simulation time of its last progress'),
  stateSince: Type.String({ format: 'date-time', description: 'since when it is in its state' }),
  lastProgressAt: Type.String({ format: 'date-time', description: 'when it last drove, loaded, unloaded or charged' }),
});
export const Fleet = Type.Object({
  warehouseId: Int(), paused: Type.Boolean(), speedFactor: Num('simulated seconds per real second'),
  roster: Type.Array(Type.String(), { description: 'roster index -> AGV id (the binary frames carry the index)' }),
  rosterVersion: Int(), agvs: Type.Array(AgvState),
  stats: Type.Object({
    simMs: Num(), agvs: Int(), byState: Type.Record(Type.String(), Type.Integer()), tasksOpen: Int(),
    tasksActive: Int(), tasksCompleted: Int(), tasksFailed: Int(), distanceM: Num(), meanCycleSeconds: Num(),
    maxCycleSeconds: Num(), faults: Int(), charges: Int(), evasions: Int(),
  }),
  recentErrors: Type.Array(Type.String()),
}, { description: 'the fleet: roster, states and statistics' });
export const AgvDetail = Type.Object({
  id: Str(), state: Str(), loaded: Type.Boolean(), battery: Num(), speed: Num(), x: Num(), y: Num(), heading: Num(),
  task: Nullable(Type.Object({
    id: Type.Union([Type.Integer(), Type.String()]), type: Nullable(Str()), status: Nullable(Str()), sku: Nullable(Str()),
    sourceBin: Nullable(Str()), targetBin: Nullable(Str()),
  })),
  route: Type.Array(Type.Object({ x: Num(), y: Num() }), { description: 'remaining route, model coordinates' }),
  waiting: Type.Boolean({ description: 'headed for a stop but not yet granted a route (moving at speed 0)' }),
  stateSince: Type.String({ format: 'date-time', description: 'since when it is in its state' }),
  lastProgressAt: Type.String({ format: 'date-time', description: 'when it last drove, loaded, unloaded or charged' }),
  recentTasks: Type.Array(Type.Object({
    id: Int(), type: Str(), status: Str(), doneAt: Nullable(DateTime), sourceBin: Nullable(Str()),
    targetBin: Nullable(Str()),
  })),
}, { description: 'one AGV for the inspector' });

export { Page, CursorPage };

// ------------------------------------------------------------------ answer examples (demo values, as `npm start` seeds)

const at = '2026-12-07T09:30:00.000Z';
const leg = { skuId: 1, sku: 'HXF-BEV0001', lotId: 326, lot: 'L-EX-2030', ownerId: 1, owner: 'HXF', status: 'available',
  reserved: 0 };
/** Schemas with an example answer, for the operations an integrator meets first. */
export const MovementAnswer = described(Movement, 'the movement posted, with its ledger legs', {
  movementId: 5297, seq: 83, at, type: 'move',
  legs: [{ ...leg, binId: 3970, bin: 'WH1-A12-R24-L5-B03', delta: -24, qtyBefore: 120, qtyAfter: 96 },
    { ...leg, binId: 10631, bin: 'WH1-A20-R30-L5-B05', delta: 24, qtyBefore: 0, qtyAfter: 24 }],
});
export const HealthAnswer = described(Health, 'health of the server and its database', {
  status: 'ok', version: '0.1.0', database: { backend: 'pglite', server: '18.6', migration: '0014_alerts',
    latestMigration: '0014_alerts', location: '.data/pglite' },
});
export const LoginAnswer = described(Login, 'a bearer token for HTTP and the live stream', {
  token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIyIn0.signature', expiresAt: '2026-12-07T21:30:00.000Z',
  expiresIn: 43200, user: { id: 2, username: 'manager', role: 'manager' },
});
export const StockPage = described(Page(StockLine), 'stock lines matching the filters', {
  items: [{ warehouse: 'WH1', zone: 'STOR', bin: 'WH1-A01-R01-L3-B01', sku: 'NBC-HOM0001',
    skuName: '悦家 玻璃清洁剂 薰衣草 500ml', lot: null, expiry: null, owner: 'NBC', status: 'available', qty: 120,
    reserved: 0, atp: 120, firstReceiptAt: '2026-05-04T00:06:00.000Z' }],
  total: 3, limit: 1, offset: 0, next: '/api/stock?sku=NBC-HOM0001&warehouse=WH1&limit=1&offset=1',
});
export const AtpAnswer = described(Atp, 'on hand by status, reserved and available-to-promise', {
  sku: 'NBC-HOM0001', name: '悦家 玻璃清洁剂 薰衣草 500ml', onHand: 128, atp: 126, inTransit: 0,
  lines: [{ warehouse: 'WH1', owner: 'NBC', onHand: 128, available: 126, qc: 0, hold: 0, damaged: 2, reserved: 0,
    atp: 126 }],
  transit: [],
});
export const ReceiptAnswer = described(Receipt, 'the receipt, and the QC inspection or putaway task that follows', {
  receiptId: 5, movementId: 5301, seq: 90, sku: 'NBC-HOM0001', lot: null, expiry: null, qty: 48, status: 'qc',
  bin: 'WH1-A29-R01-L1-B01', line: { lineNo: 1, expectedQty: 48, receivedQty: 48 },
  next: { type: 'qc', taskId: 23, inspectionId: 1 },
});
