/**
 * npx tsx bench/route-quality.ts [--lists N] [--seed N] [--min-stops N] [--max-stops N] [--json]
 *
 * Route quality and planning time of the pick router on the ambient demo warehouse (WH1).
 * Random pick lists (mostly PICK zone bins, a quarter across STOR/PICK/BULK), starting and ending
 * at a dock or a front cross node of the staging zone. Each list is routed by planPickRoute, by the
 * S-shape and largest-gap policies and by plain local search, and compared with the optimum
 * computed in the same run: Held-Karp for lists of up to 14 stops, Ratliff-Rosenthal for longer
 * single-zone lists. Longer multi-zone lists have no independent reference and are reported apart.
 * Planning time is measured per list after a short warm-up, on one shared RouteGraph (as the
 * product would hold one per layout); a separate batch of 40-stop lists measures the target size.
 * Max times include garbage-collection pauses caused by the reference solvers run in between.
 * Progress goes to stderr; --json prints one JSON object on the last line of stdout.
 */
import { pathToFileURL } from 'node:url';
import { ambientDemoLayout } from '../model/demo-layouts.ts';
import { generateLayout, type GeneratedLayout } from '../model/layout.ts';
import {
  createRouteGraph, heldKarpRoute, largestGapRoute, localSearchRoute, planPickRoute, ratliffRosenthalRoute, sShapeRoute,
  type PickRoute, type RouteGraph, type RouteRequest,
} from '../scenarios/routing/index.ts';
import { Random } from '../model/random.ts';

export interface RouteQualityOptions {
  lists: number;
  seed: number;
  minStops: number;
  maxStops: number;
  log?: (s: string) => void;
}

export interface RatioStats {
  lists: number;
  mean: number;
  max: number;
  /** Share of lists routed at the reference length (within 1e-9 relative). */
  atReference: number;
}

export interface TimingStats {
  lists: number;
  meanMs: number;
  p95Ms: number;
  maxMs: number;
}

type Compared = 'plan' | 'sShape' | 'largestGap' | 'localSearch';
const COMPARED: readonly Compared[] = ['plan', 'sShape', 'largestGap', 'localSearch'];

export interface RouteQualityResult {
  layout: string;
  seed: number;
  lists: number;
  stopRange: [number, number];
  mix: { pickZoneOnly: number; multiZone: number };
  /** Lists with an exact reference, and which solver gave it. */
  reference: { lists: number; heldKarp: number; ratliffRosenthal: number };
  /** Route length / optimum, over lists with an exact reference. */
  vsOptimal: Record<Compared, RatioStats>;
  /** Same, split by reference: Held-Karp is independent of the router; Ratliff-Rosenthal is the router's own method. */
  vsHeldKarp: Record<Compared, RatioStats>;
  vsRatliffRosenthal: Record<Compared, RatioStats>;
  /** Multi-zone lists beyond Held-Karp: lengths relative to planPickRoute's. */
  noReference: { lists: number; vsPlan: Record<Compared, RatioStats> };
  /** How planPickRoute solved the lists. */
  planMethods: Record<string, number>;
  planTiming: { all: TimingStats; byStops: (TimingStats & { stops: string })[] };
  fortyStops: { plan: TimingStats; localSearch: TimingStats; planMethods: Record<string, number> };
  /** One-off cost of building the RouteGraph of the layout. */
  graphBuildMs: number;
  targets: { meanExcessPct: number; meanWithin3Pct: boolean; fortyStopP95Ms: number; fortyStopUnder50Ms: boolean };
}

const HELD_KARP_REFERENCE_MAX = 14;
const WARMUP_LISTS = 20;

interface PickList {
  request: RouteRequest;
  zones: number;
}

/** Lists over the demo layout: PICK-zone bins mostly, some over STOR/PICK/BULK (zone chosen per stop). */
function listMaker(layout: GeneratedLayout, graph: RouteGraph, rng: Random): (stops: number) => PickList {
  const binsOf = (zone: string) => layout.bins.filter((b) => b.zoneCode === zone);
  const pick = binsOf('PICK');
  const mixed = [binsOf('STOR'), pick, binsOf('BULK')];
  const staging = layout.zones.find((z) => z.kind === 'staging');
  const stagingFronts = staging
    ? Array.from({ length: staging.aisleCount }, (_, i) => `A${String(staging.firstAisle + i).padStart(2, '0')}-F`).filter((id) => graph.has(id))
    : [];
  const ends = [...layout.docks.map((d) => d.node), ...stagingFronts];
  let serial = 0;
  return (count) => {
    const multi = rng.chance(0.25);
    const bins = Array.from({ length: count }, () => rng.pick(multi ? rng.pick(mixed) : pick));
    const stops = bins.map((b) => ({ id: `L${++serial}:${b.code}`, node: b.accessNode }));
    return {
      request: { start: rng.pick(ends), end: rng.pick(ends), stops },
      zones: new Set(bins.map((b) => b.zoneCode)).size,
    };
  };
}

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const value = fn();
  return [value, performance.now() - t0];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

function timingStats(ms: readonly number[]): TimingStats {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    lists: ms.length,
    meanMs: ms.length ? ms.reduce((s, x) => s + x, 0) / ms.length : NaN,
    p95Ms: percentile(sorted, 0.95),
    maxMs: sorted[sorted.length - 1] ?? NaN,
  };
}

function ratioStats(ratios: readonly number[]): RatioStats {
  return {
    lists: ratios.length,
    mean: ratios.length ? ratios.reduce((s, x) => s + x, 0) / ratios.length : NaN,
    max: ratios.length ? Math.max(...ratios) : NaN,
    atReference: ratios.length ? ratios.filter((r) => r <= 1 + 1e-9).length / ratios.length : NaN,
  };
}

const tally = (values: readonly string[]): Record<string, number> =>
  values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

const byMethod = <T>(fn: (m: Compared) => T): Record<Compared, T> =>
  Object.fromEntries(COMPARED.map((m) => [m, fn(m)])) as Record<Compared, T>;

interface Routed {
  stops: number;
  zones: number;
  routes: Record<Compared, PickRoute>;
  planMs: number;
  reference: { kind: 'held-karp' | 'ratliff-rosenthal'; distance: number } | null;
}

function routeAll(graph: RouteGraph, list: PickList): Routed {
  const { request } = list;
  const [plan, planMs] = timed(() => planPickRoute(graph, request));
  const routes: Record<Compared, PickRoute> = {
    plan,
    sShape: sShapeRoute(graph, request),
    largestGap: largestGapRoute(graph, request),
    localSearch: localSearchRoute(graph, request),
  };
  const stops = request.stops.length;
  let reference: Routed['reference'] = null;
  if (stops <= HELD_KARP_REFERENCE_MAX) reference = { kind: 'held-karp', distance: heldKarpRoute(graph, request).distance };
  else if (list.zones === 1) reference = { kind: 'ratliff-rosenthal', distance: ratliffRosenthalRoute(graph, request)!.distance };
  return { stops, zones: list.zones, routes, planMs, reference };
}

/** Ratio of lengths; a zero-length reference (every stop on the start) counts as 1 when matched. */
const ratio = (length: number, reference: number): number => (reference === 0 ? (length === 0 ? 1 : Infinity) : length / reference);

export function runRouteQuality(opts: RouteQualityOptions): RouteQualityResult {
  const log = opts.log ?? (() => {});
  const minStops = Math.max(1, Math.round(opts.minStops));
  const maxStops = Math.max(minStops, Math.round(opts.maxStops));
  const layout = generateLayout(ambientDemoLayout);
  const [graph, graphBuildMs] = timed(() => createRouteGraph(layout));
  const rng = new Random(opts.seed);
  const makeList = listMaker(layout, graph, rng.fork(1));
  const sizes = rng.fork(2);

  // Warm-up: JIT and the start nodes' shortest-path trees, outside every measurement.
  const warm = listMaker(layout, graph, rng.fork(3));
  for (let i = 0; i < WARMUP_LISTS; i++) routeAll(graph, warm(sizes.int(minStops, maxStops)));

  const results: Routed[] = [];
  for (let i = 0; i < opts.lists; i++) {
    results.push(routeAll(graph, makeList(sizes.int(minStops, maxStops))));
    if ((i + 1) % 50 === 0 || i + 1 === opts.lists) log(`routed ${i + 1}/${opts.lists} lists`);
  }

  const referenced = results.filter((r) => r.reference);
  const ratiosOver = (rows: readonly Routed[], m: Compared) => rows.map((r) => ratio(r.routes[m].distance, r.reference!.distance));
  const of = (kind: string) => referenced.filter((r) => r.reference!.kind === kind);
  const unreferenced = results.filter((r) => !r.reference);

  const bucketOf = (stops: number) => Math.floor((stops - 1) / 10);
  const buckets = [...new Set(results.map((r) => bucketOf(r.stops)))].sort((a, b) => a - b);

  // The target size on its own: 40-stop lists, same mix.
  const fortyLists = Math.max(50, Math.round(opts.lists / 4));
  const fortyMaker = listMaker(layout, graph, rng.fork(4));
  for (let i = 0; i < 5; i++) planPickRoute(graph, fortyMaker(40).request); // warm-up at this size
  const fortyPlan: number[] = [];
  const fortyLocal: number[] = [];
  const fortyMethods: string[] = [];
  for (let i = 0; i < fortyLists; i++) {
    const { request } = fortyMaker(40);
    const [route, ms] = timed(() => planPickRoute(graph, request));
    fortyPlan.push(ms);
    fortyMethods.push(route.method);
    fortyLocal.push(timed(() => localSearchRoute(graph, request))[1]);
  }
  log(`timed ${fortyLists} lists of 40 stops`);

  const vsOptimal = byMethod((m) => ratioStats(ratiosOver(referenced, m)));
  const fortyPlanStats = timingStats(fortyPlan);
  const meanExcessPct = (vsOptimal.plan.mean - 1) * 100;
  return {
    layout: layout.warehouseCode,
    seed: opts.seed,
    lists: results.length,
    stopRange: [minStops, maxStops],
    mix: { pickZoneOnly: results.filter((r) => r.zones === 1).length, multiZone: results.filter((r) => r.zones > 1).length },
    reference: { lists: referenced.length, heldKarp: of('held-karp').length, ratliffRosenthal: of('ratliff-rosenthal').length },
    vsOptimal,
    vsHeldKarp: byMethod((m) => ratioStats(ratiosOver(of('held-karp'), m))),
    vsRatliffRosenthal: byMethod((m) => ratioStats(ratiosOver(of('ratliff-rosenthal'), m))),
    noReference: {
      lists: unreferenced.length,
      vsPlan: byMethod((m) => ratioStats(unreferenced.map((r) => ratio(r.routes[m].distance, r.routes.plan.distance)))),
    },
    planMethods: tally(results.map((r) => r.routes.plan.method)),
    planTiming: {
      all: timingStats(results.map((r) => r.planMs)),
      byStops: buckets.map((b) => ({
        stops: `${Math.max(minStops, b * 10 + 1)}-${Math.min(maxStops, b * 10 + 10)}`,
        ...timingStats(results.filter((r) => bucketOf(r.stops) === b).map((r) => r.planMs)),
      })),
    },
    fortyStops: { plan: fortyPlanStats, localSearch: timingStats(fortyLocal), planMethods: tally(fortyMethods) },
    graphBuildMs,
    targets: {
      meanExcessPct,
      meanWithin3Pct: meanExcessPct <= 3,
      fortyStopP95Ms: fortyPlanStats.p95Ms,
      fortyStopUnder50Ms: fortyPlanStats.p95Ms < 50,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Command line

const LABELS: Record<Compared, string> = {
  plan: 'planPickRoute',
  sShape: 'S-shape',
  largestGap: 'largest gap',
  localSearch: 'local search',
};

/** Excess over the reference in per cent; float noise below 0.005 % prints as 0.00. */
const pct = (r: number): string => (Number.isFinite(r) ? `${(Math.abs(r - 1) < 5e-5 ? 0 : (r - 1) * 100).toFixed(2)} %` : '-');
const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '-');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function ratioTable(stats: Record<Compared, RatioStats>): string {
  return table(
    ['method', 'lists', 'mean excess', 'max excess', 'at reference'],
    COMPARED.map((m) => [LABELS[m], String(stats[m].lists), pct(stats[m].mean), pct(stats[m].max), `${(stats[m].atReference * 100).toFixed(1)} %`]),
  );
}

export function formatRouteQuality(r: RouteQualityResult): string {
  return [
    `Route quality on ${r.layout}: ${r.lists} lists of ${r.stopRange[0]}-${r.stopRange[1]} stops (seed ${r.seed}); ` +
      `${r.mix.pickZoneOnly} in one zone, ${r.mix.multiZone} across zones`,
    `Exact reference for ${r.reference.lists} lists: Held-Karp ${r.reference.heldKarp} (<= ${HELD_KARP_REFERENCE_MAX} stops), ` +
      `Ratliff-Rosenthal ${r.reference.ratliffRosenthal} (longer single-zone lists)`,
    '',
    'Length over the optimum, all referenced lists:',
    ratioTable(r.vsOptimal),
    '',
    'Held-Karp-referenced lists only (independent of the router):',
    ratioTable(r.vsHeldKarp),
    '',
    `No exact reference (${r.noReference.lists} multi-zone lists over ${HELD_KARP_REFERENCE_MAX} stops), length over planPickRoute's:`,
    ratioTable(r.noReference.vsPlan),
    '',
    `planPickRoute methods: ${Object.entries(r.planMethods).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    'planPickRoute time per list (warm shared graph):',
    table(
      ['stops', 'lists', 'mean ms', 'p95 ms', 'max ms'],
      [...r.planTiming.byStops, { stops: 'all', ...r.planTiming.all }].map((t) => [t.stops, String(t.lists), ms(t.meanMs), ms(t.p95Ms), ms(t.maxMs)]),
    ),
    '',
    `40-stop lists (${r.fortyStops.plan.lists}; ${Object.entries(r.fortyStops.planMethods).map(([k, v]) => `${k} ${v}`).join(', ')}):`,
    table(
      ['router', 'mean ms', 'p95 ms', 'max ms'],
      [
        ['planPickRoute', ms(r.fortyStops.plan.meanMs), ms(r.fortyStops.plan.p95Ms), ms(r.fortyStops.plan.maxMs)],
        ['local search', ms(r.fortyStops.localSearch.meanMs), ms(r.fortyStops.localSearch.p95Ms), ms(r.fortyStops.localSearch.maxMs)],
      ],
    ),
    `RouteGraph build (once per layout): ${ms(r.graphBuildMs)} ms`,
    '',
    `Targets: mean excess ${r.targets.meanExcessPct.toFixed(3)} % (<= 3 %: ${r.targets.meanWithin3Pct ? 'met' : 'MISSED'}); ` +
      `40-stop p95 ${ms(r.targets.fortyStopP95Ms)} ms (< 50 ms: ${r.targets.fortyStopUnder50Ms ? 'met' : 'MISSED'})`,
  ].join('\n');
}

function numberArg(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(argv[i + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number, got ${argv[i + 1]}`);
  return value;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const result = runRouteQuality({
    lists: Math.round(numberArg(argv, 'lists', 400)),
    seed: Math.round(numberArg(argv, 'seed', 42)),
    minStops: numberArg(argv, 'min-stops', 2),
    maxStops: numberArg(argv, 'max-stops', 40),
    log: (s) => process.stderr.write(`${s}\n`),
  });
  process.stdout.write(`${formatRouteQuality(result)}\n`);
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
}
