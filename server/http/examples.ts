/**
 * Request examples of the API, in demo values: every one runs against the seeded demo (`npm start`), in the
 * order of server/test/openapi.test.ts (create before update, receive before putaway). The demo's SKU codes
 * are `<owner>-<category><n>` and exist at every demo scale; the bin codes come from the fixed demo layouts.
 * The test checks that each of these exists in a freshly seeded demo and that each example answers 2xx with
 * the documented response.
 */

import type { TSchema } from 'typebox';

/**
 * A copy of a params or querystring object schema with an example on each named property (OpenAPI shows them per
 * parameter, and the OpenAPI test runs them).
 */
export function withParamExamples<T extends TSchema>(schema: T, values: Record<string, string | number>): T {
  const properties = { ...(schema as { properties?: Record<string, TSchema> }).properties };
  for (const [name, value] of Object.entries(values)) {
    if (!properties[name]) throw new Error(`example for ${name}, which the schema does not have`);
    properties[name] = { ...properties[name], examples: [value] } as TSchema;
  }
  return { ...schema, properties } as T;
}

/** A copy of a body schema with a request example (OpenAPI shows it; the OpenAPI test runs it). */
export const withExample = <T extends TSchema>(schema: T, value: unknown): T => ({ ...schema, examples: [value] }) as T;

/** Demo values the examples use. */
export const DEMO = {
  warehouse: 'WH1',
  coldWarehouse: 'WH2',
  /** A household SKU of owner NBC: no lots, no QC of its own. */
  sku: 'NBC-HOM0001',
  owner: 'NBC',
  /** A juice with lots and expiry dates (owner HXF). */
  lotSku: 'HXF-BEV0001',
  /** Supplier of household goods whose receipts go to QC first. */
  qcSupplier: 'SUP015',
  customer: 'C0001',
  /** A pallet location in the storage zone (STOR) and a shelf in the pick face (PICK) of WH1. */
  storageBin: 'WH1-A12-R24-L5-B03',
  pickBin: 'WH1-A20-R30-L6-B05',
  /** Another pick-face shelf, where the stock move example puts the juice. */
  shelf: 'WH1-A20-R30-L5-B05',
  lotOwner: 'HXF',
  pickZone: 'PICK',
  agv: 'AGV-001',
  user: 'operator1',
} as const;

/** What the create examples create (and the update and delete examples change). */
export const NEW_SKU = 'NBC-HOM9001';
export const NEW_PARTY = { owners: 'OWN-EX', suppliers: 'SUP-EX', customers: 'CUST-EX' } as const;
export const NEW_LOT = 'L-EX-2030';
export const DOC_REF = 'EX-ADJ-1';

export const examples = {
  login: { username: 'manager', password: 'demo1234' },
  createUser: { username: 'operator3', displayName: 'Operator 3 / 操作员3', password: 'demo1234', role: 'operator',
    scopes: [{ warehouse: DEMO.warehouse, zone: DEMO.pickZone }] },
  updateUser: { displayName: 'Operator 3 (night shift)' },
  setScopes: { scopes: [{ warehouse: DEMO.warehouse }] },
  createWarehouse: {
    code: 'WH3', name: 'Overflow store',
    zones: [{ code: 'RACK', name: 'Pallet racks', kind: 'storage', temperature: 'ambient', origin: { x: 0, y: 8 },
      aisles: 2, racksPerAisle: 4, levels: 2, binsPerLevel: 2,
      bin: { width: 0.9, depth: 1.1, height: 1.5, maxWeightKg: 1000, maxPallets: 1 } }],
    docks: [{ code: 'D1', x: 3, y: 0 }],
  },
  updateWarehouse: { timezone: 'Asia/Shanghai' },
  updateZone: { name: 'Pick face (shelving)' },
  updateBin: { pickSeq: 9000 },
  createSku: {
    code: NEW_SKU, name: 'Northbridge Kitchen Towels 4-pack', spec: '4 rolls, 6/case', baseUnit: 'EA', lengthM: 0.24,
    widthM: 0.22, heightM: 0.12, weightKg: 0.62, lotTracked: false, expiryTracked: false, abcClass: 'C',
    units: [{ unit: 'CASE', factor: 6 }], barcodes: [{ barcode: '5012345199993', kind: 'gtin', unit: 'EA' }],
  },
  updateSku: { abcClass: 'B', units: [{ unit: 'CASE', factor: 8 }] },
  createLot: { lotNo: NEW_LOT, expiryDate: '2030-12-31' },
  party: {
    owners: { create: { code: NEW_PARTY.owners, name: 'Example Trading Ltd', allocationStrategy: 'fifo' },
      update: { name: 'Example Trading Co., Ltd.' } },
    suppliers: { create: { code: NEW_PARTY.suppliers, name: 'Example Packaging Co.', requiresQc: false, overReceiptPct: 5 },
      update: { overReceiptPct: 10 } },
    customers: { create: { code: NEW_PARTY.customers, name: 'Example Supermarket', minRemainingShelfLifeDays: 30 },
      update: { minRemainingShelfLifeDays: 45 } },
  },
  adjust: { bin: DEMO.storageBin, sku: DEMO.lotSku, lot: NEW_LOT, owner: DEMO.lotOwner, qty: 120,
    reason: 'found during a walk-through', docRef: DOC_REF },
  move: { fromBin: DEMO.storageBin, toBin: DEMO.shelf, sku: DEMO.lotSku, lot: NEW_LOT, qty: 24, docRef: DOC_REF },
  statusChange: { bin: DEMO.storageBin, sku: DEMO.lotSku, lot: NEW_LOT, from: 'available', to: 'hold', qty: 6,
    reason: 'carton crushed on the forks' },
  scrap: { bin: DEMO.storageBin, sku: DEMO.lotSku, lot: NEW_LOT, status: 'hold', qty: 6, reason: 'crushed, not sellable' },
  inbound: { warehouse: DEMO.warehouse, code: 'PO-EX-1001', type: 'purchase', owner: DEMO.owner,
    supplier: DEMO.qcSupplier, lines: [{ sku: DEMO.sku, qty: 48 }] },
  receive: { scan: DEMO.sku, qty: 48 },
  qcResult: { result: 'partial', passedQty: 40, disposition: 'damaged', note: '8 with water damage' },
  closeInbound: { note: 'received complete' },
  assign: { user: DEMO.user },
  assignAgv: { agv: DEMO.agv },
  /** The bin a putaway confirms and a pick scans are the task's (the test takes them from the task it runs). */
  putaway: { bin: DEMO.storageBin },
  putawayElsewhere: { bin: DEMO.storageBin, qty: 20, reason: 'suggested bin is damaged' },
  pick: { bin: DEMO.pickBin, item: DEMO.sku, qty: 6 },
  outbound: { warehouse: DEMO.warehouse, code: 'TO-EX-2001', type: 'transfer_out', owner: DEMO.owner,
    toWarehouse: DEMO.coldWarehouse, carrier: 'SF', lines: [{ sku: DEMO.sku, qty: 12 }] },
  wave: { warehouse: DEMO.warehouse, mode: 'order', orders: ['TO-EX-2001'] },
  pack: { cartons: [{ weightKg: 7.5, lengthM: 0.6, widthM: 0.4, heightM: 0.4, contents: [{ sku: DEMO.sku, qty: 12 }] }] },
  ship: { carrier: 'SF', trackingNo: 'SF1234567890' },
  pickFace: { bin: DEMO.pickBin, sku: DEMO.sku, min: 40, max: 90 },
  replenishmentRun: { warehouse: DEMO.warehouse },
  replenish: { bin: DEMO.pickBin },
  count: { warehouse: DEMO.warehouse, kind: 'dynamic', bins: [DEMO.pickBin], code: 'DC-EX-1' },
  cycleSchedule: { warehouse: DEMO.warehouse },
  countCancel: { reason: 'zone needed for an urgent inbound' },
  countScan: { bin: DEMO.pickBin, item: DEMO.sku, qty: 90 },
  fleetCommand: { action: 'speed', value: 4 },
} as const;
