import { sql, type Kysely } from 'kysely';
import type { DB, StockStatus } from '../../db/schema.ts';
import type { Actor } from '../auth/actor.ts';
import { notFound } from '../errors.ts';
import { inTransit } from '../transfers/transfers.ts';
import { whereMayActIn } from '../auth/scope.ts';
import { pageRows } from '../paging.ts';

export interface StockFilter {
  sku?: string; bin?: string; lot?: string; owner?: string; zone?: string; warehouse?: string;
  status?: StockStatus; limit: number; offset: number;
}

/** Restrict any query over bins (alias b) to what the actor may see. */
const scoped = <QB extends { where: (...args: any[]) => QB }>(q: QB, actor: Actor): QB =>
  whereMayActIn(q, actor, 'b.warehouse_id', 'b.zone_id');

function stockBase(db: Kysely<DB>) {
  return db.selectFrom('stock_balances as sb')
    .innerJoin('bins as b', 'b.id', 'sb.bin_id')
    .innerJoin('zones as z', 'z.id', 'b.zone_id')
    .innerJoin('warehouses as w', 'w.id', 'b.warehouse_id')
    .innerJoin('skus as s', 's.id', 'sb.sku_id')
    .innerJoin('owners as o', 'o.id', 'sb.owner_id')
    .leftJoin('lots as l', 'l.id', 'sb.lot_id')
    .where('sb.qty', '>', 0);
}

/** Stock lines by any mix of SKU / bin / lot / owner / zone / warehouse / status, with what can be promised. */
export async function queryStock(db: Kysely<DB>, actor: Actor, f: StockFilter) {
  let q = stockBase(db).select([
    'w.code as warehouse', 'z.code as zone', 'b.code as bin', 's.code as sku', 's.name as skuName',
    'l.lot_no as lot', 'l.expiry_date as expiry', 'o.code as owner', 'sb.status', 'sb.qty', 'sb.reserved',
    sql<number>`case when sb.status = 'available' then sb.qty - sb.reserved else 0 end`.as('atp'),
    'sb.first_receipt_at as firstReceiptAt',
  ]);
  if (f.sku) q = q.where('s.code', '=', f.sku);
  if (f.bin) q = q.where('b.code', '=', f.bin);
  if (f.lot) q = q.where('l.lot_no', '=', f.lot);
  if (f.owner) q = q.where('o.code', '=', f.owner);
  if (f.zone) q = q.where('z.code', '=', f.zone);
  if (f.warehouse) q = q.where('w.code', '=', f.warehouse);
  if (f.status) q = q.where('sb.status', '=', f.status);
  q = scoped(q, actor);
  return pageRows(db, q.orderBy('b.code').orderBy('s.code').orderBy('l.expiry_date').orderBy('sb.id'), f);
}

/** Totals per SKU (and owner, warehouse): on hand by status, reserved, available to promise. */
export async function availableToPromise(db: Kysely<DB>, actor: Actor, f: { sku: string; warehouse?: string;
  owner?: string }) {
  const sku = await db.selectFrom('skus').select(['id', 'code', 'name']).where('code', '=', f.sku)
    .executeTakeFirst();
  if (!sku) throw notFound('sku', `no SKU with code ${f.sku}`);
  let q = stockBase(db).where('sb.sku_id', '=', sku.id).select([
    'w.code as warehouse', 'o.code as owner',
    sql<number>`sum(sb.qty)::int8`.as('onHand'),
    sql<number>`sum(sb.qty) filter (where sb.status = 'available')::int8`.as('available'),
    sql<number>`sum(sb.qty) filter (where sb.status = 'qc')::int8`.as('qc'),
    sql<number>`sum(sb.qty) filter (where sb.status = 'hold')::int8`.as('hold'),
    sql<number>`sum(sb.qty) filter (where sb.status = 'damaged')::int8`.as('damaged'),
    sql<number>`sum(sb.reserved)::int8`.as('reserved'),
    sql<number>`sum(sb.qty - sb.reserved) filter (where sb.status = 'available')::int8`.as('atp'),
  ]).groupBy(['w.code', 'o.code']);
  if (f.warehouse) q = q.where('w.code', '=', f.warehouse);
  if (f.owner) q = q.where('o.code', '=', f.owner);
  q = scoped(q, actor);
  const rows = (await q.orderBy('w.code').orderBy('o.code').execute()).map((r) => ({
    ...r, available: r.available ?? 0, qc: r.qc ?? 0, hold: r.hold ?? 0, damaged: r.damaged ?? 0, atp: r.atp ?? 0,
  }));
  const total = rows.reduce((acc, r) => ({ onHand: acc.onHand + r.onHand, atp: acc.atp + r.atp }),
    { onHand: 0, atp: 0 });
  // Owned but not in any bin: on its way between warehouses (not available to promise until received).
  const transit = await inTransit(db, sku.id);
  return { sku: sku.code, name: sku.name, ...total, inTransit: transit.reduce((s, t) => s + t.qty, 0), lines: rows,
    transit };
}

function ledgerView(db: Kysely<DB>) {
  return db.selectFrom('ledger_entries as e')
    .innerJoin('movements as m', 'm.id', 'e.movement_id')
    .innerJoin('bins as b', 'b.id', 'e.bin_id')
    .innerJoin('skus as s', 's.id', 'e.sku_id')
    .innerJoin('owners as o', 'o.id', 'e.owner_id')
    .leftJoin('lots as l', 'l.id', 'e.lot_id')
    .leftJoin('bins as cb', 'cb.id', 'e.counter_bin_id')
    .leftJoin('users as u', 'u.id', 'm.user_id')
    .select(['e.id', 'e.movement_id as movementId', 'e.at', 'e.type', 'b.code as bin', 's.code as sku',
      'l.lot_no as lot', 'o.code as owner', 'e.status', 'e.qty_delta as delta', 'e.qty_before as before',
      'e.qty_after as after', 'cb.code as counterBin', 'm.reason', 'm.doc_ref as docRef', 'm.device',
      'u.username as user']);
}

/** Where did lot X go: every ledger leg of the lot, where it is now, and totals by movement type. */
export async function traceLot(db: Kysely<DB>, actor: Actor, skuCode: string, lotNo: string) {
  const lot = await db.selectFrom('lots as l').innerJoin('skus as s', 's.id', 'l.sku_id')
    .select(['l.id', 'l.lot_no', 'l.mfg_date', 'l.expiry_date', 's.code as sku', 's.name as skuName'])
    .where('s.code', '=', skuCode).where('l.lot_no', '=', lotNo).executeTakeFirst();
  if (!lot) throw notFound('lot', `SKU ${skuCode} has no lot ${lotNo}`);
  const movements = await scoped(ledgerView(db).where('e.lot_id', '=', lot.id), actor)
    .orderBy('e.id').limit(5000).execute();
  const { items: current } = await queryStock(db, actor, { sku: skuCode, lot: lotNo, limit: 1000, offset: 0 });
  const totals: Record<string, number> = {};
  for (const m of movements) totals[m.type] = (totals[m.type] ?? 0) + m.delta;
  return { lot: { sku: lot.sku, skuName: lot.skuName, lotNo: lot.lot_no, mfgDate: lot.mfg_date,
    expiryDate: lot.expiry_date }, onHand: current.reduce((a, r) => a + r.qty, 0), current, totals, movements };
}

/** What was in bin Y at time T, rebuilt from the ledger (not from balances), plus the movements up to T. */
export async function binContentsAt(db: Kysely<DB>, actor: Actor, binCode: string, at: Date) {
  const bin = await scoped(db.selectFrom('bins as b').select(['b.id', 'b.code', 'b.warehouse_id', 'b.zone_id'])
    .where('b.code', '=', binCode), actor).executeTakeFirst();
  if (!bin) throw notFound('bin', `no bin with code ${binCode} that you may see`);
  const contents = await db.selectFrom('ledger_entries as e')
    .innerJoin('skus as s', 's.id', 'e.sku_id')
    .innerJoin('owners as o', 'o.id', 'e.owner_id')
    .leftJoin('lots as l', 'l.id', 'e.lot_id')
    .select(['s.code as sku', 's.name as skuName', 'l.lot_no as lot', 'l.expiry_date as expiry', 'o.code as owner',
      'e.status', sql<number>`sum(e.qty_delta)::int8`.as('qty'), sql<Date>`min(e.at)`.as('firstAt')])
    .where('e.bin_id', '=', bin.id).where('e.at', '<=', at)
    .groupBy(['s.code', 's.name', 'l.lot_no', 'l.expiry_date', 'o.code', 'e.status'])
    .having(sql`sum(e.qty_delta)`, '<>', 0)
    .orderBy('s.code').execute();
  const history = await ledgerView(db).where('e.bin_id', '=', bin.id).where('e.at', '<=', at)
    .orderBy('e.id', 'desc').limit(50).execute();
  return { bin: bin.code, at: at.toISOString(), contents, lastMovements: history };
}

/** Filters of the general movement query; every one is optional. */
export interface MovementFilter {
  docRef?: string; sku?: string; bin?: string; lot?: string; owner?: string; warehouse?: string;
  type?: string; user?: string;
  /** at >= from, at < to */
  from?: string; to?: string;
  /** Cursor: movements with a larger id than this. */
  after?: number;
  limit: number;
}

/**
 * Movements matching the filters, oldest first by movement id (a stable order that new movements only extend),
 * each with its ledger legs: the legs you may see (zone scope), all of them, not only the ones that matched
 * (a move found by its target bin still shows where it came from). At most `limit` movements, and whether
 * more match after the last one.
 */
export async function queryMovements(db: Kysely<DB>, actor: Actor, f: MovementFilter) {
  let ids = scoped(db.selectFrom('ledger_entries as e')
    .innerJoin('movements as m', 'm.id', 'e.movement_id')
    .innerJoin('bins as b', 'b.id', 'e.bin_id'), actor)
    .select('e.movement_id as id').distinct();
  if (f.after !== undefined) ids = ids.where('e.movement_id', '>', f.after);
  if (f.docRef) ids = ids.where('m.doc_ref', '=', f.docRef);
  if (f.type) ids = ids.where('m.type', '=', f.type as never);
  if (f.from) ids = ids.where('m.at', '>=', new Date(f.from));
  if (f.to) ids = ids.where('m.at', '<', new Date(f.to));
  if (f.bin) ids = ids.where('b.code', '=', f.bin);
  if (f.warehouse) {
    ids = ids.where('b.warehouse_id', '=', (eb) => eb.selectFrom('warehouses').select('id').where('code', '=', f.warehouse!));
  }
  if (f.sku) ids = ids.where('e.sku_id', '=', (eb) => eb.selectFrom('skus').select('id').where('code', '=', f.sku!));
  if (f.owner) ids = ids.where('e.owner_id', '=', (eb) => eb.selectFrom('owners').select('id').where('code', '=', f.owner!));
  if (f.lot) ids = ids.where('e.lot_id', 'in', (eb) => eb.selectFrom('lots').select('id').where('lot_no', '=', f.lot!));
  if (f.user) ids = ids.where('m.user_id', '=', (eb) => eb.selectFrom('users').select('id').where('username', '=', f.user!));
  const page = await ids.orderBy('e.movement_id').limit(f.limit + 1).execute();
  const more = page.length > f.limit;
  const movementIds = page.slice(0, f.limit).map((r) => Number(r.id));
  if (!movementIds.length) return { movements: [], more: false };
  const legs = await scoped(ledgerView(db).where('e.movement_id', 'in', movementIds), actor).orderBy('e.id').execute();
  return { movements: groupByMovement(legs), more };
}

type Leg = Awaited<ReturnType<ReturnType<typeof ledgerView>['execute']>>[number];

/** Legs (in ledger order) grouped into their movements, with what the movement says once. */
function groupByMovement(legs: Leg[]) {
  const byMovement = new Map<number, { movementId: number; at: Date | string; type: string; user: string | null;
    reason: string | null; device: string | null; docRef: string | null; legs: Leg[] }>();
  for (const leg of legs) {
    let m = byMovement.get(leg.movementId);
    if (!m) {
      m = { movementId: leg.movementId, at: leg.at, type: leg.type, user: leg.user, reason: leg.reason,
        device: leg.device, docRef: leg.docRef, legs: [] };
      byMovement.set(leg.movementId, m);
    }
    m.legs.push(leg);
  }
  return [...byMovement.values()];
}

/** Audit trail of one document (an order, an adjustment sheet ...): every movement that names it. */
export async function documentTrail(db: Kysely<DB>, actor: Actor, docRef: string) {
  const legs = await scoped(ledgerView(db).where('m.doc_ref', '=', docRef), actor).orderBy('e.id').limit(5000)
    .execute();
  const byMovement = new Map<number, { movementId: number; at: Date | string; type: string; user: string | null;
    reason: string | null; device: string | null; legs: typeof legs }>();
  for (const leg of legs) {
    let m = byMovement.get(leg.movementId);
    if (!m) {
      m = { movementId: leg.movementId, at: leg.at, type: leg.type, user: leg.user, reason: leg.reason,
        device: leg.device, legs: [] };
      byMovement.set(leg.movementId, m);
    }
    m.legs.push(leg);
  }
  return { docRef, movements: [...byMovement.values()] };
}
