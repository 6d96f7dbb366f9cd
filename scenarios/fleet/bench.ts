// Step cost of the fleet kernel at 10 Hz (dt = 100 ms): `npx tsx scenarios/fleet/bench.ts`.
// 50 AGVs on the WH1 demo layout, 500 AGVs on a ten-times larger generated layout (WH1 has only
// ~400 graph nodes). The host keeps 1.5 random tasks per AGV offered and completes deliveries at
// once; once with dock tasks (the four docks of WH1 saturate, most AGVs wait) and once aisle-only. Reports mean / p99 / max wall time per step() after a warm-up. Never asserted in tests.
import { generateLayout, type GeneratedLayout } from '../../model/layout.ts';
import type { LayoutSpec, ZoneSpec } from '../../model/layout-spec.ts';
import { Fleet } from './fleet.ts';
import { randomTasks, wh1Layout } from './testing.ts';

function bigLayout(): GeneratedLayout {
  const zones: ZoneSpec[] = Array.from({ length: 6 }, (_, i) => ({
    code: `Z${i + 1}`, name: `Zone ${i + 1}`, kind: 'storage', temperature: 'ambient',
    origin: { x: i * 110, y: 8 }, aisles: 20, racksPerAisle: 30, levels: 1, binsPerLevel: 3,
    bin: { width: 0.9, depth: 1.1, height: 1.5, maxWeightKg: 1000 },
  }));
  const spec: LayoutSpec = {
    code: 'BIG', name: 'Bench', zones,
    docks: Array.from({ length: 24 }, (_, i) => ({ code: `D${i + 1}`, x: 5 + i * 27, y: 0 })),
    chargers: Array.from({ length: 36 }, (_, i) => ({ code: `C${i + 1}`, x: 3 + i * 18, y: 60 })),
  };
  return generateLayout(spec);
}

function bench(name: string, layout: GeneratedLayout, agvs: number, warmupSteps: number, steps: number, aisleOnly: boolean): void {
  const fleet = new Fleet(layout, { seed: 1, agvs });
  const backlog = randomTasks(layout, 200_000, 9, 'T', aisleOnly);
  let open = 0;
  const times: number[] = [];
  for (let i = 0; i < warmupSteps + steps; i++) {
    while (open < agvs * 1.5 && backlog.length > 0) {
      fleet.offer(backlog.pop()!);
      open++;
    }
    const t0 = performance.now();
    const events = fleet.step(100);
    const t1 = performance.now();
    for (const e of events) {
      if (e.type === 'delivered') {
        fleet.complete(e.taskId);
        open--;
      }
    }
    if (i >= warmupSteps) times.push(t1 - t0);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  const st = fleet.stats();
  console.log(
    `${name}${aisleOnly ? ' aisle->aisle' : ' with docks'}: ${agvs} AGVs, ${layout.nodes.length} nodes: step mean ${mean.toFixed(3)} ms, p99 ${times[Math.floor(times.length * 0.99)].toFixed(3)} ms, ` +
      `max ${times[times.length - 1].toFixed(2)} ms over ${steps} steps (${((steps * 100) / 60000).toFixed(0)} sim-min after ${((warmupSteps * 100) / 60000).toFixed(0)} warm-up); ` +
      `${st.tasksCompleted} tasks done; now driving ${fleet.state().filter((s) => s.speed > 0).length}`,
  );
}

for (const aisleOnly of [false, true]) {
  bench('WH1', wh1Layout(), 50, 3000, 6000, aisleOnly);
  bench('BIG', bigLayout(), 500, 3000, 6000, aisleOnly);
}
