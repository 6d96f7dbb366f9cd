/**
 * The page of `npm run bench:twin` (bench/twin.ts builds it with Vite, serves it with the data and drives it
 * in headless Chromium). It mounts the real Scene full-window and feeds it through the real code paths:
 * Arrow snapshot bytes → BinStore, the layout JSON, `subscribeRecords` with synthetic StockDelta records
 * (batched per 20 ms, like the gateway's ticks), `subscribeAgvFrames` with binary frames encoded by
 * model/protocol/agv-frame.ts (AGVs driving along the layout's travel graph), `fetchBins` answering the
 * refetch of dirty bins from the page's own store.
 *
 * Query: ?set=full|empty&agvs=500&rate=1000&flash=1&drawLimit=1000. Results go to `window.__bench` (see BenchApi).
 *
 * What is timed (performance.now(), 5 µs resolution: the page is served cross-origin isolated):
 *  - input: each call into the scene's subscribe callbacks (records: BinStore.applyRecords, colours, flash
 *    start; AGV frames: decode + AgvTrack.push) and the scene's handling of a refetch answer (patch, recolour);
 *  - frame: each requestAnimationFrame callback of R3F's loop that rendered (useFrame work + gl.render);
 *    `debug.lastRenderMs` is gl.render's part, the rest is our per-frame update work (flashes, colour ranges,
 *    AGV interpolation and matrices) plus R3F's and OrbitControls' own.
 * The inputs between two rendered frames are charged to the later frame.
 */
import { _roots, invalidate } from '@react-three/fiber';
import { createRoot } from 'react-dom/client';
import type { Object3D, WebGLRenderer } from 'three';
import { encodeAgvFrame, type AgvFrameState, type AgvPose } from '../../model/protocol/agv-frame.ts';
import type { StockDelta, StreamRecord } from '../../model/protocol/stream.ts';
import { BinStore, type PatchRow } from '../../twin/src/scene/bins.ts';
import type { LayoutJson } from '../../twin/src/scene/floor.ts';
import Scene, { type AgvFrameInput } from '../../twin/src/scene/Scene.tsx';
import { rng } from '../rng.ts';

export interface FrameSample {
  /** whole R3F frame callback, ms */
  frameMs: number;
  /** gl.render part of it */
  renderMs: number;
  /** input callbacks charged to this frame */
  recordsMs: number;
  agvMs: number;
  refetchMs: number;
  drawCalls: number;
  binDrawCalls: number;
}

export interface LoadFigures {
  bins: number;
  snapshotBytes: number;
  /** snapshot bytes received → end of the first rendered frame with the bins placed (JS side) */
  firstRenderMs: number;
  /** BinStore.fromIPC alone (measured on a second decode after the first render) */
  decodeMs: number;
  drawCalls: number;
  binDrawCalls: number;
  triangles: number;
  usedJSHeapSize: number;
}

export interface RunFigures {
  seconds: number;
  frames: FrameSample[];
  /** records and AGV frames delivered during the window */
  records: number;
  recordBatches: number;
  agvFrames: number;
  refetches: number;
  refetchedBins: number;
  agvsDrawn: number;
  dirtyBins: number;
  /** instanced draws cut to drawLimit instances */
  limitedDraws: number;
  usedJSHeapSize: number;
}

export interface BenchApi {
  phase: 'loading' | 'loaded' | 'running' | 'done' | 'error';
  error: string | null;
  load: LoadFigures | null;
  /** Start the feeds and steady rendering. */
  start(): void;
  /** Record `seconds` s of frames (feeds running). */
  record(seconds: number): Promise<RunFigures>;
  stop(): void;
}

declare global {
  interface Window { __bench?: BenchApi }
}

const params = new URLSearchParams(location.search);
const set = params.get('set') ?? 'full';
const agvCount = Number(params.get('agvs') ?? 500);
const rate = Number(params.get('rate') ?? 1000);
const flash = params.get('flash') !== '0';
/** While the feeds run, let the GPU draw at most this many instances per draw call (0 = no limit); see below. */
const drawLimit = Number(params.get('drawLimit') ?? 0);

const bench: BenchApi = { phase: 'loading', error: null, load: null, start, record, stop };
window.__bench = bench;
const fail = (e: unknown) => {
  bench.phase = 'error';
  bench.error = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
};
window.addEventListener('error', (e) => fail(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => fail(e.reason));

// ------------------------------------------------------------------ probes

let store: BinStore | null = null;
let loadStart = 0;
let onLoaded: (() => void) | null = null;

/** Inputs since the last rendered frame. */
const acc = { records: 0, agv: 0, refetch: 0 };
let recording = false;
let samples: FrameSample[] = [];
let binCalls = 0;

// R3F's frame loop runs in requestAnimationFrame callbacks: time each one (the page's own loops use rawRaf).
const rawRaf = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (cb: FrameRequestCallback) => rawRaf((ts) => {
  const d = window.__wetmsScene;
  const framesBefore = d?.frames ?? 0;
  const n = store?.length ?? -1;
  const placedBefore = !!d && n >= 0 && d.bins === n && d.visibleBins === n;
  binCalls = 0;
  const t0 = performance.now();
  cb(ts);
  const t1 = performance.now();
  if (!d || d.frames === framesBefore) return;
  if (onLoaded && placedBefore && d.drawCalls > 0) {
    const done = onLoaded;
    onLoaded = null;
    done();
  }
  if (!recording) return;
  samples.push({ frameMs: t1 - t0, renderMs: d.lastRenderMs, recordsMs: acc.records, agvMs: acc.agv,
    refetchMs: acc.refetch, drawCalls: d.drawCalls, binDrawCalls: binCalls });
  acc.records = acc.agv = acc.refetch = 0;
});

// SwiftShader costs ~10 µs per instance (~1 s per frame for 100k bins), and Chromium blocks the page's main
// thread (in Commit) until the GPU is done with the previous frame, which starves the feeds' timers. While the
// feeds run, instanced draws are therefore cut to `drawLimit` instances on the GPU side only: three.js makes
// the same WebGL calls, uploads and draw calls; the GPU rasterizes fewer boxes.
let limitDraws = false;
let limitedDraws = 0;
const gl2 = WebGL2RenderingContext.prototype;
const drawElementsInstanced = gl2.drawElementsInstanced;
gl2.drawElementsInstanced = function (mode, count, type, offset, instances) {
  if (limitDraws && drawLimit > 0 && instances > drawLimit) { instances = drawLimit; limitedDraws++; }
  drawElementsInstanced.call(this, mode, count, type, offset, instances);
};
const drawArraysInstanced = gl2.drawArraysInstanced;
gl2.drawArraysInstanced = function (mode, first, count, instances) {
  if (limitDraws && drawLimit > 0 && instances > drawLimit) { instances = drawLimit; limitedDraws++; }
  drawArraysInstanced.call(this, mode, first, count, instances);
};

/** The scene's three.js objects, through R3F's root registry. */
function three(): { scene: Object3D; gl: WebGLRenderer } | null {
  const canvas = document.querySelector('canvas');
  const root = canvas ? _roots.get(canvas) : undefined;
  if (!root) return null;
  const s = root.store.getState();
  return { scene: s.scene, gl: s.gl };
}

/** Count the draw calls of the bins' InstancedMesh (unit BoxGeometry) per frame. */
function hookBinDrawCalls(): boolean {
  const t = three();
  if (!t) return false;
  let found = false;
  t.scene.traverse((o) => {
    const m = o as Object3D & { isInstancedMesh?: boolean; geometry?: { type: string; parameters?: { width?: number } } };
    if (!m.isInstancedMesh || m.geometry?.type !== 'BoxGeometry' || m.geometry.parameters?.width !== 1) return;
    found = true;
    let before = 0;
    o.onBeforeRender = () => { before = t.gl.info.render.calls; };
    o.onAfterRender = () => { binCalls += t.gl.info.render.calls - before; };
  });
  return found;
}

const heap = () => (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;

// ------------------------------------------------------------------ feeds

let recordsCb: ((records: StreamRecord[]) => void) | null = null;
let agvCb: ((frame: AgvFrameInput) => void) | null = null;

const subscribeRecords = (cb: (records: StreamRecord[]) => void) => {
  recordsCb = cb;
  return () => { if (recordsCb === cb) recordsCb = null; };
};
const subscribeAgvFrames = (cb: (frame: AgvFrameInput) => void) => {
  agvCb = cb;
  return () => { if (agvCb === cb) agvCb = null; };
};

let refetches = 0;
let refetchedBins = 0;
/** The server's answer to a refetch of dirty bins: rows as the JSON snapshot has them, from the page's state. */
const fetchBins = (ids: number[]): Promise<PatchRow[]> => new Promise((resolve) => {
  setTimeout(() => {
    const s = store!;
    const rows = ids.map((id): PatchRow => {
      const i = s.indexOf(id);
      const units = i >= 0 ? s.units[i]! : 0;
      return { id, units, reserved: 0, fill: Math.min(1, units / 400), flags: units > 0 ? 0 : 32, skuCount: units > 0 ? 1 : 0,
        maxUnits: 400, topSku: units > 0 ? `SKU-${String(1 + (id % 500)).padStart(4, '0')}` : null,
        oldestReceiptAt: units > 0 ? Date.now() - (id % 200) * 86_400_000 : null, earliestExpiry: null };
    });
    refetches++;
    refetchedBins += rows.length;
    // The scene patches and recolours in the continuation of its `await`, queued by resolve: the microtask
    // queued after it runs once that is done.
    const t0 = performance.now();
    resolve(rows);
    queueMicrotask(() => { acc.refetch += performance.now() - t0; });
  }, 5);
});


/** Stock changes at `rate` per second over random bins, delivered in 20 ms batches. */
function recordFeed(random: () => number) {
  let sent = 0;
  let batches = 0;
  let pos = 1;
  const start = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor((rate * (performance.now() - start)) / 1000) - sent;
    if (due <= 0 || !recordsCb) return;
    const s = store!;
    const at = new Date().toISOString();
    const records: StockDelta[] = [];
    for (let k = 0; k < due; k++) {
      // The empty scene gets the same records, for bins it does not have.
      const i = s.length ? Math.floor(random() * s.length) : -1;
      const binId = i >= 0 ? s.id[i]! : 1 + Math.floor(random() * 100_000);
      const units = i >= 0 ? s.units[i]! : 10;
      let delta = 1 + Math.floor(random() * 5);
      if (units > 0 && random() < 0.5) delta = -Math.min(units, delta);
      const seq = pos;
      records.push({ kind: 'stock', pos: pos++, seq, seqs: [seq], movementType: delta > 0 ? 'putaway' : 'pick', binId,
        skuId: 1 + (binId % 500), lotId: null, ownerId: 1, status: random() < 0.02 ? 'qc' : 'available', delta,
        qty: units + delta, reserved: 0, at });
    }
    sent += due;
    batches++;
    const t0 = performance.now();
    recordsCb(records);
    acc.records += performance.now() - t0;
  }, 20);
  return { stop: () => clearInterval(timer), get sent() { return sent; }, get batches() { return batches; } };
}

/** AGVs driving along the layout's travel graph at 1.5 m/s; one binary frame every 100 ms. */
function agvFeed(layout: LayoutJson, random: () => number) {
  const nodes = new Map(layout.nodes.map((n) => [n.id, n]));
  const next = new Map<string, string[]>();
  for (const e of layout.edges) {
    if (!nodes.has(e.from) || !nodes.has(e.to)) continue;
    (next.get(e.from) ?? next.set(e.from, []).get(e.from)!).push(e.to);
    (next.get(e.to) ?? next.set(e.to, []).get(e.to)!).push(e.from);
  }
  const ids = [...next.keys()];
  const states: AgvFrameState[] = ['moving', 'loaded-moving'];
  const fleet = ids.length === 0 ? [] : Array.from({ length: agvCount }, (_, k) => {
    const from = ids[Math.floor(random() * ids.length)]!;
    const options = next.get(from)!;
    return { from, to: options[Math.floor(random() * options.length)]!, done: random(), state: states[k % 2]! };
  });
  const speed = 1.5;
  let tick = 0;
  let sent = 0;
  let last = performance.now();
  const frame = () => {
    const now = performance.now();
    const dt = (now - last) / 1000;
    last = now;
    const agvs: AgvPose[] = fleet.map((a, index) => {
      let n0 = nodes.get(a.from)!;
      let n1 = nodes.get(a.to)!;
      let left = speed * dt;
      for (;;) {
        const length = Math.max(0.01, Math.hypot(n1.x - n0.x, n1.y - n0.y));
        const remaining = (1 - a.done) * length;
        if (left < remaining) { a.done += left / length; break; }
        left -= remaining;
        const options = next.get(a.to)!;
        const onward = options.length > 1 ? options.filter((o) => o !== a.from) : options;
        a.from = a.to;
        a.to = onward[Math.floor(random() * onward.length)]!;
        a.done = 0;
        n0 = nodes.get(a.from)!;
        n1 = nodes.get(a.to)!;
      }
      return { index, x: n0.x + (n1.x - n0.x) * a.done, y: n0.y + (n1.y - n0.y) * a.done,
        heading: Math.atan2(n1.y - n0.y, n1.x - n0.x), speed, state: a.state, battery: 0.8, taskId: index + 1 };
    });
    const bytes = encodeAgvFrame({ warehouseId: 1, tick: tick++, time: Date.now(), roster: 1, agvs });
    if (!agvCb) return;
    sent++;
    const t0 = performance.now();
    agvCb(bytes.buffer as ArrayBuffer);
    acc.agv += performance.now() - t0;
  };
  frame();
  const timer = setInterval(frame, 100);
  return { stop: () => clearInterval(timer), get sent() { return sent; } };
}

// ------------------------------------------------------------------ run

let layoutJson: LayoutJson | null = null;

let feeds: { stop(): void; records: ReturnType<typeof recordFeed>; agvs: ReturnType<typeof agvFeed> } | null = null;

/** Start the feeds and render every frame (the scene renders on demand; records and moving AGVs invalidate anyway). */
function start() {
  bench.phase = 'running';
  limitDraws = true;
  const random = rng(42);
  const records = recordFeed(random);
  const agvs = agvFeed(layoutJson!, random);
  let steady = true;
  const keepRendering = () => { if (!steady) return; invalidate(); rawRaf(keepRendering); };
  keepRendering();
  feeds = { records, agvs, stop: () => { steady = false; limitDraws = false; records.stop(); agvs.stop(); } };
}

async function record(seconds: number): Promise<RunFigures> {
  const { records, agvs } = feeds!;
  const before = { records: records.sent, batches: records.batches, agv: agvs.sent, refetches, refetchedBins,
    limitedDraws };
  samples = [];
  acc.records = acc.agv = acc.refetch = 0;
  recording = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  recording = false;
  const elapsed = (performance.now() - t0) / 1000;
  const d = window.__wetmsScene!;
  return { seconds: elapsed, frames: samples, records: records.sent - before.records,
    recordBatches: records.batches - before.batches, agvFrames: agvs.sent - before.agv,
    refetches: refetches - before.refetches, refetchedBins: refetchedBins - before.refetchedBins,
    agvsDrawn: d.agvs, dirtyBins: d.dirtyBins, limitedDraws: limitedDraws - before.limitedDraws, usedJSHeapSize: heap() };
}

function stop() {
  feeds?.stop();
  bench.phase = 'done';
}

async function main() {
  layoutJson = await (await fetch(`/data/${set}/layout.json`)).json() as LayoutJson;
  const response = await fetch(`/data/${set}/snapshot.arrow`);
  const snapshot = new Uint8Array(await response.arrayBuffer());
  const loaded = new Promise<number>((resolve) => { onLoaded = () => resolve(performance.now()); });
  loadStart = performance.now();
  createRoot(document.getElementById('root')!).render(
    <Scene snapshot={snapshot} layout={layoutJson} mode="fill" flash={flash} subscribeRecords={subscribeRecords}
      subscribeAgvFrames={subscribeAgvFrames} fetchBins={fetchBins} onStore={(s) => { store = s; }} />,
  );
  const firstRenderAt = await loaded;
  const d = window.__wetmsScene!;
  if (!hookBinDrawCalls()) throw new Error('bench: no bins InstancedMesh found in the scene');
  // Decode alone, for the breakdown of the time to first render (the scene keeps its own store).
  const t0 = performance.now();
  BinStore.fromIPC(snapshot);
  const decodeMs = performance.now() - t0;
  // One more rendered frame, to count the bins' draw calls.
  const frames = d.frames;
  await new Promise<void>((resolve) => {
    invalidate();
    const wait = () => (d.frames > frames ? resolve() : rawRaf(wait));
    rawRaf(wait);
  });
  bench.load = { bins: store!.length, snapshotBytes: snapshot.byteLength, firstRenderMs: firstRenderAt - loadStart,
    decodeMs, drawCalls: d.drawCalls, binDrawCalls: binCalls, triangles: d.triangles,
    usedJSHeapSize: heap() };
  bench.phase = 'loaded';
}

main().catch(fail);
