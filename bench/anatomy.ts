/**
 * npx tsx bench/anatomy.ts [--seconds N] [--clients N] [--json]
 *
 * Where the time of a stock move goes on the database side: an experiment on a throwaway database,
 * never on production code. It drives wms_post_movement with pgbench (C client, prepared, one round
 * trip, no Node in the way) and then removes, one step after the other, things the function's
 * writes pay for, re-measuring each time:
 *   1. as migrated;
 *   2. without the partial index stock_balances_sku (... where qty > 0): an index whose predicate uses
 *      qty makes every balance update non-HOT;
 *   3. also without the foreign keys of ledger_entries, stock_balances and movements (each checked row
 *      costs an index probe and a FOR KEY SHARE lock on the referenced bin/SKU/owner/warehouse row);
 *   4. also without the four secondary indexes of ledger_entries.
 * Steps are cumulative. It also times the context read (loadStockContext's query) as an unnamed
 * statement (what node-postgres sends: parsed and planned on every call) against a named prepared one,
 * and runs pgbench's TPC-B on a second database for reference. Both databases are dropped at the end.
 */
import pg from 'pg';
import { openDatabase } from '../server/db/database.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { checkLedger } from '../server/domain/inventory/ledger-check.ts';
import { moveStock } from '../server/domain/inventory/operations.ts';
import { MOVE_FUNCTION_SCRIPT, moveScriptVars, pgbenchInit, pgbenchRun } from './pgbench.ts';
import {
  adminQuery, cpuSnapshot, cpuUse, createThrowaway, flagArg, functionStats, numberArg, perCall, rng, round, say,
  type Throwaway,
} from './sys.ts';
import { QueryTimer, setupFixture } from './workload.ts';

const argv = process.argv.slice(2);
const seconds = numberArg(argv, 'seconds', 8);
const clients = Math.round(numberArg(argv, 'clients', 8));
const baseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

const throwaways: Throwaway[] = [];
const results: Record<string, unknown>[] = [];

async function measureFunction(url: string, fx: Parameters<typeof moveScriptVars>[0], step: string, n: number) {
  await adminQuery(baseUrl, 'checkpoint');
  const before = await functionStats(url);
  const tables0 = await balanceUpdates(url);
  const a = cpuSnapshot();
  say(`${step}: wms_post_movement via pgbench -c ${n}, ${seconds} s`);
  const r = await pgbenchRun(url, { clients: n, threads: Math.min(n, 2), seconds, script: MOVE_FUNCTION_SCRIPT,
    vars: moveScriptVars(fx) });
  const cpu = cpuUse(a, cpuSnapshot());
  const fn = perCall(before, await functionStats(url));
  const tables1 = await balanceUpdates(url);
  const updates = tables1.upd - tables0.upd;
  const row = {
    step, clients: n, tps: round(r.tps), latencyMs: r.latencyMs, failed: r.failed, functionServerMs: fn.meanMs,
    postgresCpuMsPerMove: round((cpu.postgresCores * 1000) / r.tps, 3),
    hotUpdateShare: updates > 0 ? round((tables1.hot - tables0.hot) / updates, 3) : null,
    busy: cpu.machineBusy, otherCores: cpu.otherCores,
  };
  results.push(row);
  say(`  ${JSON.stringify(row)}`);
}

async function balanceUpdates(url: string) {
  const { rows } = await adminQuery(url, `select n_tup_upd::float8 as upd, n_tup_hot_upd::float8 as hot
    from pg_stat_user_tables where relname = 'stock_balances'`);
  return { upd: rows[0]?.upd ?? 0, hot: rows[0]?.hot ?? 0 };
}

/** Mean latency and postgres CPU of the context query on one connection: unnamed vs named (prepared). */
async function contextQuery(url: string, sample: { sql: string; parameters: readonly unknown[] }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const out: Record<string, unknown> = {};
  try {
    for (const mode of ['unnamed', 'prepared', 'unnamed ', 'prepared '] as const) {
      const end = performance.now() + 3000;
      let n = 0;
      const a = cpuSnapshot();
      while (performance.now() < end) {
        await client.query(mode.startsWith('prepared')
          ? { name: 'bench_context', text: sample.sql, values: sample.parameters as unknown[] }
          : { text: sample.sql, values: sample.parameters as unknown[] });
        n++;
      }
      const cpu = cpuUse(a, cpuSnapshot());
      const row = { mode: mode.trim(), perSec: round(n / 3), meanMs: round(3000 / n, 3),
        postgresCpuMs: round((cpu.postgresCores * 3000) / n, 3), nodeCpuMs: round((cpu.nodeCores * 3000) / n, 3) };
      say(`  context query ${JSON.stringify(row)}`);
      out[mode] = row; // the second pass of each mode is the one reported
    }
  } finally {
    await client.end();
  }
  return { unnamed: out['unnamed '], prepared: out['prepared '] };
}

async function main() {
  try {
    const wetms = await createThrowaway(baseUrl, 'wetms_bench');
    throwaways.push(wetms);
    await adminQuery(baseUrl, `alter database ${wetms.name} set track_functions = 'all'`);
    say(`setup ${wetms.name}`);
    const database = await openDatabase({ databaseUrl: wetms.url });
    await migrateToLatest(database.db);
    const random = rng(7);
    const fx = await setupFixture(database.db, { skus: 300, stockedBins: 3000, qtyPerBin: 1000, random, log: say });
    // One service-layer move through the timing plugin, to capture the context query as sent.
    const timer = new QueryTimer();
    await moveStock(database.db.withPlugin(timer), fx.actor, { fromBin: fx.stock[0]!.bin, toBin: fx.binCodes[0]!,
      sku: fx.stock[0]!.sku, qty: 1 });
    await database.close();
    await adminQuery(wetms.url, 'vacuum analyze');

    const pgb = await createThrowaway(baseUrl, 'wetms_pgbench');
    throwaways.push(pgb);
    await pgbenchInit(pgb.url, 8);
    await adminQuery(baseUrl, 'checkpoint');
    say(`reference: pgbench TPC-B -c ${clients}, ${seconds} s`);
    const a = cpuSnapshot();
    const tpcb = await pgbenchRun(pgb.url, { clients, threads: 2, seconds });
    const cpu = cpuUse(a, cpuSnapshot());
    const reference = { tps: round(tpcb.tps), latencyMs: tpcb.latencyMs,
      postgresCpuMsPerTx: round((cpu.postgresCores * 1000) / tpcb.tps, 3), busy: cpu.machineBusy };
    say(`  ${JSON.stringify(reference)}`);

    const context = timer.sample ? await contextQuery(wetms.url, timer.sample) : null;

    const steps: [string, string[]][] = [
      ['1 as migrated', []],
      ['2 - partial index on qty', ['drop index stock_balances_sku']],
      ['3 - foreign keys', [
        `do $$ declare c record; begin
           for c in select conrelid::regclass as t, conname from pg_constraint
             where contype = 'f' and conrelid::regclass::text in ('ledger_entries', 'stock_balances', 'movements')
           loop execute format('alter table %s drop constraint %I', c.t, c.conname); end loop; end $$`]],
      ['4 - ledger secondary indexes', ['drop index ledger_bin_at', 'drop index ledger_lot', 'drop index ledger_movement',
        'drop index ledger_sku_at']],
    ];
    for (const [step, ddl] of steps) {
      for (const statement of ddl) await adminQuery(wetms.url, statement);
      await measureFunction(wetms.url, fx, step, 1);
      await measureFunction(wetms.url, fx, step, clients);
    }

    const checkDb = await openDatabase({ databaseUrl: wetms.url });
    const ledger = await checkLedger(checkDb.db);
    await checkDb.close();

    const rows = [['step', 'clients', 'tps', 'latency ms', 'fn server ms', 'pg CPU ms/move', 'HOT share', 'busy %'],
      ...results.map((r) => [r.step, r.clients, r.tps, r.latencyMs, r.functionServerMs, r.postgresCpuMsPerMove,
        r.hotUpdateShare, round(Number(r.busy) * 100, 0)].map(String))];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    console.log(`pgbench TPC-B reference (-c ${clients}): ${reference.tps} tps, latency ${reference.latencyMs} ms, ` +
      `postgres CPU ${reference.postgresCpuMsPerTx} ms/tx`);
    console.log(rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '))
      .join('\n'));
    if (context) {
      console.log(`context query, 1 connection: unnamed ${JSON.stringify(context.unnamed)}`);
      console.log(`context query, 1 connection: prepared ${JSON.stringify(context.prepared)}`);
    }
    console.log(`ledger: ${ledger.ok ? 'ok' : 'MISMATCH'} (${ledger.keys} keys, ${ledger.ledgerRows} rows)`);
    if (flagArg(argv, 'json')) console.log(JSON.stringify({ reference, steps: results, context, ledgerOk: ledger.ok }));
  } catch (error) {
    process.exitCode = 1;
    say(`failed: ${(error as Error).stack ?? error}`);
  } finally {
    for (const t of throwaways) await t.drop().then(() => say(`dropped ${t.name}`), (e) => say(`drop ${t.name}: ${e}`));
  }
}

await main();
