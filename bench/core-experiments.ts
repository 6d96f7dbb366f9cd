/**
 * npx tsx bench/core-experiments.ts [--exps every_notify,base,no_notify] [--rounds 4] [--seconds 15] [--no-raw]
 * npx tsx bench/core-experiments.ts --latency [--exps every_notify,base,no_notify] [--rates 50,500,1000] [--seconds 8]
 *
 * Where bench:core's time goes, by experiment: each variant is the migrated schema with one change applied
 * (a dropped index, a trigger or a rewritten part of wms_post_movement), measured on a fresh copy of one
 * stocked template database. Throughput mode: service-layer moves (moveStock, 8 workers), wms_post_movement
 * driven by pgbench (8 clients), and pgbench TPC-B on a fresh copy of a pgbench template right after, so every
 * ratio has its own reference; rounds interleave the variants (medians are printed). Latency mode: commit →
 * relay delivery with the real OutboxRelay (pollMs 25, woken by LISTEN as leader.ts does) under paced moves.
 * Server: DATABASE_URL's (default postgres://postgres@127.0.0.1:5432/test); template databases are dropped at the
 * end. Results of 2026-11-25 in docs/benchmarks.md (bench:core, "NOTIFY gate" and "Group commit"). `--json`: one
 * JSON object last.
 */
import pg from 'pg';
import { openDatabase } from '../server/db/database.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { everyNotify } from '../server/db/migrations/0010_notify_gate.ts';
import { moveStock } from '../server/domain/inventory/operations.ts';
import { checkLedger } from '../server/domain/inventory/ledger-check.ts';
import { OutboxRelay } from '../server/stream/relay.ts';
import { MOVE_FUNCTION_SCRIPT, moveScriptVars, pgbenchInit, pgbenchRun } from './pgbench.ts';
import { adminQuery, cpuSnapshot, cpuUse, flagArg, numberArg, rng, round, say, summarize, WaitSampler } from './sys.ts';
import { runMoves, setupFixture, type Fixture } from './workload.ts';

// ------------------------------------------------------------------ the variants

type Step = string | ((url: string) => Promise<void>);
interface Experiment { sql: Step[]; dbSettings?: string[]; breaksLedger?: boolean }

/** Rewrite a function's current definition with string replacements (each must match). */
const rewriteFn = (name: string, ...pairs: [string | RegExp, string][]) => async (url: string) => {
  const { rows } = await adminQuery(url, `select pg_get_functiondef('${name}'::regprocedure) as d`);
  let d: string = rows[0].d;
  for (const [a, b] of pairs) {
    const next = d.replace(a, b);
    if (next === d) throw new Error(`rewrite of ${name}: pattern not found: ${String(a).slice(0, 80)}`);
    d = next;
  }
  await adminQuery(url, d);
};

const NO_NOTIFY = 'drop trigger outbox_notify on outbox';
const LEDGER_IDX = ['ledger_bin_at', 'ledger_lot', 'ledger_movement', 'ledger_sku_at'];
const PM = 'wms_post_movement(jsonb)';

const EXPERIMENTS: Record<string, Experiment> = {
  /** As migrated (the gated NOTIFY of 0010). */
  base: { sql: [] },
  /** As 0009 had it: every writing transaction notifies. */
  every_notify: { sql: [everyNotify] },
  no_notify: { sql: [NO_NOTIFY] },
  /** Not a proposal (a system of record must not lose commits): sizes the commit flush. */
  syncoff: { sql: [], dbSettings: ['synchronous_commit = off'] },
  syncoff_no_notify: { sql: [NO_NOTIFY], dbSettings: ['synchronous_commit = off'] },
  nn_no_ledger_indexes: { sql: [NO_NOTIFY, ...LEDGER_IDX.map((i) => `drop index ${i}`)] },
  nn_no_outbox_unstamped: { sql: [NO_NOTIFY, 'drop index outbox_unstamped'] },
  nn_no_received_select: { sql: [NO_NOTIFY, rewriteFn(PM,
    [/for v_leg in\s+select \* from jsonb_to_recordset\(p->'legs'\) as l\("binId" bigint.*?end loop;/s, ''])] },
  nn_no_frozen_check: { sql: [NO_NOTIFY, rewriteFn(PM, [/if p->>'type' <> 'count_variance' and exists.*?end if;/s, ''])] },
  nn_no_outbox_insert: { sql: [NO_NOTIFY, rewriteFn(PM, [/insert into outbox .*?returning seq into v_seq;/s, 'v_seq := 0;'])] },
  nn_no_ledger_insert: { sql: [NO_NOTIFY, rewriteFn(PM, [/insert into ledger_entries .*?order by \(o->>'ord'\)::int;/s, ''])],
    breaksLedger: true },
  nn_no_movement_insert: { sql: [NO_NOTIFY, rewriteFn(PM,
    [/insert into movements .*?returning id into v_movement;/s, 'v_movement := 0;'])] },
};
for (const i of LEDGER_IDX) EXPERIMENTS[`nn_no_${i}`] = { sql: [NO_NOTIFY, `drop index ${i}`] };
// Group commit (0012): what the batch statement's parts cost.
/** Not a proposal: the batch without its movement, ledger legs, outbox event and key record (balances only). */
EXPERIMENTS.batch_no_audit = { breaksLedger: true, sql: [rewriteFn('wms_move_batch(jsonb)',
  [/\),\s+mv as \(.*?\n  \)\n  -- The caller's answer/s, ")\n  -- The caller's answer"])] };
/** The ledger keyed by (movement, id): the movement index doubles as the primary key, one index less per leg. */
EXPERIMENTS.ledger_pk_by_movement = { sql: ['alter table ledger_entries drop constraint ledger_entries_pkey',
  'alter table ledger_entries add primary key (movement_id, id)', 'drop index ledger_movement'] };
/** Bins and owners are never deleted: their foreign keys on stock_balances guard nothing a writer could break. */
EXPERIMENTS.no_bin_owner_fks = { sql: [
  'alter table stock_balances drop constraint stock_balances_bin_id_fkey, drop constraint stock_balances_owner_id_fkey'] };

// ------------------------------------------------------------------ options and databases

const argv = process.argv.slice(2);
const strArg = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1]! : fallback;
};
const latencyMode = flagArg(argv, 'latency');
const seconds = numberArg(argv, 'seconds', latencyMode ? 8 : 15);
const rounds = Math.round(numberArg(argv, 'rounds', 2));
const exps = strArg('exps', 'every_notify,base,no_notify').split(',');
const rates = strArg('rates', '50,500,1000').split(',').map(Number);
for (const e of exps) if (!EXPERIMENTS[e]) throw new Error(`unknown experiment ${e}; known: ${Object.keys(EXPERIMENTS).join(', ')}`);

const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const urlOf = (db: string) => Object.assign(new URL(server), { pathname: `/${db}` }).toString();
const admin = urlOf('postgres');
const TEMPLATE = 'wetms_exp_tpl';
const PGBENCH_TEMPLATE = 'wetms_exp_pgb_tpl';
const drop = (name: string) => adminQuery(admin, `drop database if exists ${name} with (force)`);

/** A copy of the stocked template with one experiment applied. */
async function variant(exp: string, name: string): Promise<string> {
  await drop(name);
  await adminQuery(admin, `create database ${name} template ${TEMPLATE}`);
  const url = urlOf(name);
  const def = EXPERIMENTS[exp]!;
  for (const s of def.sql) await (typeof s === 'string' ? adminQuery(url, s) : s(url));
  for (const s of def.dbSettings ?? []) await adminQuery(admin, `alter database ${name} set ${s}`);
  await adminQuery(url, 'vacuum analyze');
  await adminQuery(admin, 'checkpoint');
  return url;
}

async function setupTemplates(): Promise<Fixture> {
  await drop(TEMPLATE);
  await adminQuery(admin, `create database ${TEMPLATE}`);
  const database = await openDatabase({ databaseUrl: urlOf(TEMPLATE) });
  await migrateToLatest(database.db);
  const fx = await setupFixture(database.db, { skus: 300, stockedBins: 3000, qtyPerBin: 1000, random: rng(42), log: say });
  await database.close();
  await adminQuery(urlOf(TEMPLATE), 'vacuum analyze');
  if (!latencyMode) {
    await drop(PGBENCH_TEMPLATE);
    await adminQuery(admin, `create database ${PGBENCH_TEMPLATE}`);
    await pgbenchInit(urlOf(PGBENCH_TEMPLATE), 8);
  }
  return fx;
}

const waitText = (w: { meanActiveSessions: number; share: Record<string, number> }) =>
  `${w.meanActiveSessions} active; ` + Object.entries(w.share).slice(0, 4).map(([k, v]) => `${k} ${Math.round(v * 100)}%`).join(', ');

// ------------------------------------------------------------------ throughput

async function throughput(exp: string, r: number, fx: Fixture) {
  const name = `wetms_exp_${exp}`;
  const url = await variant(exp, name);
  const database = await openDatabase({ databaseUrl: url });
  const sampler = new WaitSampler(admin, name);
  await sampler.start();
  let a = cpuSnapshot();
  const moves = await runMoves(database.db, fx, { workers: 8, warmupMs: 2000, measureMs: seconds * 1000,
    random: rng(r * 7 + 1), label: `${exp} moves`, log: () => {}, aborted: () => false,
    onMeasureStart: () => (a = cpuSnapshot()) });
  const cpu = cpuUse(a, cpuSnapshot());
  const waits = waitText(await sampler.stop());
  await database.close();
  let raw: number | null = null;
  if (!flagArg(argv, 'no-raw')) {
    await adminQuery(admin, 'checkpoint');
    raw = (await pgbenchRun(url, { clients: 8, threads: 2, seconds, script: MOVE_FUNCTION_SCRIPT,
      vars: moveScriptVars(fx) })).tps;
  }
  let ledgerOk: boolean | null = null;
  if (!EXPERIMENTS[exp]!.breaksLedger) {
    const d = await openDatabase({ databaseUrl: url });
    ledgerOk = (await checkLedger(d.db)).ok;
    await d.close();
  }
  await drop(name);
  // Its TPC-B reference, right after, on a fresh copy.
  await drop('wetms_exp_pgb_run');
  await adminQuery(admin, `create database wetms_exp_pgb_run template ${PGBENCH_TEMPLATE}`);
  await adminQuery(admin, 'checkpoint');
  const tpcb = (await pgbenchRun(urlOf('wetms_exp_pgb_run'), { clients: 8, threads: 2, seconds })).tps;
  await drop('wetms_exp_pgb_run');
  const row = { exp, round: r, moves: round(moves.movesPerSec), p50: moves.latency.p50Ms, p99: moves.latency.p99Ms,
    raw: raw === null ? null : round(raw), tpcb: round(tpcb), ratio: round(moves.movesPerSec / tpcb, 2),
    rawRatio: raw === null ? null : round(raw / tpcb, 2),
    pgCpuMsPerMove: round((cpu.postgresCores * 1000) / moves.movesPerSec, 3),
    nodeCpuMsPerMove: round((cpu.nodeCores * 1000) / moves.movesPerSec, 3), waits, ledgerOk };
  say(JSON.stringify(row));
  return row;
}

// ------------------------------------------------------------------ latency

async function latency(exp: string, rate: number, fx: Fixture) {
  const name = `wetms_exp_lat_${exp}`;
  const url = await variant(exp, name);
  const writerDb = await openDatabase({ databaseUrl: url, poolSize: 8 });
  const relayDb = await openDatabase({ databaseUrl: url, poolSize: 2 });
  const relay = new OutboxRelay(relayDb.db, { pollMs: 25 });
  const returned = new Map<number, number>();
  const got = new Map<number, number>();
  let notifies = 0;
  await relay.register({ name: 'latency', deliver: async (events) => {
    const t = performance.now();
    for (const e of events) got.set(e.seq, t);
  } });
  const listener = new pg.Client({ connectionString: url });
  await listener.connect();
  listener.on('notification', () => { notifies++; relay.wake(); });
  await listener.query('listen wms_outbox');
  relay.start();
  const random = rng(11);
  const pick = <T,>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let sent = 0;
  const inflight = new Set<Promise<void>>();
  // Paced: the i-th move starts at t0 + i / rate (8 at most in flight).
  while (performance.now() < end) {
    const due = t0 + (sent * 1000) / rate;
    const now = performance.now();
    if (due > now) await new Promise((r) => setTimeout(r, due - now));
    if (inflight.size >= 8) { await Promise.race(inflight); continue; }
    sent++;
    const src = pick(fx.stock);
    let dst = pick(fx.binCodes);
    while (dst === src.bin) dst = pick(fx.binCodes);
    const p: Promise<void> = moveStock(writerDb.db, fx.actor, { fromBin: src.bin, toBin: dst, sku: src.sku, qty: 1 })
      .then((m) => { returned.set(m.seq, performance.now()); }, () => undefined)
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  await new Promise((r) => setTimeout(r, 300));
  await relay.stop();
  await listener.end();
  await writerDb.close();
  await relayDb.close();
  await drop(name);
  const delays: number[] = [];
  for (const [seq, at] of returned) {
    const g = got.get(seq);
    if (g !== undefined) delays.push(Math.max(0, g - at));
  }
  const s = summarize(delays.sort((x, y) => x - y));
  const row = { exp, rate, achieved: Math.round(returned.size / seconds), notifies, p50: s.p50Ms, p95: s.p95Ms, p99: s.p99Ms,
    max: s.maxMs, undelivered: returned.size - delays.length };
  say(JSON.stringify(row));
  return row;
}

// ------------------------------------------------------------------ run

const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)]! : null;
};

try {
  const fx = await setupTemplates();
  if (latencyMode) {
    const rows = [];
    for (const rate of rates) for (const exp of exps) rows.push(await latency(exp, rate, fx));
    console.log('variant | rate/s | achieved | NOTIFYs | commit → relay delivery p50 / p95 / p99 / max ms');
    for (const r of rows) console.log(`${r.exp} | ${r.rate} | ${r.achieved} | ${r.notifies} | ${r.p50} / ${r.p95} / ${r.p99} / ${r.max}`);
    if (flagArg(argv, 'json')) console.log(JSON.stringify({ bench: 'core-experiments', mode: 'latency', seconds, rows }));
  } else {
    const rows = [];
    for (let r = 1; r <= rounds; r++) for (const exp of exps) rows.push(await throughput(exp, r, fx));
    console.log(`variant | moves/s | TPC-B tps | ratio | wms_post_movement via pgbench, ratio | pg CPU ms/move (medians of ${rounds} rounds)`);
    for (const exp of exps) {
      const rs = rows.filter((x) => x.exp === exp);
      console.log([exp, median(rs.map((x) => x.moves)), median(rs.map((x) => x.tpcb)), median(rs.map((x) => x.ratio)),
        median(rs.flatMap((x) => (x.rawRatio === null ? [] : [x.rawRatio]))), median(rs.map((x) => x.pgCpuMsPerMove))]
        .join(' | '));
    }
    if (flagArg(argv, 'json')) console.log(JSON.stringify({ bench: 'core-experiments', mode: 'throughput', seconds, rounds, rows }));
  }
} finally {
  await drop(TEMPLATE);
  await drop(PGBENCH_TEMPLATE);
}
