/**
 * npm run bench:core [-- --seconds N] [--json] [--diagnose]
 *
 * Stock moves through the service layer (moveStock, a real scoped operator) on a throwaway PostgreSQL
 * database, against pgbench's TPC-B-like transaction on a second throwaway database of the same server,
 * then the same moves on the embedded PGlite (1 worker, then as many as on PostgreSQL). The ledger is
 * checked on both databases afterwards, and the throwaway databases are dropped, even on error or Ctrl-C.
 *
 * Options: --seconds N (measured window, default 20), --warmup N (default 3), --workers N (default 8),
 * --pglite-seconds N (default half of --seconds, at least 5), --skus N (300), --stocked-bins N (3000),
 * --seed N, --in-flight N (statements of grouped moves at the database at once, default 2),
 * --pglite-in-flight N (the same on PGlite, default 1),
 * --min-group N (moves a second statement needs while one is in flight, default 3; 1 = any), --no-pglite,
 * --diagnose (where the time goes: 1 worker, per-query split, server-side function time, EXPLAIN of the
 * context read, round-trip floors, the SQL function driven by pgbench),
 * --diag-seconds N, --json (one JSON object on the last line of stdout). Progress goes to stderr.
 * DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432/test); only databases
 * named wetms_bench_* / wetms_pgbench_* are created and dropped on it.
 */
import pg from 'pg';
import { openDatabase, type Database } from '../server/db/database.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { checkLedger, type LedgerCheck } from '../server/domain/inventory/ledger-check.ts';
import { moveBatcher } from '../server/domain/inventory/move-batch.ts';
import {
  killPgbench, MOVE_FUNCTION_SCRIPT, moveScriptVars, pgbenchInit, pgbenchRun, type PgbenchResult,
} from './pgbench.ts';
import {
  adminQuery, bar, cpuSnapshot, cpuUse, createThrowaway, flagArg, functionStats, machineInfo, numberArg, perCall, rng,
  round, say, ticker, WaitSampler, walPerOp, walStats, type CpuSnapshot, type CpuUse, type FunctionStats,
  type Throwaway,
} from './sys.ts';
import { QueryTimer, runMoves, runSelectOne, setupFixture, type Fixture, type MoveRunResult } from './workload.ts';

const argv = process.argv.slice(2);
const opt = {
  json: flagArg(argv, 'json'),
  seconds: numberArg(argv, 'seconds', 20),
  warmup: numberArg(argv, 'warmup', 3),
  workers: Math.round(numberArg(argv, 'workers', 8)),
  inFlight: Math.round(numberArg(argv, 'in-flight', 2)),
  /** Statements at once on PGlite; absent = the embedded default (one lane). */
  pgliteInFlight: argv.includes('--pglite-in-flight') ? Math.round(numberArg(argv, 'pglite-in-flight', 1))
    : undefined,
  minGroup: Math.round(numberArg(argv, 'min-group', 3)),
  skus: Math.round(numberArg(argv, 'skus', 300)),
  stockedBins: Math.round(numberArg(argv, 'stocked-bins', 3000)),
  seed: Math.round(numberArg(argv, 'seed', 42)),
  pglite: !flagArg(argv, 'no-pglite'),
  diagnose: flagArg(argv, 'diagnose'),
  pgbenchScale: 8,
  pgbenchThreads: 2,
  qtyPerBin: 1000,
};
const pgliteSeconds = numberArg(argv, 'pglite-seconds', Math.max(5, Math.round(opt.seconds / 2)));
const diagSeconds = numberArg(argv, 'diag-seconds', Math.max(5, Math.round(opt.seconds / 2)));
const baseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

let aborted = false;
process.on('SIGINT', () => {
  if (aborted) process.exit(130);
  aborted = true;
  killPgbench();
  say('interrupted: stopping and dropping the throwaway databases (Ctrl-C again to quit at once)');
});
const checkAborted = () => {
  if (aborted) throw new Error('interrupted');
};

/** Run fn while sampling CPU: from its start, or from when it calls mark(), to its end. */
async function withCpu<T>(fn: (mark: () => void) => Promise<T>): Promise<{ value: T; cpu: CpuUse }> {
  let a: CpuSnapshot = cpuSnapshot();
  const value = await fn(() => (a = cpuSnapshot()));
  return { value, cpu: cpuUse(a, cpuSnapshot()) };
}

async function countdown<T>(label: string, seconds: number, work: Promise<T>): Promise<T> {
  const t0 = performance.now();
  const stop = ticker(() => {
    const s = (performance.now() - t0) / 1000;
    return `${label}: ${bar(s, seconds)} ${Math.max(0, Math.ceil(seconds - s))} s left`;
  });
  try {
    return await work;
  } finally {
    stop();
  }
}

/** Median planning and execution time of the captured context query, EXPLAIN (ANALYZE, TIMING OFF). */
async function explainContext(url: string, sample: { sql: string; parameters: readonly unknown[] }, times = 30) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const planning: number[] = [];
    const execution: number[] = [];
    let plan = '';
    for (let i = 0; i < times; i++) {
      const { rows } = await client.query(`explain (analyze, timing off, format json) ${sample.sql}`,
        sample.parameters as unknown[]);
      const top = (rows[0]['QUERY PLAN'] as { 'Planning Time': number; 'Execution Time': number }[])[0]!;
      planning.push(top['Planning Time']);
      execution.push(top['Execution Time']);
    }
    const text = await client.query(`explain ${sample.sql}`, sample.parameters as unknown[]);
    plan = text.rows.map((r) => r['QUERY PLAN']).join('\n');
    const median = (xs: number[]) => round([...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!, 3);
    return { planningMs: median(planning), executionMs: median(execution), planLines: plan.split('\n').length };
  } finally {
    await client.end();
  }
}

const fmt = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
    .join('  ').trimEnd()).join('\n');
}

const ledgerLine = (l: LedgerCheck) =>
  `${l.ok ? 'ok' : 'MISMATCH'} (${l.keys} balance keys, ${l.ledgerRows} ledger rows, ${l.mismatches.length} mismatches, ${l.negative} negative)`;

async function main() {
  const machine = machineInfo();
  const startedAt = new Date();
  const throwaways: Throwaway[] = [];
  const open: Database[] = [];
  const report: Record<string, unknown> = {};
  try {
    const bg0 = cpuSnapshot();
    await new Promise((r) => setTimeout(r, 1000));
    const background = cpuUse(bg0, cpuSnapshot());
    const pgVersion = (await adminQuery(baseUrl, 'show server_version')).rows[0].server_version as string;
    say(`machine: ${machine.cpus} CPUs, ${machine.model}, ${machine.memGb} GB; PostgreSQL ${pgVersion}; ` +
      `busy before start: ${(background.machineBusy * 100).toFixed(0)} % of all CPUs`);

    // ------------------------------------------------------------ PostgreSQL: setup
    const wetms = await createThrowaway(baseUrl, 'wetms_bench');
    throwaways.push(wetms);
    if (opt.diagnose) await adminQuery(baseUrl, `alter database ${wetms.name} set track_functions = 'all'`);
    say(`setup: PostgreSQL database ${wetms.name}: migrate, warehouse, SKUs, stock`);
    const random = rng(opt.seed);
    let fx: Fixture;
    {
      const database = await openDatabase({ databaseUrl: wetms.url });
      try {
        await migrateToLatest(database.db);
        fx = await setupFixture(database.db, { skus: opt.skus, stockedBins: opt.stockedBins,
          qtyPerBin: opt.qtyPerBin, random, log: say });
      } finally {
        await database.close();
      }
    }
    await adminQuery(wetms.url, 'vacuum analyze');
    await adminQuery(baseUrl, 'checkpoint');
    checkAborted();

    // ------------------------------------------------------------ PostgreSQL: moves
    const fnBefore = opt.diagnose ? await mainFunctionStats(wetms.url) : undefined;
    const movesBefore = await movesWritten(wetms.url);
    const wal0 = await walStats(baseUrl);
    const waits = opt.diagnose ? new WaitSampler(baseUrl, wetms.name) : undefined;
    const database = await openDatabase({ databaseUrl: wetms.url });
    open.push(database);
    moveBatcher(database.db, { maxInFlight: opt.inFlight, minGroupWhenBusy: opt.minGroup });
    await waits?.start();
    const moves = await withCpu((mark) => runMoves(database.db, fx, {
      workers: opt.workers, warmupMs: opt.warmup * 1000, measureMs: opt.seconds * 1000, random,
      label: `PostgreSQL moveStock x${opt.workers}`, log: say, aborted: () => aborted, onMeasureStart: mark,
    }));
    const movesWaits = await waits?.stop();
    const grouping = groupCommitOf(database.db);
    await database.close(); // ending the sessions also flushes their statistics
    open.splice(open.indexOf(database), 1);
    const fnAfterMoves = opt.diagnose ? await mainFunctionStats(wetms.url) : undefined;
    // WAL per move written, over warm-up and window (refused attempts write nothing).
    const movesWal = walPerOp(wal0, await walStats(baseUrl), (await movesWritten(wetms.url)) - movesBefore);
    checkAborted();
    say(`PostgreSQL: ${moves.value.movesPerSec} moves/s, p50 ${moves.value.latency.p50Ms} ms, ` +
      `p99 ${moves.value.latency.p99Ms} ms, ${moves.value.conflicts} conflicts, ${moves.value.errors} errors`);
    if (moves.value.errors) say(`  first errors: ${moves.value.firstErrors.join(' | ')}`);

    // ------------------------------------------------------------ pgbench
    // The moves left tables that autovacuum would visit while pgbench runs: vacuum them now, so the reference
    // runs on a quiet server as the moves did (the checkpoint below follows pgbench's own init).
    await adminQuery(wetms.url, 'vacuum analyze');
    const pgb = await createThrowaway(baseUrl, 'wetms_pgbench');
    throwaways.push(pgb);
    say(`setup: pgbench -i -s ${opt.pgbenchScale} on ${pgb.name}`);
    await pgbenchInit(pgb.url, opt.pgbenchScale);
    await adminQuery(baseUrl, 'checkpoint');
    checkAborted();
    say(`pgbench -c ${opt.workers} -j ${opt.pgbenchThreads} -T ${opt.seconds} -M prepared (TPC-B-like)`);
    const pgbWaits = opt.diagnose ? new WaitSampler(baseUrl, pgb.name) : undefined;
    await pgbWaits?.start();
    const wal1 = await walStats(baseUrl);
    const bench = await withCpu(() => countdown('pgbench', opt.seconds, pgbenchRun(pgb.url, {
      clients: opt.workers, threads: opt.pgbenchThreads, seconds: opt.seconds })));
    const benchWal = walPerOp(wal1, await walStats(baseUrl), bench.value.transactions);
    const benchWaits = await pgbWaits?.stop();
    checkAborted();
    say(`pgbench: ${bench.value.tps.toFixed(1)} tps, latency average ${bench.value.latencyMs} ms`);
    const ratio = round(moves.value.movesPerSec / bench.value.tps, 2);

    // ------------------------------------------------------------ diagnostics
    let diagnostics: Record<string, unknown> | undefined;
    if (opt.diagnose) {
      diagnostics = {
        mainRun: { functionServerTime: Object.fromEntries(MAIN_FUNCTIONS.map((fn) =>
          [fn, perCall(fnBefore![fn]!, fnAfterMoves![fn]!)])), walPerMove: movesWal, waits: movesWaits },
        pgbenchRun: { walPerTx: benchWal, waits: benchWaits },
        ...await diagnose(wetms, pgb, fx, random),
      };
    }
    checkAborted();

    // ------------------------------------------------------------ ledger (PostgreSQL)
    say('checkLedger on PostgreSQL');
    const checkDb = await openDatabase({ databaseUrl: wetms.url });
    let pgLedger: LedgerCheck;
    try {
      pgLedger = await checkLedger(checkDb.db);
    } finally {
      await checkDb.close();
    }

    // ------------------------------------------------------------ PGlite
    let lite: { moves: MoveRunResult; cpu: CpuUse; ledger: LedgerCheck; many: { moves: MoveRunResult; cpu: CpuUse } }
      | undefined;
    if (opt.pglite) {
      say('setup: PGlite in memory: migrate, warehouse, SKUs, stock');
      const liteDb = await openDatabase({});
      open.push(liteDb);
      await migrateToLatest(liteDb.db);
      if (opt.pgliteInFlight !== undefined) moveBatcher(liteDb.db, { maxInFlight: opt.pgliteInFlight });
      const liteFx = await setupFixture(liteDb.db, { skus: opt.skus, stockedBins: opt.stockedBins,
        qtyPerBin: opt.qtyPerBin, random: rng(opt.seed), log: say });
      checkAborted();
      const run = await withCpu((mark) => runMoves(liteDb.db, liteFx, {
        workers: 1, warmupMs: Math.min(opt.warmup, 2) * 1000, measureMs: pgliteSeconds * 1000, random,
        label: 'PGlite moveStock x1', log: say, aborted: () => aborted, onMeasureStart: mark,
      }));
      checkAborted();
      // Then as many workers as on PostgreSQL: PGlite has one connection, so this measures the group commit.
      const many = await withCpu((mark) => runMoves(liteDb.db, liteFx, {
        workers: opt.workers, warmupMs: Math.min(opt.warmup, 2) * 1000, measureMs: pgliteSeconds * 1000, random,
        label: `PGlite moveStock x${opt.workers}`, log: say, aborted: () => aborted, onMeasureStart: mark,
      }));
      checkAborted();
      say('checkLedger on PGlite');
      const ledger = await checkLedger(liteDb.db);
      await liteDb.close();
      open.splice(open.indexOf(liteDb), 1);
      lite = { moves: run.value, cpu: run.cpu, ledger, many: { moves: many.value, cpu: many.cpu } };
      say(`PGlite: ${run.value.movesPerSec} moves/s, p50 ${run.value.latency.p50Ms} ms, p99 ${run.value.latency.p99Ms} ms`);
    }

    const ledgerOk = pgLedger.ok && (lite?.ledger.ok ?? true);
    const m = moves.value;
    Object.assign(report, {
      date: startedAt.toISOString(),
      machine: { ...machine, postgres: pgVersion, busyBeforeStart: background.machineBusy },
      params: { seconds: opt.seconds, warmupSeconds: opt.warmup, workers: opt.workers, inFlight: opt.inFlight,
        pgliteInFlight: opt.pgliteInFlight ?? 1,
        minGroup: opt.minGroup, pgliteSeconds,
        bins: fx.binCodes.length, stockedBins: fx.stock.length, skus: fx.skus, qtyPerBin: opt.qtyPerBin,
        moveQty: '1..5', seed: opt.seed, pgbenchScale: opt.pgbenchScale, pgbenchThreads: opt.pgbenchThreads },
      postgres: { movesPerSec: m.movesPerSec, p50Ms: m.latency.p50Ms, p95Ms: m.latency.p95Ms, p99Ms: m.latency.p99Ms,
        meanMs: m.latency.meanMs, maxMs: m.latency.maxMs, moves: m.moves, conflicts: m.conflicts,
        conflictsPerSec: m.conflictsPerSec, errors: m.errors, cpu: moves.cpu, timeline: m.timeline,
        groupCommit: grouping },
      pgbench: { tps: bench.value.tps, latencyMs: bench.value.latencyMs, transactions: bench.value.transactions,
        cpu: bench.cpu },
      ratio,
      pglite: lite ? { movesPerSec: lite.moves.movesPerSec, p50Ms: lite.moves.latency.p50Ms,
        p95Ms: lite.moves.latency.p95Ms, p99Ms: lite.moves.latency.p99Ms, moves: lite.moves.moves,
        conflicts: lite.moves.conflicts, errors: lite.moves.errors, seconds: pgliteSeconds, cpu: lite.cpu,
        workers: 1 } : null,
      pgliteManyWorkers: lite ? { workers: opt.workers, movesPerSec: lite.many.moves.movesPerSec,
        p50Ms: lite.many.moves.latency.p50Ms, p99Ms: lite.many.moves.latency.p99Ms, moves: lite.many.moves.moves,
        conflicts: lite.many.moves.conflicts, errors: lite.many.moves.errors, cpu: lite.many.cpu } : null,
      ledgerOk,
      ledger: { postgres: summaryOf(pgLedger), pglite: lite ? summaryOf(lite.ledger) : null },
      ...(diagnostics && { diagnostics }),
    });

    // ------------------------------------------------------------ the table
    const rows: string[][] = [
      ['', 'ops/s', 'p50 ms', 'p95 ms', 'p99 ms', '409s', 'errors'],
      [`PostgreSQL moveStock, ${opt.workers} workers`, fmt(m.movesPerSec), fmt(m.latency.p50Ms, 2),
        fmt(m.latency.p95Ms, 2), fmt(m.latency.p99Ms, 2), `${m.conflicts} (${fmt(m.conflictsPerSec)}/s)`, String(m.errors)],
      [`pgbench TPC-B, -c ${opt.workers} -j ${opt.pgbenchThreads} -M prepared`, fmt(bench.value.tps),
        `avg ${fmt(bench.value.latencyMs, 2)}`, '', '', '', ''],
    ];
    if (lite) {
      rows.push([`PGlite moveStock, 1 worker, ${pgliteSeconds} s`, fmt(lite.moves.movesPerSec),
        fmt(lite.moves.latency.p50Ms, 2), fmt(lite.moves.latency.p95Ms, 2), fmt(lite.moves.latency.p99Ms, 2),
        String(lite.moves.conflicts), String(lite.moves.errors)]);
      const mm = lite.many.moves;
      rows.push([`PGlite moveStock, ${opt.workers} workers, ${pgliteSeconds} s`, fmt(mm.movesPerSec),
        fmt(mm.latency.p50Ms, 2), fmt(mm.latency.p95Ms, 2), fmt(mm.latency.p99Ms, 2), String(mm.conflicts),
        String(mm.errors)]);
    }
    const out: string[] = [
      `bench:core  ${startedAt.toISOString()}`,
      `machine: ${machine.cpus} CPUs (${machine.model}), ${machine.memGb} GB, Node ${machine.node}, ` +
        `PostgreSQL ${pgVersion}; busy before start ${(background.machineBusy * 100).toFixed(0)} %`,
      `workload: ${fx.binCodes.length} bins, ${fx.stock.length} stocked with ${opt.qtyPerBin} units, ${fx.skus} SKUs; ` +
        `moves of 1..5 units; ${opt.seconds} s measured after ${opt.warmup} s warm-up`,
      '',
      table(rows),
      '',
      `ratio moves/s / pgbench tps = ${ratio.toFixed(2)}x (target >= 1.0x): ${ratio >= 1 ? 'MET' : 'BELOW TARGET'}`,
      '',
      table([
        ['CPU during the window (cores)', 'busy %', 'node', 'postgres', 'other'],
        ...([['PostgreSQL moveStock', moves.cpu], ['pgbench', bench.cpu], ...(lite ? [['PGlite moveStock', lite.cpu],
          [`PGlite moveStock x${opt.workers}`, lite.many.cpu]] : [])] as
          [string, CpuUse][]).map(([name, c]) => [name, fmt(c.machineBusy * 100, 0), fmt(c.nodeCores, 2),
          fmt(c.postgresCores, 2), fmt(c.otherCores, 2)]),
      ]),
      '',
      `ledger: PostgreSQL ${ledgerLine(pgLedger)}`,
      ...(lite ? [`ledger: PGlite ${ledgerLine(lite.ledger)}`] : []),
    ];
    const perSecond = [...m.timeline].sort((x, y) => x - y);
    out.splice(out.indexOf('') + 2, 0, `PostgreSQL moves per second over the window: min ${perSecond[0]}, ` +
      `median ${perSecond[Math.floor(perSecond.length / 2)]}, max ${perSecond[perSecond.length - 1]}`,
    `group commit (warm-up and window): ${grouping.batches} statements of several moves (mean ${grouping.meanBatch}), ` +
      `${grouping.alone} moves sent alone`);
    if (diagnostics) out.push('', diagnosticsTable(diagnostics));
    console.log(out.join('\n'));
    if (!ledgerOk) process.exitCode = 1;
  } catch (error) {
    process.exitCode = aborted ? 130 : 1;
    say(aborted ? 'stopped' : `failed: ${(error as Error).stack ?? error}`);
  } finally {
    for (const database of open) await database.close().catch(() => {});
    for (const t of throwaways) {
      try {
        await t.drop();
        say(`dropped ${t.name}`);
      } catch (error) {
        say(`could not drop ${t.name}: ${(error as Error).message}`);
        process.exitCode = 1;
      }
    }
  }
  if (opt.json && Object.keys(report).length) console.log(JSON.stringify(report));
}

/** The stock functions a move may call: grouped, alone, or on the ordinary path. */
const MAIN_FUNCTIONS = ['wms_move_batch', 'wms_move', 'wms_post_movement'];
async function mainFunctionStats(url: string) {
  return Object.fromEntries(await Promise.all(MAIN_FUNCTIONS.map(async (fn) => [fn, await functionStats(url, fn)])));
}

const sumStats = (byFn: Record<string, FunctionStats>): FunctionStats => Object.values(byFn).reduce(
  (a, b) => ({ calls: a.calls + b.calls, totalMs: a.totalMs + b.totalMs, selfMs: a.selfMs + b.selfMs }),
  { calls: 0, totalMs: 0, selfMs: 0 });

/** Moves recorded in the ledger's movements so far. */
async function movesWritten(url: string): Promise<number> {
  const { rows } = await adminQuery(url, `select count(*)::int as n from movements where type = 'move'`);
  return rows[0].n;
}

/** How the service grouped the moves it sent (server/domain/inventory/move-batch.ts). */
function groupCommitOf(db: Database['db']) {
  const { batches, batchedMoves, alone } = moveBatcher(db).stats;
  return { batches, batchedMoves, alone, meanBatch: batches ? round(batchedMoves / batches, 2) : 0 };
}

const summaryOf = (l: LedgerCheck) => ({ ok: l.ok, keys: l.keys, ledgerRows: l.ledgerRows,
  mismatches: l.mismatches.length, negative: l.negative });

// ------------------------------------------------------------------ diagnostics

async function diagnose(wetms: Throwaway, pgb: Throwaway, fx: Fixture, random: () => number):
  Promise<Record<string, unknown>> {
  const d: Record<string, unknown> = {};

  const timed = async (workers: number) => {
    const database = await openDatabase({ databaseUrl: wetms.url });
    let closed = false;
    try {
      const timer = new QueryTimer();
      const db = database.db.withPlugin(timer);
      const before = await mainFunctionStats(wetms.url);
      const moves0 = await movesWritten(wetms.url);
      const wal0 = await walStats(baseUrl);
      const sampler = new WaitSampler(baseUrl, wetms.name);
      await sampler.start();
      const run = await withCpu((mark) => runMoves(db, fx, {
        workers, warmupMs: 1000, measureMs: diagSeconds * 1000, random, label: `diagnose: moveStock x${workers} timed`,
        log: say, aborted: () => aborted, onMeasureStart: () => {
          timer.reset();
          mark();
        },
      }));
      const waits = await sampler.stop();
      await database.close(); // ending the sessions flushes their statistics
      closed = true;
      const after = await mainFunctionStats(wetms.url);
      const wal = walPerOp(wal0, await walStats(baseUrl), (await movesWritten(wetms.url)) - moves0);
      return { timer, run, fn: perCall(sumStats(before), sumStats(after)), wal, waits };
    } finally {
      if (!closed) await database.close().catch(() => {});
    }
  };
  const one = await timed(1);
  checkAborted();
  const eight = await timed(opt.workers);
  checkAborted();
  const split = (t: Awaited<ReturnType<typeof timed>>) => ({
    movesPerSec: t.run.value.movesPerSec, p50Ms: t.run.value.latency.p50Ms, p99Ms: t.run.value.latency.p99Ms,
    contextP50Ms: t.timer.summary().context.p50Ms, contextMeanMs: t.timer.summary().context.meanMs,
    functionP50Ms: t.timer.summary().function.p50Ms, functionMeanMs: t.timer.summary().function.meanMs,
    functionServerMeanMs: t.fn.meanMs, cpu: t.run.cpu, walPerMove: t.wal, waits: t.waits,
    nodeCpuMsPerMove: round((t.run.cpu.nodeCores * 1000) / Math.max(1, t.run.value.movesPerSec), 3),
    postgresCpuMsPerMove: round((t.run.cpu.postgresCores * 1000) / Math.max(1, t.run.value.movesPerSec), 3),
  });
  d.oneWorker = split(one);
  d.workers = split(eight);

  if (one.timer.sample) {
    say('diagnose: EXPLAIN ANALYZE of the context query (30 runs)');
    d.contextExplain = await explainContext(wetms.url, one.timer.sample);
  }

  say('diagnose: select 1 through Kysely/pg (client round-trip floor)');
  {
    const database = await openDatabase({ databaseUrl: wetms.url });
    try {
      const r = await withCpu(() => runSelectOne(database.db, opt.workers, 5000));
      d.selectOneKysely = { ...r.value, cpu: r.cpu };
    } finally {
      await database.close();
    }
  }
  say('diagnose: select 1 through pgbench');
  const s1 = await withCpu(() => pgbenchRun(pgb.url, { clients: opt.workers, threads: opt.pgbenchThreads, seconds: 5,
    script: 'select 1;\n' }));
  d.selectOnePgbench = { tps: s1.value.tps, latencyMs: s1.value.latencyMs, cpu: s1.cpu };
  checkAborted();

  if (fx.stockIds.contiguous) {
    say(`diagnose: wms_post_movement alone, driven by pgbench -c ${opt.workers} -j ${opt.pgbenchThreads} -M prepared`);
    const before = await functionStats(wetms.url);
    const wal0 = await walStats(baseUrl);
    const sampler = new WaitSampler(baseUrl, wetms.name);
    await sampler.start();
    const r: { value: PgbenchResult; cpu: CpuUse } = await withCpu(() => countdown('pgbench wms_post_movement',
      diagSeconds, pgbenchRun(wetms.url, { clients: opt.workers, threads: opt.pgbenchThreads, seconds: diagSeconds,
        script: MOVE_FUNCTION_SCRIPT, vars: moveScriptVars(fx) })));
    const waits = await sampler.stop();
    const after = await functionStats(wetms.url);
    d.functionViaPgbench = { tps: r.value.tps, latencyMs: r.value.latencyMs, failed: r.value.failed,
      functionServerMeanMs: perCall(before, after).meanMs, cpu: r.cpu,
      walPerMove: walPerOp(wal0, await walStats(baseUrl), r.value.transactions), waits,
      postgresCpuMsPerMove: round((r.cpu.postgresCores * 1000) / Math.max(1, r.value.tps), 3) };
  }
  return d;
}

function diagnosticsTable(d: Record<string, unknown>): string {
  type Split = { movesPerSec: number; p50Ms: number; p99Ms: number; contextP50Ms: number; functionP50Ms: number;
    functionServerMeanMs: number | null; nodeCpuMsPerMove: number; postgresCpuMsPerMove: number };
  const one = d.oneWorker as Split;
  const many = d.workers as Split;
  const rows: string[][] = [
    ['diagnostics', 'ops/s', 'p50 ms', 'p99 ms', 'context p50', 'function p50', 'fn server', 'node CPU/op',
      'pg CPU/op'],
    ...([[`moveStock 1 worker`, one], [`moveStock ${opt.workers} workers`, many]] as [string, Split][]).map(([n, s]) => [
      n, fmt(s.movesPerSec), fmt(s.p50Ms, 2), fmt(s.p99Ms, 2), fmt(s.contextP50Ms, 2), fmt(s.functionP50Ms, 2),
      fmt(s.functionServerMeanMs, 2), fmt(s.nodeCpuMsPerMove, 2), fmt(s.postgresCpuMsPerMove, 2)]),
  ];
  const fv = d.functionViaPgbench as { tps: number; latencyMs: number; functionServerMeanMs: number | null;
    postgresCpuMsPerMove: number } | undefined;
  if (fv) {
    rows.push([`wms_post_movement via pgbench x${opt.workers}`, fmt(fv.tps), `avg ${fmt(fv.latencyMs, 2)}`, '', '', '',
      fmt(fv.functionServerMeanMs, 2), '', fmt(fv.postgresCpuMsPerMove, 2)]);
  }
  const k = d.selectOneKysely as { queriesPerSec: number; latency: { p50Ms: number; p99Ms: number } };
  const p = d.selectOnePgbench as { tps: number; latencyMs: number };
  rows.push([`select 1 via Kysely/pg x${opt.workers}`, fmt(k.queriesPerSec), fmt(k.latency.p50Ms, 2),
    fmt(k.latency.p99Ms, 2), '', '', '', '', '']);
  rows.push([`select 1 via pgbench x${opt.workers}`, fmt(p.tps), `avg ${fmt(p.latencyMs, 2)}`, '', '', '', '', '', '']);
  const lines = [table(rows)];
  type Wal = { records: number; fullPageImages: number; bytes: number } | null;
  type Waits = { meanActiveSessions: number; share: Record<string, number> } | undefined;
  const main = d.mainRun as { functionServerTime: Record<string, { calls: number; meanMs: number | null }>;
    walPerMove: Wal; waits: Waits };
  const tpcb = d.pgbenchRun as { walPerTx: Wal; waits: Waits };
  lines.push('server time per call during the main run (warm-up included): ' + Object.entries(main.functionServerTime)
    .map(([fn, t]) => `${fn} ${fmt(t.meanMs, 3)} ms (${t.calls} calls)`).join(', '));
  const walText = (w: Wal) => (w ? `${w.bytes} B, ${w.records} records, ${w.fullPageImages} full-page images` : '-');
  lines.push('WAL per operation (cluster-wide counters):');
  lines.push(`  moveStock main run:              ${walText(main.walPerMove)}`);
  lines.push(`  moveStock ${opt.workers} workers (diagnose):   ${walText((d.workers as { walPerMove: Wal }).walPerMove)}`);
  if (fv) lines.push(`  wms_post_movement via pgbench:   ${walText((fv as unknown as { walPerMove: Wal }).walPerMove)}`);
  lines.push(`  pgbench TPC-B:                   ${walText(tpcb.walPerTx)}`);
  const waitText = (w: Waits) => (w ? `${fmt(w.meanActiveSessions, 1)} active; ` + Object.entries(w.share)
    .map(([k, v]) => `${k} ${(v * 100).toFixed(0)} %`).join(', ') : '-');
  lines.push('what active sessions were doing (pg_stat_activity every 100 ms; CPU = no wait event):');
  lines.push(`  moveStock main run:              ${waitText(main.waits)}`);
  lines.push(`  wms_post_movement via pgbench:   ${waitText((fv as unknown as { waits: Waits } | undefined)?.waits)}`);
  lines.push(`  pgbench TPC-B:                   ${waitText(tpcb.waits)}`);
  const e = d.contextExplain as { planningMs: number; executionMs: number } | undefined;
  if (e) lines.push(`context query, EXPLAIN ANALYZE median: planning ${fmt(e.planningMs, 3)} ms, execution ${fmt(e.executionMs, 3)} ms`);
  return lines.join('\n');
}

await main();
