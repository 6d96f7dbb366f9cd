/**
 * The demo seed: on a database without warehouses, create two warehouses from the demo layouts,
 * master data, ~180 days of simulated history and demo users, so that stock views, analytics and
 * forecasting have something to show. Everything happens in ONE transaction: a crash leaves the
 * database as it was (no warehouse), and the next start seeds again.
 *
 * The history is simulated in memory (./history.ts) and bulk-loaded (./bulk-insert.ts) into
 * movements, ledger_entries and stock_balances with the exact qty_before/qty_after chain per key
 * that wms_post_movement would have written, so checkLedger holds. The outbox is NOT filled for
 * this history: the analytics ingester backfills from the ledger instead.
 */
import cliProgress from 'cli-progress';
import { sql, type Kysely, type Transaction } from 'kysely';
import { ambientDemoLayout, coldDemoLayout } from '../../model/demo-layouts.ts';
import { generateLayout } from '../../model/layout.ts';
import type { DB, Role } from '../db/schema.ts';
import { createUser, type ScopeInput } from '../domain/auth/users.ts';
import { createWarehouseFromLayout } from '../domain/masterdata/warehouses.ts';
import { bulkInsert, msTimestamp } from './bulk-insert.ts';
import { buildCatalog, type DemoWarehouse } from './catalog.ts';
import { isoDate, simulateHistory, type SimBin, type SimResult, type SimSku } from './history.ts';
import { seedOpenWork, type OpenWorkSummary } from './open-work.ts';
import { Random } from '../../model/random.ts';

export interface SeedOptions {
  /** Show a progress bar and a one-line summary on the terminal. */
  progress?: boolean;
  /** Shrinks SKUs and order volume (default 1); bins are fixed by the layouts, the span stays 180 days. */
  scale?: number;
  /** PRNG seed (default 20260601): same seed and day, same demo. */
  seed?: number;
  /**
   * When the history ends (ms since the epoch; default: now). Tests whose bounds depend on the demo's exact state
   * pin it, so the demo is the same whatever the hour they run.
   */
  now?: number;
}

export interface DemoUser { username: string; role: Role; password: string; scopes: string[] }

export interface SeedSummary {
  warehouses: { id: number; code: string; name: string; bins: number; occupiedBins: number }[];
  owners: number;
  suppliers: number;
  customers: number;
  skus: number;
  lots: number;
  movements: number;
  ledgerEntries: number;
  stockBalances: number;
  movementsByType: Record<string, number>;
  /** First and last day of the history (UTC dates). */
  from: string;
  to: string;
  seconds: number;
  /** Demo users created now (existing usernames are left alone). */
  users: DemoUser[];
  /** Open work created after the history through the workflow services (counts above are the history's). */
  work: OpenWorkSummary;
}

export const DEMO_DAYS = 180;
const DEFAULT_SEED = 20260601;
const DEFAULT_PASSWORD = 'demo1234';
/** Serialises concurrent first starts against one PostgreSQL server. */
const SEED_LOCK = 7_466_011;
const CHUNK = 5000;

export async function seedDemoIfEmpty(db: Kysely<DB>, options: SeedOptions = {}): Promise<SeedSummary | null> {
  if (await hasWarehouse(db)) return null;
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 4)) throw new Error(`demo seed: scale must be in (0, 4], got ${scale}`);
  const password = process.env.WETMS_DEMO_PASSWORD || DEFAULT_PASSWORD;
  if (password.length < 8) throw new Error('WETMS_DEMO_PASSWORD must be at least 8 characters');
  const started = performance.now();
  const progress = options.progress ? new PhaseProgress() : null;
  let summary: SeedSummary | null;
  try {
    summary = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${SEED_LOCK})`.execute(trx);
      if (await hasWarehouse(trx)) return null;
      return seed(trx, { scale, seed: options.seed ?? DEFAULT_SEED, password, progress, now: options.now ?? Date.now() });
    });
  } catch (error) {
    progress?.stop();
    // Not `cause`: a failed bulk statement carries its parameters, thousands of values per column.
    const failure = new Error(`demo seed failed and was rolled back: ${(error as Error).message}`);
    failure.stack = `${failure.stack}\nCaused by: ${(error as Error).stack}`;
    throw failure;
  }
  progress?.stop();
  if (!summary) return null;
  // PGlite has no autovacuum: give the planner statistics for the freshly loaded tables.
  await sql`analyze bins, skus, lots, stock_balances, movements, ledger_entries, pick_faces`.execute(db).catch(() => {});
  summary.seconds = Math.round((performance.now() - started) / 100) / 10;
  if (options.progress) {
    const n = (x: number) => x.toLocaleString('en-US');
    console.log(`demo data: ${summary.warehouses.length} warehouses, ${n(summary.skus)} SKUs, ${n(summary.lots)} lots, `
      + `${n(summary.movements)} movements, ${n(summary.ledgerEntries)} ledger rows, ${n(summary.stockBalances)} `
      + `stock lines (${summary.from} .. ${summary.to}); open work: ${summary.work.inboundOrders} inbound and `
      + `${summary.work.outboundOrders} outbound orders, ${summary.work.waves} waves, ${summary.work.openTasks} open tasks; `
      + `in ${summary.seconds} s`);
  }
  return summary;
}

async function hasWarehouse(db: Kysely<DB>): Promise<boolean> {
  return (await db.selectFrom('warehouses').select('id').limit(1).executeTakeFirst()) !== undefined;
}

interface SeedContext { scale: number; seed: number; password: string; progress: PhaseProgress | null; now: number }

async function seed(trx: Transaction<DB>, ctx: SeedContext): Promise<SeedSummary> {
  const { progress } = ctx;
  const { now } = ctx;
  const rng = new Random(ctx.seed);
  const historyStart = now - (DEMO_DAYS + 1) * 86_400_000;

  // ------------------------------------------------------------------ layouts
  const specs = [ambientDemoLayout, coldDemoLayout];
  const binTotals = specs.map((s) => generateLayout(s).bins.length);
  progress?.phase('layouts', binTotals[0]! + binTotals[1]!);
  const created = [];
  for (const [i, spec] of specs.entries()) {
    const offset = binTotals.slice(0, i).reduce((a, b) => a + b, 0);
    created.push(await createWarehouseFromLayout(trx, spec, (done) => progress?.update(offset + done)));
  }
  await trx.updateTable('warehouses').set({ created_at: new Date(historyStart - 30 * 86_400_000) })
    .where('id', 'in', created.map((w) => w.id)).execute();
  const whIds = { WH1: created[0]!.id, WH2: created[1]!.id } as Record<DemoWarehouse, number>;

  // ------------------------------------------------------------------ users
  const users = await createDemoUsers(trx, ctx.password);
  const userIds = await trx.selectFrom('users').select(['id', 'username'])
    .where('username', 'in', ['manager', 'operator1', 'operator2']).execute();
  const userId = (name: string) => userIds.find((u) => u.username === name)?.id ?? null;

  // ------------------------------------------------------------------ catalog
  const catalog = buildCatalog(rng.fork(1), ctx.scale);
  const { owners, suppliers, customers, skus } = catalog;
  progress?.phase('catalog', owners.length + suppliers.length + customers.length + skus.length * 3);
  const masterAt = new Date(historyStart - 20 * 86_400_000);
  const ownerRows = await trx.insertInto('owners')
    .values(owners.map((o) => ({ code: o.code, name: o.name, created_at: masterAt })))
    .returning(['id', 'code']).execute();
  const supplierRows = await trx.insertInto('suppliers')
    .values(suppliers.map((s) => ({ code: s.code, name: s.name, requires_qc: s.requiresQc, created_at: masterAt })))
    .returning(['id', 'code']).execute();
  const customerRows = await trx.insertInto('customers')
    .values(customers.map((c) => ({ code: c.code, name: c.name,
      min_remaining_shelf_life_days: c.minRemainingShelfLifeDays, created_at: masterAt })))
    .returning(['id', 'code']).execute();
  progress?.update(owners.length + suppliers.length + customers.length);
  const idOf = (rows: { id: number; code: string }[], code: string) => rows.find((r) => r.code === code)!.id;
  const skuBase = await nextId(trx, 'skus');
  const simSkus: SimSku[] = skus.map((s, i) => ({ ...s, id: skuBase + i, ownerId: idOf(ownerRows, owners[s.owner]!.code),
    supplierId: idOf(supplierRows, suppliers[s.supplier]!.code) }));
  let catalogDone = owners.length + suppliers.length + customers.length;
  const onCatalogRows = (n: number) => progress?.update((catalogDone += n));
  await bulkInsert(trx, 'skus', [
    { name: 'id', type: 'int8', values: simSkus.map((s) => s.id) },
    { name: 'code', type: 'text', values: simSkus.map((s) => s.code) },
    { name: 'name', type: 'text', values: simSkus.map((s) => s.name) },
    { name: 'spec', type: 'text', values: simSkus.map((s) => s.spec) },
    { name: 'length_m', type: 'float8', values: simSkus.map((s) => s.lengthM) },
    { name: 'width_m', type: 'float8', values: simSkus.map((s) => s.widthM) },
    { name: 'height_m', type: 'float8', values: simSkus.map((s) => s.heightM) },
    { name: 'weight_kg', type: 'float8', values: simSkus.map((s) => s.weightKg) },
    { name: 'units_per_pallet', type: 'int4', values: simSkus.map((s) => s.palletQty) },
    { name: 'shelf_life_days', type: 'int4', values: simSkus.map((s) => s.shelfLifeDays) },
    { name: 'min_remaining_shelf_life_days', type: 'int4', values: simSkus.map((s) => s.minRemainingShelfLifeDays) },
    { name: 'lot_tracked', type: 'bool', values: simSkus.map((s) => s.lotTracked) },
    { name: 'expiry_tracked', type: 'bool', values: simSkus.map((s) => s.expiryTracked) },
    { name: 'abc_class', type: 'text', values: simSkus.map((s) => s.abcClass) },
    { name: 'temperature', type: 'text', values: simSkus.map((s) => s.temperature) },
    { name: 'requires_qc', type: 'bool', values: simSkus.map((s) => s.requiresQc) },
    msTimestamp('created_at', simSkus.map(() => masterAt.getTime())),
  ], { overridingSystemValue: true, chunk: CHUNK, onRows: onCatalogRows });
  const units = simSkus.flatMap((s) => [{ sku: s.id, unit: 'CASE', factor: s.caseFactor },
    ...(s.hasPalletUnit ? [{ sku: s.id, unit: 'PAL', factor: s.palletQty }] : [])]);
  await bulkInsert(trx, 'sku_units', [
    { name: 'sku_id', type: 'int8', values: units.map((u) => u.sku) },
    { name: 'unit', type: 'text', values: units.map((u) => u.unit) },
    { name: 'factor', type: 'int4', values: units.map((u) => u.factor) },
  ], { chunk: CHUNK, onRows: () => onCatalogRows(simSkus.length) });
  const barcodes = simSkus.flatMap((s) => [{ code: s.eaBarcode, sku: s.id, unit: 'EA' },
    { code: s.caseBarcode, sku: s.id, unit: 'CASE' }]);
  await bulkInsert(trx, 'sku_barcodes', [
    { name: 'barcode', type: 'text', values: barcodes.map((b) => b.code) },
    { name: 'sku_id', type: 'int8', values: barcodes.map((b) => b.sku) },
    { name: 'kind', type: 'text', values: barcodes.map(() => 'gtin') },
    { name: 'unit', type: 'text', values: barcodes.map((b) => b.unit) },
  ], { chunk: CHUNK, onRows: (n) => onCatalogRows(n / 2) });

  // ------------------------------------------------------------------ simulation
  progress?.phase('history', DEMO_DAYS);
  const binRows = await trx.selectFrom('bins as b').innerJoin('zones as z', 'z.id', 'b.zone_id')
    .innerJoin('warehouses as w', 'w.id', 'b.warehouse_id')
    .select(['b.id', 'b.code', 'w.code as warehouse', 'z.code as zoneCode', 'z.kind as zoneKind', 'z.temperature',
      'b.level', 'b.pick_seq as pickSeq', 'b.max_volume_m3 as maxVolumeM3', 'b.max_weight_kg as maxWeightKg',
      'b.max_units as maxUnits', 'b.max_pallets as maxPallets'])
    .where('b.warehouse_id', 'in', created.map((w) => w.id)).execute();
  const sim = simulateHistory({
    rng: rng.fork(2), scale: ctx.scale, now, days: DEMO_DAYS, warehouses: whIds,
    bins: binRows as SimBin[], skus: simSkus,
    suppliers: suppliers.map((s) => ({ ...s, id: idOf(supplierRows, s.code) })),
    customers: customers.map((c) => ({ ...c, id: idOf(customerRows, c.code) })),
    users: { manager: userId('manager'), operator1: userId('operator1'), operator2: userId('operator2') },
    ids: { lot: await nextId(trx, 'lots'), movement: await nextId(trx, 'movements'),
      ledger: await nextId(trx, 'ledger_entries') },
    onDay: (done) => progress?.update(done),
  });

  // ------------------------------------------------------------------ load
  const counts = await withoutIntegrityChecks(trx, ['lots', 'movements', 'ledger_entries', 'stock_balances'],
    () => loadHistory(trx, sim, progress), progress);
  for (const table of ['skus', 'lots', 'movements', 'ledger_entries']) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), greatest((select max(id) from ${sql.table(table)}), 1))`
      .execute(trx);
  }

  // ------------------------------------------------------------------ pick-face min/max
  // The settings the history replenished by, so replenishment and the below-min alert carry on from them.
  const faces = sim.pickFaces;
  await bulkInsert(trx, 'pick_faces', [
    { name: 'bin_id', type: 'int8', values: faces.map((f) => f.binId) },
    { name: 'sku_id', type: 'int8', values: faces.map((f) => f.skuId) },
    { name: 'min_qty', type: 'int8', values: faces.map((f) => f.min) },
    { name: 'max_qty', type: 'int8', values: faces.map((f) => f.max) },
    msTimestamp('updated_at', faces.map(() => now)),
  ], { chunk: CHUNK });

  // ------------------------------------------------------------------ today's open work
  progress?.phase('open work', 1);
  await sql`analyze bins, skus, lots, stock_balances, pick_faces`.execute(trx);
  const work = await seedOpenWork(trx, rng.fork(3), ctx.scale);
  progress?.update(1);

  const occupied = sim.stats.occupancy;
  return {
    warehouses: created.map((w) => ({ id: w.id, code: w.code, name: w.name, bins: w.bins,
      occupiedBins: occupied[w.code as DemoWarehouse].occupied })),
    owners: owners.length, suppliers: suppliers.length, customers: customers.length, skus: skus.length,
    lots: counts.lots, movements: counts.movements, ledgerEntries: counts.ledger, stockBalances: counts.balances,
    movementsByType: Object.fromEntries([...sim.book.countByType].sort()),
    from: isoDate(sim.start), to: isoDate(now), seconds: 0, users, work,
  };
}

async function nextId(trx: Transaction<DB>, table: 'skus' | 'lots' | 'movements' | 'ledger_entries'): Promise<number> {
  const { rows } = await sql<{ n: number }>`select coalesce(max(id), 0)::int8 + 1 as n from ${sql.table(table)}`
    .execute(trx);
  return Number(rows[0]!.n);
}

/**
 * The usual bulk-load recipe: foreign keys and secondary indexes of the loaded tables are dropped
 * for the load and re-created after it, in the same transaction. Re-adding a foreign key checks
 * all rows with one join, much cheaper than a trigger per row; an index is built once, sorted.
 */
async function withoutIntegrityChecks<T>(trx: Transaction<DB>, tables: string[], load: () => Promise<T>,
  progress: PhaseProgress | null): Promise<T> {
  const { rows: fks } = await sql<{ drop: string; add: string }>`
    select format('alter table %s drop constraint %I', conrelid::regclass, conname) as drop,
           format('alter table %s add constraint %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) as add
      from pg_constraint where contype = 'f' and conrelid::regclass::text = any(${tables})`.execute(trx);
  const { rows: indexes } = await sql<{ drop: string; add: string }>`
    select format('drop index %s', i.indexrelid::regclass) as drop, pg_get_indexdef(i.indexrelid) as add
      from pg_index i
     where i.indrelid::regclass::text = any(${tables})
       and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`.execute(trx);
  for (const { drop } of [...fks, ...indexes]) await sql.raw(drop).execute(trx);
  const result = await load();
  progress?.phase('indexes', indexes.length + fks.length);
  for (const [i, { add }] of [...indexes, ...fks].entries()) {
    await sql.raw(add).execute(trx);
    progress?.update(i + 1);
  }
  return result;
}

async function loadHistory(trx: Transaction<DB>, sim: SimResult, progress: PhaseProgress | null) {
  const { book, lots } = sim;
  const balances = [...book.balances.values()];
  const total = lots.length + book.movements.id.length + book.ledger.id.length + balances.length;
  progress?.phase('loading', total);
  let done = 0;
  const onRows = (n: number) => progress?.update((done += n));
  await bulkInsert(trx, 'lots', [
    { name: 'id', type: 'int8', values: lots.map((l) => l.id) },
    { name: 'sku_id', type: 'int8', values: lots.map((l) => l.skuId) },
    { name: 'lot_no', type: 'text', values: lots.map((l) => l.lotNo) },
    { name: 'mfg_date', type: 'date', values: lots.map((l) => l.mfgDate) },
    { name: 'expiry_date', type: 'date', values: lots.map((l) => l.expiryDate) },
    msTimestamp('created_at', lots.map((l) => l.createdAt)),
  ], { overridingSystemValue: true, chunk: CHUNK, onRows });
  const m = book.movements;
  await bulkInsert(trx, 'movements', [
    { name: 'id', type: 'int8', values: m.id },
    { name: 'type', type: 'text', values: m.type },
    msTimestamp('at', m.at),
    { name: 'warehouse_id', type: 'int8', values: m.warehouseId },
    { name: 'user_id', type: 'int8', values: m.userId },
    { name: 'device', type: 'text', values: m.device },
    { name: 'doc_ref', type: 'text', values: m.docRef },
    { name: 'reason', type: 'text', values: m.reason },
  ], { overridingSystemValue: true, chunk: CHUNK, onRows });
  const l = book.ledger;
  await bulkInsert(trx, 'ledger_entries', [
    { name: 'id', type: 'int8', values: l.id },
    { name: 'movement_id', type: 'int8', values: l.movementId },
    msTimestamp('at', l.at),
    { name: 'type', type: 'text', values: l.type },
    { name: 'bin_id', type: 'int8', values: l.binId },
    { name: 'sku_id', type: 'int8', values: l.skuId },
    { name: 'lot_id', type: 'int8', values: l.lotId },
    { name: 'owner_id', type: 'int8', values: l.ownerId },
    { name: 'status', type: 'text', values: l.status },
    { name: 'qty_delta', type: 'int8', values: l.delta },
    { name: 'qty_before', type: 'int8', values: l.before },
    { name: 'qty_after', type: 'int8', values: l.after },
    { name: 'counter_bin_id', type: 'int8', values: l.counterBinId },
  ], { overridingSystemValue: true, chunk: CHUNK, onRows });
  await bulkInsert(trx, 'stock_balances', [
    { name: 'bin_id', type: 'int8', values: balances.map((b) => b.binId) },
    { name: 'sku_id', type: 'int8', values: balances.map((b) => b.skuId) },
    { name: 'lot_id', type: 'int8', values: balances.map((b) => b.lotId) },
    { name: 'owner_id', type: 'int8', values: balances.map((b) => b.ownerId) },
    { name: 'status', type: 'text', values: balances.map((b) => b.status) },
    { name: 'qty', type: 'int8', values: balances.map((b) => b.qty) },
    msTimestamp('first_receipt_at', balances.map((b) => b.firstReceiptAt)),
    msTimestamp('updated_at', balances.map((b) => b.updatedAt)),
  ], { chunk: CHUNK, onRows });
  return { lots: lots.length, movements: m.id.length, ledger: l.id.length, balances: balances.length };
}

/** Demo users; operator1 works in WH1's storage and pick-face zones, operator2 in all of WH2. */
async function createDemoUsers(db: Kysely<DB>, password: string): Promise<DemoUser[]> {
  const wh1Zones = await db.selectFrom('zones as z').innerJoin('warehouses as w', 'w.id', 'z.warehouse_id')
    .select('z.code').where('w.code', '=', 'WH1').where('z.kind', 'in', ['storage', 'pick_face']).orderBy('z.code')
    .execute();
  const wanted: { username: string; displayName: string; role: Role; scopes: ScopeInput[] }[] = [
    { username: 'manager', displayName: 'Demo manager', role: 'manager', scopes: [] },
    { username: 'planner', displayName: 'Demo planner', role: 'planner', scopes: [] },
    { username: 'operator1', displayName: 'Demo operator (WH1 storage and pick face)', role: 'operator',
      scopes: wh1Zones.map((z) => ({ warehouse: 'WH1', zone: z.code })) },
    { username: 'operator2', displayName: 'Demo operator (WH2)', role: 'operator', scopes: [{ warehouse: 'WH2' }] },
    { username: 'viewer', displayName: 'Demo viewer', role: 'viewer', scopes: [] },
  ];
  const existing = new Set((await db.selectFrom('users').select('username')
    .where('username', 'in', wanted.map((u) => u.username)).execute()).map((u) => u.username));
  const out: DemoUser[] = [];
  for (const u of wanted) {
    if (existing.has(u.username)) continue;
    await createUser(db, { ...u, password });
    out.push({ username: u.username, role: u.role, password,
      scopes: u.scopes.map((s) => (s.zone ? `${s.warehouse}/${s.zone}` : s.warehouse)) });
  }
  return out;
}

/** One progress bar per phase on stderr; each finished phase stays as a line. */
class PhaseProgress {
  private bar: cliProgress.SingleBar | null = null;

  phase(name: string, total: number) {
    this.stop();
    this.bar = new cliProgress.SingleBar({
      format: `  {phase} [{bar}] {percentage}% | {value}/{total}`, hideCursor: true, clearOnComplete: false,
      barsize: 30,
    }, cliProgress.Presets.shades_classic);
    this.bar.start(Math.max(1, Math.round(total)), 0, { phase: name.padEnd(8) });
  }

  update(value: number) {
    this.bar?.update(Math.round(value));
  }

  stop() {
    this.bar?.stop();
    this.bar = null;
  }
}
