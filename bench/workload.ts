// The stock-move workload: a warehouse with stock, and workers that move it through the service layer.
import {
  PostgresQueryCompiler, sql, type CompiledQuery, type Kysely, type KyselyPlugin, type PluginTransformQueryArgs,
  type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow,
} from 'kysely';
import { ambientDemoLayout } from '../model/demo-layouts.ts';
import type { DB } from '../server/db/schema.ts';
import type { Actor } from '../server/domain/auth/actor.ts';
import { actorFor, createUser } from '../server/domain/auth/users.ts';
import { DomainError } from '../server/domain/errors.ts';
import { moveStock } from '../server/domain/inventory/operations.ts';
import { postMovement, type Leg } from '../server/domain/inventory/post-movement.ts';
import { createParty } from '../server/domain/masterdata/parties.ts';
import { createSku } from '../server/domain/masterdata/skus.ts';
import { createWarehouseFromLayout } from '../server/domain/masterdata/warehouses.ts';
import { bar, summarize, ticker } from './sys.ts';

export interface FixtureOptions {
  skus: number;
  stockedBins: number;
  qtyPerBin: number;
  random: () => number;
  log: (line: string) => void;
}

export interface Fixture {
  warehouseId: number;
  actor: Actor;
  binCodes: string[];
  binIds: { lo: number; hi: number };
  /** The stocked (bin, SKU) pairs; their balance ids form the range `stockIds` when contiguous. */
  stock: { bin: string; sku: string }[];
  stockIds: { lo: number; hi: number; contiguous: boolean };
  skus: number;
}

const RECEIPT_BATCH = 250;

/**
 * The ambient demo warehouse (~12,400 bins), `skus` plain SKUs, one owner, an operator scoped to the
 * warehouse (a real actor, checked on every move), and `qtyPerBin` units of one SKU in each of
 * `stockedBins` random bins, received through wms_post_movement so the ledger holds every unit.
 */
export async function setupFixture(db: Kysely<DB>, o: FixtureOptions): Promise<Fixture> {
  const t0 = performance.now();
  let lastBar = 0;
  const wh = await createWarehouseFromLayout(db, ambientDemoLayout, (done, total) => {
    if (done === total || performance.now() - lastBar > 2000) {
      lastBar = performance.now();
      o.log(`  bins ${bar(done, total)} ${done}/${total}`);
    }
  });
  await createParty(db, 'owners', { code: 'BENCH', name: 'Benchmark owner' });
  const owner = await db.selectFrom('owners').select('id').where('code', '=', 'BENCH').executeTakeFirstOrThrow();
  const skuRows: { id: number; code: string }[] = [];
  for (let i = 1; i <= o.skus; i++) {
    const code = `BENCH-${String(i).padStart(4, '0')}`;
    const sku = await createSku(db, { code, name: `Benchmark item ${i}`, lengthM: 0.3, widthM: 0.2, heightM: 0.15,
      weightKg: 1.2 });
    skuRows.push({ id: sku.id, code });
  }
  o.log(`  ${o.skus} SKUs, owner BENCH`);
  const user = await createUser(db, { username: 'bench-operator', password: 'bench-operator-pw', role: 'operator',
    scopes: [{ warehouse: wh.code }] });
  const actor: Actor = { ...await actorFor(db, { id: user.id, username: user.username, role: user.role }),
    device: 'bench' };

  const bins = await db.selectFrom('bins').select(['id', 'code']).where('warehouse_id', '=', wh.id).orderBy('id')
    .execute();
  const shuffled = [...bins];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(o.random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const stocked = shuffled.slice(0, Math.min(o.stockedBins, bins.length))
    .map((b) => ({ bin: b, sku: skuRows[Math.floor(o.random() * skuRows.length)]! }));
  for (let i = 0; i < stocked.length; i += RECEIPT_BATCH) {
    const legs: Leg[] = stocked.slice(i, i + RECEIPT_BATCH).map((s) => ({
      binId: s.bin.id, skuId: s.sku.id, lotId: null, ownerId: owner.id, status: 'available', delta: o.qtyPerBin,
    }));
    await postMovement(db, actor, { type: 'receipt', warehouseId: wh.id, docRef: `BENCH-RCPT-${i / RECEIPT_BATCH + 1}`,
      reason: 'benchmark stock', legs });
  }
  const ids = (await sql<{ lo: number; hi: number; n: number }>`
    select min(id)::int8 as lo, max(id)::int8 as hi, count(*)::int8 as n from stock_balances`.execute(db)).rows[0]!;
  o.log(`  ${stocked.length} bins stocked with ${o.qtyPerBin} units each ` +
    `(setup ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return {
    warehouseId: wh.id,
    actor,
    binCodes: bins.map((b) => b.code),
    binIds: { lo: bins[0]!.id, hi: bins[bins.length - 1]!.id },
    stock: stocked.map((s) => ({ bin: s.bin.code, sku: s.sku.code })),
    stockIds: { lo: ids.lo, hi: ids.hi, contiguous: ids.hi - ids.lo + 1 === ids.n },
    skus: skuRows.length,
  };
}

// ------------------------------------------------------------------ the move loop

export interface MoveRunOptions {
  workers: number;
  warmupMs: number;
  measureMs: number;
  random: () => number;
  label: string;
  log: (line: string) => void;
  /** Stop early (Ctrl-C). */
  aborted: () => boolean;
  /** Called when the measured window opens. */
  onMeasureStart?: () => void;
}

export interface MoveRunResult {
  seconds: number;
  moves: number;
  movesPerSec: number;
  /** 409: not enough stock (seen in the context read, or raced away before the SQL function ran). */
  conflicts: number;
  conflictsPerSec: number;
  errors: number;
  firstErrors: string[];
  latency: ReturnType<typeof summarize>;
  conflictLatency: ReturnType<typeof summarize>;
  /** Successful moves finished in each second of the window. */
  timeline: number[];
}

/**
 * `workers` concurrent loops, each: pick a random (bin, SKU) that has stock, a random other bin, 1..5
 * units, and call moveStock with the operator. Sources are 90 % the stocked bins, 10 % bins that
 * recently received stock (they hold little, so some of those moves end in a 409, as in real life).
 * Only moves that start and finish inside the measured window count.
 */
export async function runMoves(db: Kysely<DB>, fx: Fixture, o: MoveRunOptions): Promise<MoveRunResult> {
  const recent: { bin: string; sku: string }[] = [];
  const RECENT_MAX = 5000;
  let recentNext = 0;
  const pick = <T>(list: T[]) => list[Math.floor(o.random() * list.length)]!;

  const start = performance.now();
  const measureFrom = start + o.warmupMs;
  const measureTo = measureFrom + o.measureMs;
  let inWindow = false;
  const latencies: number[] = [];
  const conflictLatencies: number[] = [];
  let errors = 0;
  const firstErrors: string[] = [];
  let warmMoves = 0;
  const timeline = new Array<number>(Math.ceil(o.measureMs / 1000)).fill(0);

  const stopTicker = ticker(() => {
    const now = performance.now();
    if (now < measureFrom) return `${o.label}: warm-up ${Math.ceil((measureFrom - now) / 1000)} s, ${warmMoves} moves`;
    const elapsed = Math.min(now, measureTo) - measureFrom;
    return `${o.label}: ${bar(elapsed, o.measureMs)} ${Math.max(0, Math.ceil((measureTo - now) / 1000))} s left, ` +
      `${latencies.length} moves (${Math.round(latencies.length / Math.max(0.001, elapsed / 1000))}/s), ` +
      `${conflictLatencies.length} conflicts`;
  });

  const worker = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= measureTo || o.aborted()) return;
      if (!inWindow && t0 >= measureFrom) {
        inWindow = true;
        o.onMeasureStart?.();
      }
      const source = recent.length > 0 && o.random() < 0.1 ? pick(recent) : pick(fx.stock);
      let target = pick(fx.binCodes);
      while (target === source.bin) target = pick(fx.binCodes);
      const qty = 1 + Math.floor(o.random() * 5);
      let outcome: 'ok' | 'conflict' | 'error' = 'ok';
      try {
        await moveStock(db, fx.actor, { fromBin: source.bin, toBin: target, sku: source.sku, qty,
          reason: 'bench move' });
        if (recent.length < RECENT_MAX) recent.push({ bin: target, sku: source.sku });
        else recent[recentNext++ % RECENT_MAX] = { bin: target, sku: source.sku };
      } catch (error) {
        if (error instanceof DomainError && error.status === 409) {
          outcome = 'conflict';
        } else {
          outcome = 'error';
          errors++;
          if (firstErrors.length < 3) firstErrors.push(String((error as Error).message ?? error));
        }
      }
      const t1 = performance.now();
      if (t0 >= measureFrom && t1 <= measureTo) {
        if (outcome === 'ok') {
          latencies.push(t1 - t0);
          timeline[Math.min(timeline.length - 1, Math.floor((t1 - measureFrom) / 1000))]!++;
        }
        else if (outcome === 'conflict') conflictLatencies.push(t1 - t0);
      } else if (t0 < measureFrom) {
        warmMoves++;
      }
    }
  };

  if (o.warmupMs > 0) o.log(`${o.label}: warm-up ${(o.warmupMs / 1000).toFixed(0)} s, ${o.workers} workers`);
  const warmNotice = setTimeout(() => o.log(`${o.label}: measuring ${(o.measureMs / 1000).toFixed(0)} s`),
    o.warmupMs);
  try {
    await Promise.all(Array.from({ length: o.workers }, worker));
  } finally {
    clearTimeout(warmNotice);
    stopTicker();
  }
  const seconds = o.measureMs / 1000;
  return {
    seconds,
    moves: latencies.length,
    movesPerSec: Math.round((latencies.length / seconds) * 10) / 10,
    conflicts: conflictLatencies.length,
    conflictsPerSec: Math.round((conflictLatencies.length / seconds) * 10) / 10,
    errors,
    firstErrors,
    latency: summarize(latencies),
    conflictLatency: summarize(conflictLatencies),
    timeline,
  };
}

/** `workers` loops of one trivial query each, through the same Kysely/pg stack: the client's round-trip floor. */
export async function runSelectOne(db: Kysely<DB>, workers: number, ms: number) {
  const end = performance.now() + ms;
  let n = 0;
  const latencies: number[] = [];
  await Promise.all(Array.from({ length: workers }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await sql`select 1`.execute(db);
      latencies.push(performance.now() - t0);
      n++;
    }
  }));
  return { queriesPerSec: Math.round(n / (ms / 1000)), latency: summarize(latencies) };
}

// ------------------------------------------------------------------ per-query timing (diagnostics only)

type QueryKind = 'context' | 'function' | 'other';

/**
 * A Kysely plugin that times every query from compilation to result (so it includes waiting for a pool
 * connection), by kind: the stock context read or the wms_post_movement call. It also keeps one
 * compiled context query, to EXPLAIN it afterwards. Production code is untouched: the benchmark
 * passes `db.withPlugin(timer)` to moveStock.
 */
export class QueryTimer implements KyselyPlugin {
  private readonly started = new Map<unknown, { t: number; kind: QueryKind }>();
  readonly times: Record<QueryKind, number[]> = { context: [], function: [], other: [] };
  sample?: CompiledQuery;
  private readonly compiler = new PostgresQueryCompiler();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    // The stock functions are named in a raw fragment or in a sql.raw parameter: look at the compiled text.
    const text = args.node.kind === 'RawNode' ? this.compiler.compileQuery(args.node, args.queryId).sql : '';
    const kind: QueryKind = /wms_(post_movement|move|move_batch)\(/.test(text) ? 'function'
      : text.includes('wms_stock_context(') ? 'context' : 'other';
    if (kind === 'context' && !this.sample) this.sample = this.compiler.compileQuery(args.node, args.queryId);
    if (this.started.size > 10_000) this.started.clear(); // entries of failed queries
    this.started.set(args.queryId, { t: performance.now(), kind });
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const s = this.started.get(args.queryId);
    if (s) {
      this.started.delete(args.queryId);
      this.times[s.kind].push(performance.now() - s.t);
    }
    return args.result;
  }

  reset() {
    for (const list of Object.values(this.times)) list.length = 0;
  }

  summary() {
    return { context: summarize(this.times.context), function: summarize(this.times.function) };
  }
}
