/**
 * npm run bench:flows [-- --seconds N] [--workers N] [--lists N] [--seed N] [--no-throughput] [--json]
 *
 * (a) Order lines per second through the whole outbound flow on PostgreSQL (DATABASE_URL, a throwaway
 *     database): each worker creates an order of 1-5 lines, allocates it, releases it in a wave of its
 *     own, confirms every pick by scan, packs it into one carton and ships it, all through the service
 *     layer a request would use. Reported: lines/s, orders/s, p50/p99 per order and per step.
 * (b) Route quality: a few hundred random pick lists on the demo layout, routed by the router the
 *     product uses, by S-shape and largest-gap, against the exact optimum computed in the same run
 *     (see bench/route-quality.ts). Targets: within 3 % of optimal on average, a 40-stop list in < 50 ms.
 * Progress goes to stderr; --json prints every figure as one JSON object on the last line of stdout.
 */
import { sql, type Kysely } from 'kysely';
import { ambientDemoLayout } from '../model/demo-layouts.ts';
import { openDatabase } from '../server/db/database.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import type { DB } from '../server/db/schema.ts';
import type { Actor } from '../server/domain/auth/actor.ts';
import { actorFor, createUser } from '../server/domain/auth/users.ts';
import { checkLedger } from '../server/domain/inventory/ledger-check.ts';
import { postMovement, type Leg } from '../server/domain/inventory/post-movement.ts';
import { createParty } from '../server/domain/masterdata/parties.ts';
import { createSku } from '../server/domain/masterdata/skus.ts';
import { createWarehouseFromLayout } from '../server/domain/masterdata/warehouses.ts';
import { allocateOrder } from '../server/domain/outbound/allocate.ts';
import { createOutboundOrder } from '../server/domain/outbound/orders.ts';
import { confirmPick } from '../server/domain/outbound/pick.ts';
import { packOrder, shipOrder } from '../server/domain/outbound/ship.ts';
import { releaseWave } from '../server/domain/outbound/waves.ts';
import { formatRouteQuality, runRouteQuality, type RouteQualityResult } from './route-quality.ts';
import { bar, createThrowaway, flagArg, machineInfo, numberArg, rng, round, say, summarize, ticker } from './sys.ts';

const argv = process.argv.slice(2);
const opt = {
  json: flagArg(argv, 'json'),
  seconds: numberArg(argv, 'seconds', 20),
  warmup: numberArg(argv, 'warmup', 3),
  workers: Math.round(numberArg(argv, 'workers', 4)),
  lists: Math.round(numberArg(argv, 'lists', 300)),
  seed: Math.round(numberArg(argv, 'seed', 7)),
  skus: Math.round(numberArg(argv, 'skus', 200)),
  throughput: !flagArg(argv, 'no-throughput'),
};
const baseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const STEPS = ['create', 'allocate', 'wave', 'pick', 'pack', 'ship'] as const;
type Step = typeof STEPS[number];

interface World { actor: Actor; skus: string[] }

/** WH1, an owner and customer, `skus` SKUs with 2,000 units each in two pick-face bins, and a manager. */
async function setup(db: Kysely<DB>, random: () => number): Promise<World> {
  const wh = await createWarehouseFromLayout(db, ambientDemoLayout);
  await createParty(db, 'owners', { code: 'BENCH', name: 'Benchmark owner' });
  await createParty(db, 'customers', { code: 'CUST', name: 'Benchmark customer' });
  const owner = await db.selectFrom('owners').select('id').where('code', '=', 'BENCH').executeTakeFirstOrThrow();
  const faces = await db.selectFrom('bins as b').innerJoin('zones as z', 'z.id', 'b.zone_id').select('b.id')
    .where('b.warehouse_id', '=', wh.id).where('z.kind', '=', 'pick_face').orderBy('b.pick_seq').execute();
  const user = await createUser(db, { username: 'bench-manager', password: 'bench-manager-pw', role: 'manager' });
  const actor = await actorFor(db, { id: user.id, username: user.username, role: user.role });
  const skus: string[] = [];
  const legs: Leg[] = [];
  for (let i = 1; i <= opt.skus; i++) {
    const code = `FLOW-${String(i).padStart(4, '0')}`;
    const sku = await createSku(db, { code, name: `Flow item ${i}`, lengthM: 0.1, widthM: 0.1, heightM: 0.1, weightKg: 0.3 });
    skus.push(code);
    for (let k = 0; k < 2; k++) {
      const bin = faces[Math.floor(random() * faces.length)]!;
      legs.push({ binId: bin.id, skuId: sku.id, lotId: null, ownerId: owner.id, status: 'available', delta: 1000 });
    }
  }
  // Two legs may hit the same balance; a movement takes each key once.
  const merged = new Map<string, Leg>();
  for (const l of legs) {
    const k = `${l.binId}/${l.skuId}`;
    const prev = merged.get(k);
    merged.set(k, prev ? { ...prev, delta: prev.delta + l.delta } : l);
  }
  const all = [...merged.values()];
  for (let i = 0; i < all.length; i += 200) {
    await postMovement(db, actor, { type: 'receipt', warehouseId: wh.id, docRef: `FLOW-RCPT-${i}`, legs: all.slice(i, i + 200) });
  }
  return { actor, skus };
}

/** One order through every step; returns its line count and the time of each step. */
async function oneOrder(db: Kysely<DB>, w: World, code: string, random: () => number) {
  const times = {} as Record<Step, number>;
  const step = async <T>(name: Step, fn: () => Promise<T>) => {
    const t0 = performance.now();
    const r = await fn();
    times[name] = performance.now() - t0;
    return r;
  };
  const lineCount = 1 + Math.floor(random() * 5);
  const chosen = new Set<string>();
  while (chosen.size < lineCount) chosen.add(w.skus[Math.floor(random() * w.skus.length)]!);
  const lines = [...chosen].map((sku) => ({ sku, qty: 1 + Math.floor(random() * 5) }));
  const order = await step('create', () => createOutboundOrder(db, w.actor, { warehouse: 'WH1', code, type: 'sales',
    owner: 'BENCH', customer: 'CUST', carrier: 'SF', lines }));
  await step('allocate', () => allocateOrder(db, w.actor, order.id));
  const wave = await step('wave', () => releaseWave(db, w.actor, { warehouse: 'WH1', mode: 'order', orders: [code] }));
  await step('pick', async () => {
    const tasks = await db.selectFrom('tasks as t').innerJoin('bins as b', 'b.id', 't.source_bin_id')
      .innerJoin('skus as s', 's.id', 't.sku_id').select(['t.id', 'b.code as bin', 's.code as sku', 't.qty'])
      .where('t.pick_list_id', 'in', wave.pickLists.map((l) => l.id)).orderBy('t.seq').execute();
    for (const t of tasks) await confirmPick(db, w.actor, t.id, { bin: t.bin, item: t.sku, qty: Number(t.qty) });
  });
  await step('pack', () => packOrder(db, w.actor, order.id, [{ weightKg: 1 + lines.length,
    contents: lines.map((l) => ({ sku: l.sku, qty: l.qty })) }]));
  await step('ship', () => shipOrder(db, w.actor, order.id, { trackingNo: `T-${code}` }));
  return { lines: lineCount, times };
}

async function throughput() {
  const tw = await createThrowaway(baseUrl, 'wetms_bench');
  const database = await openDatabase({ databaseUrl: tw.url, poolSize: opt.workers + 2 });
  const db = database.db;
  try {
    say(`setup: migrating ${tw.name}, warehouse WH1, ${opt.skus} SKUs with stock`);
    await migrateToLatest(db);
    const random = rng(opt.seed);
    const w = await setup(db, random);
    const start = performance.now();
    const from = start + opt.warmup * 1000;
    const to = from + opt.seconds * 1000;
    const orderMs: number[] = [];
    const stepMs = Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<Step, number[]>;
    let lines = 0;
    let seq = 0;
    const errors: string[] = [];
    const stop = ticker(() => {
      const now = performance.now();
      if (now < from) return `flows: warm-up ${Math.ceil((from - now) / 1000)} s`;
      return `flows: ${bar(Math.min(now, to) - from, to - from)} ${orderMs.length} orders, ${lines} lines`;
    });
    await Promise.all(Array.from({ length: opt.workers }, async (_, k) => {
      const r = rng(opt.seed * 100 + k);
      for (;;) {
        const t0 = performance.now();
        if (t0 >= to) return;
        try {
          const done = await oneOrder(db, w, `BO-${k}-${++seq}`, r);
          const t1 = performance.now();
          if (t0 >= from && t1 <= to) {
            orderMs.push(t1 - t0);
            lines += done.lines;
            for (const s of STEPS) stepMs[s].push(done.times[s]);
          }
        } catch (error) {
          if (errors.length < 5) errors.push(String((error as Error).message ?? error));
          if (errors.length >= 5) throw error;
        }
      }
    }));
    stop();
    const ledger = await checkLedger(db);
    const outbox = await sql<{ n: number }>`select count(*)::int8 as n from outbox`.execute(db);
    return {
      seconds: opt.seconds, workers: opt.workers, orders: orderMs.length, lines,
      linesPerSec: round(lines / opt.seconds), ordersPerSec: round(orderMs.length / opt.seconds),
      order: summarize(orderMs), steps: Object.fromEntries(STEPS.map((s) => [s, summarize(stepMs[s])])),
      errors, ledgerOk: ledger.ok, outboxEvents: Number(outbox.rows[0]!.n),
    };
  } finally {
    await database.close();
    await tw.drop();
    say(`dropped ${tw.name}`);
  }
}

const fmt = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(2));

async function main() {
  const machine = machineInfo();
  const flows = opt.throughput ? await throughput() : null;
  say(`route quality: ${opt.lists} lists`);
  const routes: RouteQualityResult = runRouteQuality({ lists: opt.lists, seed: opt.seed, minStops: 5, maxStops: 40,
    log: say });
  const lines: string[] = [`bench:flows  ${new Date().toISOString()}`,
    `machine: ${machine.cpus} CPUs (${machine.model}), Node ${machine.node}`, ''];
  if (flows) {
    lines.push(`(a) outbound flow on PostgreSQL, ${flows.workers} workers, ${flows.seconds} s: `
      + `${flows.linesPerSec} order lines/s, ${flows.ordersPerSec} orders/s (${flows.orders} orders, ${flows.lines} lines)`);
    lines.push(`    per order p50 ${fmt(flows.order.p50Ms)} ms, p99 ${fmt(flows.order.p99Ms)} ms; ledger ${flows.ledgerOk ? 'ok' : 'MISMATCH'}; `
      + `${flows.errors.length} errors`);
    lines.push('    step       p50 ms   p99 ms');
    for (const s of STEPS) lines.push(`    ${s.padEnd(9)} ${fmt(flows.steps[s]!.p50Ms).padStart(7)}  ${fmt(flows.steps[s]!.p99Ms).padStart(7)}`);
    lines.push('');
  }
  lines.push('(b) ' + formatRouteQuality(routes));
  const t = routes.targets;
  lines.push('', `router within ${t.meanExcessPct.toFixed(2)} % of optimal on average (target <= 3 %): `
    + (t.meanWithin3Pct ? 'MET' : 'NOT MET'),
  `40-stop list planned in ${routes.fortyStops.plan.meanMs.toFixed(2)} ms mean, ${t.fortyStopP95Ms.toFixed(2)} ms p95 `
    + `(target < 50 ms): ${t.fortyStopUnder50Ms ? 'MET' : 'NOT MET'}`);
  console.log(lines.join('\n'));
  if (opt.json) console.log(JSON.stringify({ machine, flows, routes }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
