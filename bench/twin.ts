/**
 * npm run bench:twin [-- --bins 100000 --agvs 500 --rate 1000 --seconds 10 --warmup 3 --draw-limit 100 --json]
 *
 * The 3D twin in headless Chromium (Debian's /usr/bin/chromium, WebGL through SwiftShader, driven by
 * playwright-core): the real Scene (twin/src/scene) on a page of its own (bench/twin-page, built here with
 * Vite into a temp dir and served with the data by a local HTTP server), in two scenes in the same run:
 *   empty      0 bins, 0 AGVs, the same page and feeds (records for bins it does not have, empty AGV frames)
 *   warehouse  --bins bins from the real layout generator (model/layout.ts; 4 zones × 25 aisles × 40 racks ×
 *              5 levels × 5 bins for 100,000), snapshot bytes from the server's own encoder (snapshotToIPC)
 *              with synthetic occupancy, the layout JSON from the server's builder (layoutBody); --agvs AGVs
 *              driving along the travel graph
 * Both get --rate stock changes/s (20 ms batches of StockDelta records over random bins, through
 * `subscribeRecords`) and 10 Hz binary AGV frames (`subscribeAgvFrames`), and render every frame.
 *
 * Reported per scene: time to first render (snapshot bytes received → first frame with the bins placed,
 * JS side), draw calls (all, and the bins' InstancedMesh alone), JS time per rendered frame for the updates
 * (input callbacks charged to the frame + the frame's own work outside gl.render: mean, p95), gl.render's CPU
 * time apart, frames, the main thread's script time per second (CDP Performance metrics) and the JS heap and
 * ArrayBuffer backing stores after load and at the end (CDP Runtime.getHeapUsage after a forced GC).
 * Software rendering: the frame rate says nothing about a GPU machine; JS time and draw calls do. The frame
 * rate sets how many changes land in one frame, so the updates' cost is also given as at 60 frames/s: input
 * JS per second / 60 + the per-frame work.
 * Targets (issue 5): <= 20 draw calls for the bins, < 2 ms JS per frame for the updates.
 *
 * --draw-limit N (default 100; 0 = none): SwiftShader spends ~10 µs per instance (~1 s per frame for 100k
 * bins) and Chromium blocks the page's main thread (in Commit) until the GPU is done, which starves the feeds
 * (measured without the limit: 0.5 frames/s, AGV frames at 0.3/s instead of 10). So while the feeds run, the
 * page cuts instanced draws to N instances on the GPU side (a WebGL2 prototype wrapper): three.js makes the
 * same calls, uploads and draw calls, SwiftShader rasterizes fewer boxes. The first render is drawn in full.
 * --width/--height: the window (1280x720); --no-flash: without the change flash (the app has it on);
 * --profile file: a CPU profile (.cpuprofile) of the warehouse's recording window, page built unminified;
 * --trace file: a Chromium trace of the same window; CHROMIUM=path: another Chromium binary.
 *
 * --json prints one JSON object on the last line of stdout; progress goes to stderr.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { chromium, type Browser, type CDPSession } from 'playwright-core';
import { build } from 'vite';
import type { LayoutSpec, ZoneSpec } from '../model/layout-spec.ts';
import { generateLayout } from '../model/layout.ts';
import { BinFlag, emptySnapshot, layoutBody, snapshotToIPC, type WarehouseLayoutBody, type WarehouseSnapshot }
  from '../server/stream/snapshot.ts';
import type { FrameSample, LoadFigures, RunFigures } from './twin-page/main.tsx';
import { flagArg, machineInfo, numberArg, percentile, rng, round, say } from './sys.ts';

const argv = process.argv.slice(2);
const stringArg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
/** Like numberArg, zero allowed (--agvs 0, --rate 0: the scene without that feed). */
const countArg = (name: string, fallback: number) => {
  const raw = stringArg(name);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number >= 0, got ${raw}`);
  return value;
};
const opt = {
  bins: Math.round(numberArg(argv, 'bins', 100_000)),
  agvs: Math.round(countArg('agvs', 500)),
  rate: countArg('rate', 1000),
  seconds: numberArg(argv, 'seconds', 10),
  warmup: numberArg(argv, 'warmup', 3),
  width: Math.round(numberArg(argv, 'width', 1280)),
  height: Math.round(numberArg(argv, 'height', 720)),
  flash: !flagArg(argv, 'no-flash'),
  /** GPU-side cap on instances per draw while the feeds run (0 = none): see bench/twin-page/main.tsx. */
  drawLimit: Math.round(countArg('draw-limit', 100)),
  json: flagArg(argv, 'json'),
  profile: stringArg('profile'),
  trace: stringArg('trace'),
  chromium: process.env.CHROMIUM ?? '/usr/bin/chromium',
};
const CHROMIUM_ARGS = ['--use-gl=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
  '--enable-precise-memory-info'];
const TARGET = { binDrawCalls: 20, updateMs: 2 };

// ------------------------------------------------------------------ data

/** 1,000 bins per aisle (40 racks × 5 levels × 5 bins), up to 25 aisles per zone, like bench/snapshot.ts. */
function warehouseSpec(bins: number): LayoutSpec {
  const aisles = Math.max(1, Math.round(bins / 1000));
  const zoneCount = Math.ceil(aisles / 25);
  const zones = Array.from({ length: zoneCount }, (_, i): ZoneSpec => ({
    code: `Z${i + 1}`, name: `Zone ${i + 1}`, kind: i === 3 ? 'bulk' : 'storage',
    temperature: i === 2 ? 'chilled' : 'ambient', origin: { x: i * 140, y: 10 },
    aisles: Math.min(25, aisles - i * 25), racksPerAisle: 40, levels: 5, binsPerLevel: 5,
    bin: { width: 1, depth: 1, height: 1.2, maxWeightKg: 800, maxUnits: 400 },
  }));
  const width = zoneCount * 140;
  return {
    code: 'BIG', name: 'Bench warehouse', zones,
    docks: [{ code: 'D1', x: 10, y: 0 }, { code: 'D2', x: width / 2, y: 0 }], chargers: [{ code: 'C1', x: width - 20, y: 0 }],
  };
}

const MS_PER_DAY = 86_400_000;

/**
 * The snapshot the server would send for the generated layout: bin ids 1..n in layout order, about 70 % of
 * the bins stocked (10..99 units, one or two SKUs of 500, fill from a per-SKU unit volume), some QC / hold
 * stock, a few blocked bins, receipts up to 200 days old, expiry dates on a quarter of the stocked bins.
 */
function syntheticSnapshot(layout: ReturnType<typeof generateLayout>, now: number): WarehouseSnapshot {
  const random = rng(7);
  const bins = layout.bins;
  const n = bins.length;
  const zoneIndex = new Map(layout.zones.map((z, i) => [z.code, i]));
  const s: WarehouseSnapshot = emptySnapshot(n, { pos: 0, skip: [], warehouse: { id: 1, code: 'BIG',
    name: 'Bench warehouse' }, generatedAt: now, zones: layout.zones.map((z) => ({ code: z.code, kind: z.kind })),
    skus: Array.from({ length: 500 }, (_, k) => `SKU-${String(k + 1).padStart(4, '0')}`) });
  const unitVolume = Array.from({ length: 500 }, (_, k) => (0.1 + (k % 7) * 0.05) * (0.1 + (k % 5) * 0.05) * (0.1 + (k % 3) * 0.1));
  for (let i = 0; i < n; i++) {
    const b = bins[i]!;
    s.id[i] = i + 1;
    s.code[i] = b.code;
    s.zone[i] = zoneIndex.get(b.zoneCode)!;
    s.aisle[i] = b.aisle;
    s.level[i] = b.level;
    s.x[i] = b.x; s.y[i] = b.y; s.z[i] = b.z;
    s.width[i] = b.width; s.depth[i] = b.depth; s.height[i] = b.height;
    s.maxUnits[i] = b.maxUnits ?? -1;
    if (random() < 0.005) s.flags[i]! |= BinFlag.BLOCKED;
    if (random() >= 0.7) continue;
    const sku = Math.floor(random() * 500);
    const units = 10 + Math.floor(random() * 90);
    s.units[i] = units;
    s.reserved[i] = random() < 0.2 ? Math.floor(random() * 5) : 0;
    s.fill[i] = Math.min(1, (units * unitVolume[sku]!) / b.maxVolumeM3);
    s.flags[i] = (s.flags[i]! & ~BinFlag.EMPTY) | (random() < 0.02 ? BinFlag.QC : 0) | (random() < 0.015 ? BinFlag.HOLD : 0);
    s.skuCount[i] = random() < 0.2 ? 2 : 1;
    s.topSku[i] = sku;
    s.oldestReceiptAt[i] = now - Math.floor(random() * 200 * MS_PER_DAY);
    if (random() < 0.25) s.earliestExpiry[i] = Math.floor(now / MS_PER_DAY) - 10 + Math.floor(random() * 120);
  }
  return s;
}


// ------------------------------------------------------------------ page build and server

async function buildPage(outDir: string) {
  const root = fileURLToPath(new URL('./twin-page/', import.meta.url));
  await build({
    root, base: '/', configFile: false, logLevel: 'warn', plugins: [react()],
    // Readable names in CPU profiles (--profile).
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 5000, reportCompressedSize: false,
      minify: !opt.profile },
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.arrow': 'application/vnd.apache.arrow.stream', '.svg': 'image/svg+xml',
};

function serve(dir: string, data: Map<string, Uint8Array | string>): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let body: Uint8Array | string | undefined = data.get(url.pathname);
    if (body === undefined) {
      const file = path.join(dir, path.normalize(url.pathname === '/' ? '/index.html' : url.pathname));
      if (file.startsWith(dir)) {
        try { body = readFileSync(file); } catch { /* 404 below */ }
      }
    }
    if (body === undefined) { res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end(); return; }
    // Cross-origin isolated: performance.now() at 5 µs instead of 100 µs.
    res.writeHead(200, { 'content-type': TYPES[path.extname(url.pathname)] ?? 'text/html; charset=utf-8',
      'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp',
      'cache-control': 'no-store' });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ------------------------------------------------------------------ one scene in the browser

type Heap = Awaited<ReturnType<typeof heapAfterGc>>;
interface SceneRun { load: LoadFigures; run: RunFigures; heapLoad: Heap; heapEnd: Heap;
  scriptSecondsPerSecond: number; taskSecondsPerSecond: number }

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** After a forced GC: the JS heap and the backing stores of ArrayBuffers (typed arrays live there), bytes. */
async function heapAfterGc(cdp: CDPSession): Promise<{ js: number; arrayBuffers: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  return { js: usage.usedSize, arrayBuffers: usage.backingStorageSize };
}

async function runScene(browser: Browser, base: string, set: 'empty' | 'full', record: boolean,
  profile?: string): Promise<SceneRun | null> {
  const context = await browser.newContext({ viewport: { width: opt.width, height: opt.height }, deviceScaleFactor: 1 });
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => say(`  page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') say(`  console error: ${m.text()}`); });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${base}/?set=${set}&agvs=${set === 'full' ? opt.agvs : 0}&rate=${opt.rate}&flash=${opt.flash ? 1 : 0}&drawLimit=${opt.drawLimit}`);
    await page.waitForFunction(() => ['loaded', 'error'].includes(window.__bench?.phase ?? ''), null,
      { timeout: 600_000, polling: 200 });
    const error = await page.evaluate(() => window.__bench!.error);
    if (error) throw new Error(`bench page (${set}): ${error}`);
    const load = (await page.evaluate(() => window.__bench!.load))!;
    if (!record) return null;
    const heapLoad = await heapAfterGc(cdp);
    say(`  ${set}: first render ${round(load.firstRenderMs)} ms; feeds on, ${opt.warmup} s warm-up, ${opt.seconds} s recording`);
    await page.evaluate(() => window.__bench!.start());
    await page.waitForTimeout(opt.warmup * 1000);
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    if (set === 'full' && opt.trace) await browser.startTracing(page, { path: opt.trace, screenshots: false });
    const m0 = await metrics(cdp);
    const run = await page.evaluate((s) => window.__bench!.record(s), opt.seconds);
    const m1 = await metrics(cdp);
    if (set === 'full' && opt.trace) { await browser.stopTracing(); say(`  trace written to ${opt.trace}`); }
    if (profile) {
      const { profile: p } = await cdp.send('Profiler.stop');
      writeFileSync(profile, JSON.stringify(p));
      say(`  CPU profile written to ${profile}`);
    }
    await page.evaluate(() => window.__bench!.stop());
    const error2 = await page.evaluate(() => window.__bench!.error);
    if (error2) throw new Error(`bench page (${set}): ${error2}`);
    const heapEnd = await heapAfterGc(cdp);
    const span = (m1.Timestamp! - m0.Timestamp!) || run.seconds;
    return { load, run, heapLoad, heapEnd,
      scriptSecondsPerSecond: (m1.ScriptDuration! - m0.ScriptDuration!) / span,
      taskSecondsPerSecond: (m1.TaskDuration! - m0.TaskDuration!) / span };
  } finally {
    await context.close();
  }
}

// ------------------------------------------------------------------ figures

function stats(xs: number[]) {
  const sorted = Float64Array.from(xs).sort();
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { mean: round(mean, 3), p50: round(percentile(sorted, 50), 3), p95: round(percentile(sorted, 95), 3),
    max: round(sorted.length ? sorted[sorted.length - 1]! : NaN, 3) };
}

function figures(r: SceneRun) {
  const f: FrameSample[] = r.run.frames;
  const own = (s: FrameSample) => s.frameMs - s.renderMs;
  const input = (s: FrameSample) => s.recordsMs + s.agvMs + s.refetchMs;
  const secs = r.run.seconds;
  const inputPerSecond = f.reduce((a, s) => a + input(s), 0) / secs;
  const update = stats(f.map((s) => own(s) + input(s)));
  const frameWork = stats(f.map(own));
  return {
    bins: r.load.bins,
    snapshotBytes: r.load.snapshotBytes,
    firstRenderMs: round(r.load.firstRenderMs, 1),
    decodeMs: round(r.load.decodeMs, 1),
    drawCalls: Math.max(r.load.drawCalls, ...f.map((s) => s.drawCalls)),
    binDrawCalls: Math.max(r.load.binDrawCalls, ...f.map((s) => s.binDrawCalls)),
    triangles: r.load.triangles,
    frames: f.length,
    fps: round(f.length / secs, 1),
    recordsPerSecond: round(r.run.records / secs, 0),
    agvFramesPerSecond: round(r.run.agvFrames / secs, 1),
    refetchedBinsPerSecond: round(r.run.refetchedBins / secs, 0),
    agvsDrawn: r.run.agvsDrawn,
    limitedDraws: r.run.limitedDraws,
    /** JS per rendered frame for the updates: input charged to the frame + the frame's work outside gl.render */
    updateMs: update,
    frameWorkMs: frameWork,
    recordsMs: stats(f.map((s) => s.recordsMs)),
    agvMs: stats(f.map((s) => s.agvMs)),
    refetchMs: stats(f.map((s) => s.refetchMs)),
    inputMsPerSecond: round(inputPerSecond, 2),
    /** the same at 60 frames/s: input per second spread over 60 frames + the per-frame work */
    updateMsAt60: round(inputPerSecond / 60 + frameWork.mean, 3),
    renderMs: stats(f.map((s) => s.renderMs)),
    scriptMsPerSecond: round(r.scriptSecondsPerSecond * 1000, 1),
    mainThreadBusyMsPerSecond: round(r.taskSecondsPerSecond * 1000, 1),
    heapAfterLoadMB: round(r.heapLoad.js / 1e6, 1),
    arrayBuffersAfterLoadMB: round(r.heapLoad.arrayBuffers / 1e6, 1),
    heapAtEndMB: round(r.heapEnd.js / 1e6, 1),
    arrayBuffersAtEndMB: round(r.heapEnd.arrayBuffers / 1e6, 1),
    /** performance.memory.usedJSHeapSize at the end of the window, before the GC */
    usedJSHeapSizeAtEndMB: round(r.run.usedJSHeapSize / 1e6, 1),
  };
}

// ------------------------------------------------------------------ main

async function main() {
  const t0 = performance.now();
  say(`generating the layout (${opt.bins} bins requested)`);
  const layout = generateLayout(warehouseSpec(opt.bins));
  const now = Date.now();
  const full = syntheticSnapshot(layout, now);
  const fullIpc = snapshotToIPC(full);
  const emptyIpc = snapshotToIPC(emptySnapshot(0, { pos: full.pos, skip: full.skip, warehouse: full.warehouse,
    generatedAt: full.generatedAt, zones: [], skus: [] }));
  const fullLayout = layoutBody({ id: 1, code: 'BIG' }, layout, new Map(layout.zones.map((z, i) => [z.code, i + 1])));
  const emptyLayout: WarehouseLayoutBody = { ...fullLayout, zones: [], nodes: [], edges: [], docks: [], chargers: [] };
  say(`${full.length} bins, ${layout.nodes.length} graph nodes; snapshot ${round(fullIpc.byteLength / 1e6, 2)} MB `
    + `(${Math.round(performance.now() - t0)} ms)`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'wetms-bench-twin-'));
  let server: Server | null = null;
  let browser: Browser | null = null;
  try {
    say('building the bench page with Vite');
    const t1 = performance.now();
    await buildPage(dir);
    say(`built in ${round((performance.now() - t1) / 1000)} s`);
    const data = new Map<string, Uint8Array | string>([
      ['/data/full/snapshot.arrow', fullIpc], ['/data/full/layout.json', JSON.stringify(fullLayout)],
      ['/data/empty/snapshot.arrow', emptyIpc], ['/data/empty/layout.json', JSON.stringify(emptyLayout)],
    ]);
    server = await serve(dir, data);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    say(`launching ${opt.chromium} (SwiftShader)`);
    browser = await chromium.launch({ executablePath: opt.chromium, args: CHROMIUM_ARGS });
    const version = browser.version();
    say('warm-up load (empty scene, not reported)');
    await runScene(browser, base, 'empty', false);
    say('empty scene');
    const empty = (await runScene(browser, base, 'empty', true))!;
    say(`warehouse scene (${full.length} bins, ${opt.agvs} AGVs)`);
    const warehouse = (await runScene(browser, base, 'full', true, opt.profile))!;
    print(figures(empty), figures(warehouse), version);
  } finally {
    await browser?.close();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function print(e: ReturnType<typeof figures>, w: ReturnType<typeof figures>, version: string) {
  const ratio = (a: number, b: number) => (b > 0 ? `${round(a / b, 1)}x` : '-');
  const num = (x: number) => (Number.isInteger(x) ? x.toLocaleString('en-US') : String(x));
  const rows: [string, number, number, boolean][] = [
    ['time to first render (snapshot bytes -> frame), ms', e.firstRenderMs, w.firstRenderMs, true],
    ['  of which BinStore.fromIPC, ms', e.decodeMs, w.decodeMs, true],
    ['draw calls per frame (all)', e.drawCalls, w.drawCalls, true],
    ['draw calls per frame (bins)', e.binDrawCalls, w.binDrawCalls, false],
    ['frames rendered', e.frames, w.frames, false],
    ['  frames/s (software rendering: not meaningful)', e.fps, w.fps, false],
    ['JS per frame for the updates, mean ms', e.updateMs.mean, w.updateMs.mean, true],
    ['JS per frame for the updates, p95 ms', e.updateMs.p95, w.updateMs.p95, true],
    ['  records callback per frame, mean ms', e.recordsMs.mean, w.recordsMs.mean, true],
    ['  AGV frame callback per frame, mean ms', e.agvMs.mean, w.agvMs.mean, true],
    ['  refetch answers per frame, mean ms', e.refetchMs.mean, w.refetchMs.mean, true],
    ['  frame work outside gl.render, mean ms', e.frameWorkMs.mean, w.frameWorkMs.mean, true],
    ['  frame work outside gl.render, p95 ms', e.frameWorkMs.p95, w.frameWorkMs.p95, true],
    ['JS for the updates at 60 frames/s, ms per frame', e.updateMsAt60, w.updateMsAt60, true],
    ['gl.render CPU time, mean ms', e.renderMs.mean, w.renderMs.mean, true],
    ['gl.render CPU time, p95 ms', e.renderMs.p95, w.renderMs.p95, true],
    ['main thread script time incl. the feeds, ms per second', e.scriptMsPerSecond, w.scriptMsPerSecond, true],
    ['main thread busy (all tasks), ms per second', e.mainThreadBusyMsPerSecond, w.mainThreadBusyMsPerSecond, true],
    ['JS heap after load (after GC), MB', e.heapAfterLoadMB, w.heapAfterLoadMB, true],
    ['  + ArrayBuffers (typed arrays), MB', e.arrayBuffersAfterLoadMB, w.arrayBuffersAfterLoadMB, true],
    ['JS heap at the end (after GC), MB', e.heapAtEndMB, w.heapAtEndMB, true],
    ['  + ArrayBuffers (typed arrays), MB', e.arrayBuffersAtEndMB, w.arrayBuffersAtEndMB, true],
  ];
  const pad = Math.max(...rows.map((r) => r[0].length)) + 2;
  const lines = [
    `twin in headless Chromium ${version} + SwiftShader, ${opt.width}x${opt.height}: ${num(w.bins)} bins, `
      + `${w.agvsDrawn} AGVs; ${w.recordsPerSecond} stock changes/s applied (target ${opt.rate}), `
      + `${w.agvFramesPerSecond} AGV frames/s, ${w.refetchedBinsPerSecond} dirty bins refetched/s; `
      + `${round(opt.seconds, 1)} s per scene${opt.flash ? ', flash on' : ''}`
      + (opt.drawLimit ? `; while the feeds run the GPU draws at most ${opt.drawLimit} instances per draw (same WebGL calls)` : ''),
    `${''.padEnd(pad)}${'empty'.padStart(10)}${'warehouse'.padStart(12)}${'ratio'.padStart(9)}`,
    ...rows.map(([label, a, b, showRatio]) =>
      `${label.padEnd(pad)}${num(a).padStart(10)}${num(b).padStart(12)}${(showRatio ? ratio(b, a) : '').padStart(9)}`),
  ];
  const binsMet = w.binDrawCalls <= TARGET.binDrawCalls;
  const updateMet = w.updateMsAt60 < TARGET.updateMs && w.updateMs.mean < TARGET.updateMs;
  lines.push(`target bins draw calls <= ${TARGET.binDrawCalls}: ${w.binDrawCalls} (${binsMet ? 'MET' : 'NOT MET'})`);
  lines.push(`target JS per frame for the updates < ${TARGET.updateMs} ms: mean ${w.updateMs.mean} ms at ${w.fps} `
    + `frames/s, ${w.updateMsAt60} ms at 60 frames/s (${updateMet ? 'MET' : 'NOT MET'}); p95 ${w.updateMs.p95} ms`);
  for (const l of lines) console.log(l);
  if (opt.json) {
    console.log(JSON.stringify({ bench: 'twin', chromium: version, options: { ...opt, chromium: undefined },
      targets: { binDrawCalls: binsMet, updateMs: updateMet }, empty: e, warehouse: w, machine: machineInfo() }));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
