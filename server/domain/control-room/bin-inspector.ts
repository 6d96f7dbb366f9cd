import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { mayActIn, type Actor } from '../auth/actor.ts';
import { forbidden, notFound } from '../errors.ts';
import { fillRatio, palletsFor } from '../masterdata/capacity.ts';

/** What the control room's bin inspector shows when a bin is clicked in the twin. */
export interface BinInspection {
  bin: {
    id: number; code: string; warehouseId: number; zone: string; zoneKind: string;
    aisle: number | null; level: number | null; blocked: boolean; frozen: boolean;
    /** The bin's limits: base units (max_units), pallet positions (max_pallets), m³, kg; null = none. */
    capacity: { units: number | null; pallets: number | null; volume: number | null; weight: number | null };
    /**
     * Units on hand and reserved, pallet positions in use (masterdata/capacity.ts's rule), m³ and kg, and `ratio`:
     * the share of the binding limit, 0..1 (fillRatio, the same number as the snapshot's `fill`).
     */
    fill: { units: number; pallets: number; reserved: number; volume: number; weight: number; ratio: number };
  };
  contents: BinContent[];
  tasks: BinTask[];
  movements: BinMovement[];
}

export interface BinContent {
  skuId: number; sku: string; skuName: string; lot: string | null; lotId: number | null;
  /** YYYY-MM-DD */
  expiry: string | null;
  owner: string; ownerId: number; status: string; qty: number; reserved: number;
  /** When the oldest stock of this balance reached the warehouse (stock_balances.first_receipt_at, kept through
   * moves: the snapshot's oldestReceiptAt is its minimum over the bin), ISO time. */
  receivedAt: string | null;
}

export interface BinTask {
  id: number; type: string; status: string; priority: number; sku: string | null; qty: number | null;
  sourceBin: string | null; targetBin: string | null;
  /** Username, or the AGV id. */
  assignee: string | null;
  createdAt: string;
}

export interface BinMovement {
  /** Ledger entry id. */
  id: number; type: string; at: string; sku: string; lot: string | null;
  /** Signed change of this bin's stock. */
  qty: number;
  /** Stock status of the leg. */
  status: string;
  /** The bin at the other end of a move, if any. */
  otherBin: string | null;
  /** Username, else the device (AGV id, scanner) that posted it. */
  user: string | null;
  document: string | null; reason: string | null;
}

const OPEN_TASKS = ['open', 'assigned', 'in_progress'] as const;
export const INSPECTOR_TASKS = 50;
export const INSPECTOR_MOVEMENTS = 20;

const nullableNumber = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));
const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

/**
 * A bin with its stock, the open tasks that touch it and its last ledger entries: four queries (the bin, then
 * the other three at once). An unknown bin is 404; a bin outside a zone-scoped actor's zones is 403.
 */
export async function inspectBin(db: Kysely<DB>, actor: Actor, binId: number): Promise<BinInspection> {
  const bin = await db.selectFrom('bins as b').innerJoin('zones as z', 'z.id', 'b.zone_id')
    .select(['b.id', 'b.code', 'b.warehouse_id', 'b.zone_id', 'z.code as zone', 'z.kind as zoneKind', 'b.aisle',
      'b.level', 'b.blocked', 'b.frozen', 'b.max_units', 'b.max_pallets', 'b.max_volume_m3', 'b.max_weight_kg', 'b.width', 'b.depth',
      'b.height'])
    .where('b.id', '=', binId).executeTakeFirst();
  if (!bin) throw notFound('id', `no bin with id ${binId}`);
  if (!mayActIn(actor, { warehouse_id: Number(bin.warehouse_id), zone_id: Number(bin.zone_id) })) {
    throw forbidden(`id: bin ${bin.code} is outside your warehouses and zones`, 'id');
  }

  const [contents, tasks, movements] = await Promise.all([
    db.selectFrom('stock_balances as sb')
      .innerJoin('skus as s', 's.id', 'sb.sku_id')
      .innerJoin('owners as o', 'o.id', 'sb.owner_id')
      .leftJoin('lots as l', 'l.id', 'sb.lot_id')
      .select(['s.id as skuId', 's.code as sku', 's.name as skuName', 'l.lot_no as lot', 'sb.lot_id as lotId',
        'l.expiry_date as expiry', 'o.code as owner', 'sb.owner_id as ownerId', 'sb.status', 'sb.qty', 'sb.reserved',
        'sb.first_receipt_at as receivedAt', 's.units_per_pallet as unitsPerPallet',
        sql<number>`(sb.qty * s.length_m * s.width_m * s.height_m)::float8`.as('volume'),
        sql<number>`(sb.qty * s.weight_kg)::float8`.as('weight')])
      .where('sb.bin_id', '=', binId).where('sb.qty', '>', 0)
      .orderBy('s.code').orderBy(sql`l.expiry_date asc nulls last`).orderBy(sql`l.lot_no asc nulls first`)
      .orderBy('o.code').orderBy('sb.status')
      .execute(),
    db.selectFrom('tasks as t')
      .leftJoin('skus as s', 's.id', 't.sku_id')
      .leftJoin('bins as src', 'src.id', 't.source_bin_id')
      .leftJoin('bins as dst', 'dst.id', 't.target_bin_id')
      .leftJoin('users as u', 'u.id', 't.assignee_user_id')
      .select(['t.id', 't.type', 't.status', 't.priority', 's.code as sku', 't.qty', 'src.code as sourceBin',
        'dst.code as targetBin', sql<string | null>`coalesce(u.username, t.assignee_agv)`.as('assignee'),
        't.created_at as createdAt'])
      .where('t.status', 'in', OPEN_TASKS)
      .where((eb) => eb.or([eb('t.source_bin_id', '=', binId), eb('t.target_bin_id', '=', binId)]))
      .orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').limit(INSPECTOR_TASKS)
      .execute(),
    db.selectFrom('ledger_entries as e')
      .innerJoin('movements as m', 'm.id', 'e.movement_id')
      .innerJoin('skus as s', 's.id', 'e.sku_id')
      .leftJoin('lots as l', 'l.id', 'e.lot_id')
      .leftJoin('bins as cb', 'cb.id', 'e.counter_bin_id')
      .leftJoin('users as u', 'u.id', 'm.user_id')
      .select(['e.id', 'e.type', 'e.at', 's.code as sku', 'l.lot_no as lot', 'e.qty_delta as qty', 'e.status',
        'cb.code as otherBin', sql<string | null>`coalesce(u.username, m.device)`.as('user'),
        'm.doc_ref as document', 'm.reason'])
      .where('e.bin_id', '=', binId)
      .orderBy('e.at', 'desc').orderBy('e.id', 'desc').limit(INSPECTOR_MOVEMENTS)
      .execute(),
  ]);

  let units = 0, reserved = 0, volume = 0, weight = 0;
  // Pallets per SKU, lot and owner (statuses share a pallet).
  const groups = new Map<string, { qty: number; unitsPerPallet: number | null }>();
  for (const c of contents) {
    units += Number(c.qty);
    reserved += Number(c.reserved);
    volume += Number(c.volume);
    weight += Number(c.weight);
    const key = `${c.skuId}|${c.lotId ?? ''}|${c.ownerId}`;
    const group = groups.get(key);
    if (group) group.qty += Number(c.qty);
    else groups.set(key, { qty: Number(c.qty), unitsPerPallet: c.unitsPerPallet ?? null });
  }
  let pallets = 0;
  for (const g of groups.values()) pallets += palletsFor(g.qty, g.unitsPerPallet);
  const capacity = { units: nullableNumber(bin.max_units), pallets: nullableNumber(bin.max_pallets),
    volume: nullableNumber(bin.max_volume_m3), weight: nullableNumber(bin.max_weight_kg) };
  // Volume against the limit, else the bin's box (as the snapshot).
  const ratio = fillRatio({ units, pallets, volume, weight }, { ...capacity,
    volume: capacity.volume ?? Number(bin.width) * Number(bin.depth) * Number(bin.height) });

  return {
    bin: {
      id: Number(bin.id), code: bin.code, warehouseId: Number(bin.warehouse_id), zone: bin.zone, zoneKind: bin.zoneKind,
      aisle: bin.aisle ?? null, level: bin.level ?? null, blocked: bin.blocked, frozen: bin.frozen,
      capacity,
      fill: { units, pallets, reserved, volume, weight, ratio },
    },
    contents: contents.map((c) => ({
      skuId: Number(c.skuId), sku: c.sku, skuName: c.skuName, lot: c.lot ?? null,
      lotId: c.lotId === null ? null : Number(c.lotId), expiry: c.expiry ?? null, owner: c.owner,
      ownerId: Number(c.ownerId), status: c.status, qty: Number(c.qty), reserved: Number(c.reserved),
      receivedAt: c.receivedAt ? iso(c.receivedAt) : null,
    })),
    tasks: tasks.map((t) => ({
      id: Number(t.id), type: t.type, status: t.status, priority: t.priority, sku: t.sku ?? null,
      qty: t.qty === null ? null : Number(t.qty), sourceBin: t.sourceBin ?? null, targetBin: t.targetBin ?? null,
      assignee: t.assignee ?? null, createdAt: iso(t.createdAt),
    })),
    movements: movements.map((m) => ({
      id: Number(m.id), type: m.type, at: iso(m.at), sku: m.sku, lot: m.lot ?? null, qty: Number(m.qty),
      status: m.status, otherBin: m.otherBin ?? null, user: m.user ?? null, document: m.document ?? null,
      reason: m.reason ?? null,
    })),
  };
}
