// Safety and liveness over long random runs: no two AGVs on one node, no head-on swaps, the
// reservation invariants the deadlock-freedom argument rests on, and every claimed task delivered.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateLayout } from '../../model/layout.ts';
import { smallLayoutSpec, smallZoneArb } from '../routing/testing.ts';
import { randomTasks, runTasks, wh1Layout, wh2Layout } from './testing.ts';

describe('fleet safety and liveness', () => {
  it('20 AGVs deliver 300 random tasks on WH1 without collisions, swaps or deadlock', () => {
    const layout = wh1Layout();
    const tasks = randomTasks(layout, 300, 7);
    // A thirsty battery (2 km per charge) so that AGVs must queue for the 6 chargers.
    const r = runTasks({ layout, config: { seed: 11, agvs: 20, batteryPerMetre: 1 / 2000 }, tasks, maxSimMs: 8 * 3600_000, invariantEvery: 5 });
    expect(r.delivered.size).toBe(300);
    expect(r.claimed.size).toBe(300);
    const stats = r.fleet.stats();
    expect(stats.tasksCompleted).toBe(300);
    expect(r.charges).toBeGreaterThan(10);
    expect(r.minBattery).toBeGreaterThanOrEqual(0);
    // Bound on claimed -> delivered (single-lane front cross aisle and 4 docks shared by 20 AGVs).
    expect(stats.maxCycleSeconds).toBeLessThan(2 * 3600);
    // Throughput: at least 60 tasks per simulated hour.
    expect(300 / (r.simMs / 3600_000)).toBeGreaterThan(60);
    console.log(
      `WH1 20 AGVs: 300 tasks in ${(r.simMs / 60000).toFixed(0)} sim-min, mean cycle ${stats.meanCycleSeconds.toFixed(0)} s, ` +
        `max ${stats.maxCycleSeconds.toFixed(0)} s, ${stats.distanceM.toFixed(0)} m, ${r.charges} charges, ${stats.evasions} evasions`,
    );
  });

  it('also on WH2 with 12 AGVs and random faults that repair themselves', () => {
    const layout = wh2Layout();
    const tasks = randomTasks(layout, 150, 3);
    const r = runTasks({
      layout,
      config: { seed: 5, agvs: 12, faultRatePerHour: 2, repairSeconds: 90 },
      tasks,
      maxSimMs: 8 * 3600_000,
      invariantEvery: 3,
    });
    expect(r.delivered.size).toBe(150);
    expect(r.fleet.stats().faults).toBeGreaterThan(0);
  });

  it('property: random small layouts, fleets, tasks and seeds always finish', () => {
    fc.assert(
      fc.property(
        fc.array(smallZoneArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 0, max: 3 }),
        (zones, agvs, seed, faultRate) => {
          const layout = generateLayout(smallLayoutSpec(zones));
          const nodes = layout.nodes.length;
          const fleetSize = Math.min(agvs, Math.floor(nodes / 4));
          fc.pre(fleetSize >= 1 && layout.nodes.some((n) => n.kind === 'aisle'));
          const tasks = randomTasks(layout, 25, seed);
          const r = runTasks({
            layout,
            config: { seed, agvs: fleetSize, faultRatePerHour: faultRate * 5, repairSeconds: 30 },
            tasks,
            window: 6,
            maxSimMs: 6 * 3600_000,
            invariantEvery: 1,
          });
          expect(r.delivered.size).toBe(25);
        },
      ),
      { numRuns: 40, seed: 20240601 },
    );
  });
});
