// Same seed + same inputs => identical fleet state, events and stats.
import { describe, expect, it } from 'vitest';
import { Fleet } from './fleet.ts';
import { randomTasks, wh1Layout } from './testing.ts';
import type { FleetConfig, FleetEvent } from './types.ts';

function simulate(config: FleetConfig, steps: number): { events: FleetEvent[]; fleet: Fleet } {
  const layout = wh1Layout();
  const fleet = new Fleet(layout, config);
  const tasks = randomTasks(layout, 120, 42);
  const events: FleetEvent[] = [];
  for (let i = 0; i < steps; i++) {
    if (i % 50 === 0 && tasks.length > 0) fleet.offer(tasks.shift()!);
    if (i === 3000) fleet.addAgv();
    if (i === 4000) fleet.fault('AGV-003', 'manual');
    if (i === 5000) fleet.resume('AGV-003');
    for (const e of fleet.step(100)) {
      events.push(e);
      if (e.type === 'delivered') {
        if (e.taskId.endsWith('7')) fleet.fail(e.taskId, 'host said no');
        else fleet.complete(e.taskId);
      }
    }
  }
  return { events, fleet };
}

describe('fleet determinism', () => {
  const config: FleetConfig = { seed: 1234, agvs: 15, faultRatePerHour: 3, repairSeconds: 45, batteryPerMetre: 1 / 3000 };

  it('same seed and inputs give identical states, events and stats', () => {
    const a = simulate(config, 8000);
    const b = simulate(config, 8000);
    expect(a.events.length).toBeGreaterThan(100);
    expect(b.events).toEqual(a.events);
    expect(b.fleet.state()).toEqual(a.fleet.state());
    expect(b.fleet.stats()).toEqual(a.fleet.stats());
    for (const s of a.fleet.state()) expect(b.fleet.route(s.id)).toEqual(a.fleet.route(s.id));
  });

  it('the seed drives the random faults', () => {
    const a = simulate({ ...config, faultRatePerHour: 30 }, 6000);
    const b = simulate({ ...config, faultRatePerHour: 30, seed: 99 }, 6000);
    const faults = (r: typeof a) => r.events.filter((e) => e.type === 'faulted').map((e) => `${e.agvId}@${e.atMs}`);
    expect(faults(a).length).toBeGreaterThan(0);
    expect(faults(a)).not.toEqual(faults(b));
  });

  it('one big step equals many small ones when sub-steps line up', () => {
    const layout = wh1Layout();
    const a = new Fleet(layout, { seed: 3, agvs: 5 });
    const b = new Fleet(layout, { seed: 3, agvs: 5 });
    for (const t of randomTasks(layout, 10, 5)) {
      a.offer(t);
      b.offer({ ...t });
    }
    const ea = a.step(60_000);
    const eb: FleetEvent[] = [];
    for (let i = 0; i < 600; i++) eb.push(...b.step(100));
    expect(eb).toEqual(ea);
    expect(b.state()).toEqual(a.state());
  });
});
