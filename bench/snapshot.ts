/**
 * npx tsx bench/snapshot.ts [--bins-per-zone-level N] [--runs N] [--json]
 *
 * The twin's warehouse snapshot at scale: an embedded PGlite (in memory) with a generated warehouse of
 * 100,000 bins (4 zones × 25 aisles × 40 racks × 5 levels × 5 bins), 500 SKUs, and stock in about 70 % of
 * the bins (bulk SQL, some lots with expiry, some QC/hold stock). Then it times, over --runs runs (median):
 *   read       readSnapshot: the REPEATABLE READ transaction (stamp, mutable bin fields, per-bin stock
 *              aggregate); the first run also loads the per-process bin geometry cache (reported apart)
 *   serialize  snapshotToIPC: columns -> Arrow table -> IPC stream bytes
 *   json       snapshotJson + JSON.stringify, for comparison
 * and prints the sizes (raw and gzip). --json prints one JSON object on the last line of stdout.
 * Progress goes to stderr.
 */
import { gzipSync } from 'node:zlib';
import { tableFromIPC } from 'apache-arrow';
import { sql } from 'kysely';
import type { LayoutSpec, ZoneSpec } from '../model/layout-spec.ts';
import { openDatabase } from '../server/db/database.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { createWarehouseFromLayout } from '../server/domain/masterdata/warehouses.ts';
import { readSnapshot, snapshotJson, snapshotToIPC } from '../server/stream/snapshot.ts';
import { flagArg, machineInfo, numberArg, round, say } from './sys.ts';

const argv = process.argv.slice(2);
const opt = {
  json: flagArg(argv, 'json'),
  runs: Math.round(numberArg(argv, 'runs', 5)),
  binsPerLevel: Math.round(numberArg(argv, 'bins-per-level', 5)),
  skus: 500,
};

const zone = (i: number): ZoneSpec => ({
  code: `Z${i + 1}`, name: `Zone ${i + 1}`, kind: i === 3 ? 'bulk' : 'storage', temperature: i === 2 ? 'chilled' : 'ambient',
  origin: { x: i * 140, y: 10 }, aisles: 25, racksPerAisle: 40, levels: 5, binsPerLevel: opt.binsPerLevel,
  bin: { width: 1, depth: 1, height: 1.2, maxWeightKg: 800, maxUnits: 400 },
});
const spec: LayoutSpec = {
  code: 'BIG', name: 'Bench warehouse', zones: [0, 1, 2, 3].map(zone),
  docks: [{ code: 'D1', x: 10, y: 0 }, { code: 'D2', x: 300, y: 0 }], chargers: [{ code: 'C1', x: 560, y: 0 }],
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async <T>(fn: () => T | Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
};

async function main() {
  const database = await openDatabase({});
  try {
    const db = database.db;
    await migrateToLatest(db);
    say('creating the warehouse');
    const [wh, createMs] = await time(() => createWarehouseFromLayout(db, spec));
    say(`${wh.bins} bins in ${Math.round(createMs)} ms; adding SKUs and stock`);

    await db.insertInto('owners').values({ code: 'O1', name: 'Owner' }).execute();
    await sql`insert into skus (code, name, length_m, width_m, height_m, weight_kg, lot_tracked, expiry_tracked)
      select 'SKU-' || lpad(g::text, 4, '0'), 'Item ' || g, 0.1 + (g % 7) * 0.05, 0.1 + (g % 5) * 0.05,
             0.1 + (g % 3) * 0.1, 1, g % 4 = 0, g % 4 = 0
        from generate_series(1, ${opt.skus}) g`.execute(db);
    await sql`insert into lots (sku_id, lot_no, expiry_date)
      select s.id, 'L' || k, current_date + (s.id % 90)::int + k * 30 from skus s, generate_series(1, 3) k
       where s.lot_tracked`.execute(db);
    // About 70 % of the bins hold one SKU; every 5th stocked bin a second one (a lot for lot-tracked SKUs);
    // some of it in QC or on hold.
    await sql`insert into stock_balances (bin_id, sku_id, lot_id, owner_id, status, qty, reserved, first_receipt_at)
      select b.id, s.id, null, o.id,
             case when b.id % 53 = 0 then 'qc' when b.id % 71 = 0 then 'hold' else 'available' end,
             10 + b.id % 90, (b.id % 3) * 2, now() - make_interval(days => (b.id % 200)::int)
        from bins b
        join skus s on s.code = 'SKU-' || lpad((1 + b.id % ${opt.skus})::text, 4, '0')
        cross join owners o
       where b.warehouse_id = ${wh.id} and b.id % 10 < 7`.execute(db);
    await sql`insert into stock_balances (bin_id, sku_id, lot_id, owner_id, status, qty, first_receipt_at)
      select b.id, l.sku_id, l.id, o.id, 'available', 5 + b.id % 20, now() - make_interval(days => (b.id % 30)::int)
        from bins b
        join lots l on l.id = 1 + b.id % (select count(*) from lots)
        cross join owners o
       where b.warehouse_id = ${wh.id} and b.id % 10 < 7 and b.id % 5 = 0`.execute(db);
    await sql`analyze`.execute(db);
    const balances = Number((await sql<{ n: number }>`select count(*)::int as n from stock_balances`.execute(db))
      .rows[0]!.n);
    say(`${balances} balances; timing ${opt.runs} runs`);

    const reads: number[] = [];
    const serializes: number[] = [];
    const jsons: number[] = [];
    let bytes: Uint8Array = new Uint8Array();
    let jsonText = '';
    let rows = 0;
    for (let run = 0; run < opt.runs; run++) {
      const [snapshot, readMs] = await time(() => readSnapshot(db, wh.id));
      const [ipc, serializeMs] = await time(() => snapshotToIPC(snapshot));
      const [text, jsonMs] = await time(() => JSON.stringify(snapshotJson(snapshot)));
      reads.push(readMs);
      serializes.push(serializeMs);
      jsons.push(jsonMs);
      bytes = ipc;
      jsonText = text;
      rows = snapshot.length;
      say(`run ${run + 1}: read ${Math.round(readMs)} ms, serialize ${round(serializeMs)} ms, json ${Math.round(jsonMs)} ms`);
    }
    const [decoded, decodeMs] = await time(() => tableFromIPC(bytes));
    if (decoded.numRows !== rows) throw new Error(`decoded ${decoded.numRows} rows, expected ${rows}`);
    const result = {
      bench: 'snapshot', backend: 'pglite', bins: rows, balances, runs: opt.runs,
      readMs: round(median(reads)), serializeMs: round(median(serializes), 2), jsonMs: round(median(jsons)),
      decodeMs: round(decodeMs, 2),
      arrowBytes: bytes.byteLength, arrowGzipBytes: gzipSync(bytes).byteLength,
      jsonBytes: Buffer.byteLength(jsonText), jsonGzipBytes: gzipSync(jsonText).byteLength,
      bytesPerBin: round(bytes.byteLength / rows, 1), firstReadMs: round(reads[0]!), setupMs: Math.round(createMs), machine: machineInfo(),
    };
    const mb = (n: number) => `${round(n / 1e6, 2)} MB`;
    console.log(`snapshot of ${rows} bins (${balances} balances), median of ${opt.runs} runs, PGlite in memory`);
    console.log(`  read (one REPEATABLE READ tx)   ${result.readMs} ms (first, loading the bin geometry cache: `
      + `${result.firstReadMs} ms)`);
    console.log(`  serialize to Arrow IPC          ${result.serializeMs} ms`);
    console.log(`  Arrow IPC size                  ${result.arrowBytes} bytes (${mb(result.arrowBytes)}, `
      + `${result.bytesPerBin} B/bin; gzip ${mb(result.arrowGzipBytes)})`);
    console.log(`  decode (tableFromIPC)           ${result.decodeMs} ms`);
    console.log(`  JSON form for comparison        ${result.jsonMs} ms, ${mb(result.jsonBytes)} (gzip ${mb(result.jsonGzipBytes)})`);
    if (opt.json) console.log(JSON.stringify(result));
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
