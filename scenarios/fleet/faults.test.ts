// Faults and the task lifecycle: a faulted AGV stops and keeps its node; others go around or wait
// and pass after resume; the faulted AGV continues its task. Release, fail, complete, add, remove.
import { describe, expect, it } from 'vitest';
import { generateLayout } from '../../model/layout.ts';
import type { LayoutSpec } from '../../model/layout-spec.ts';
import { Fleet } from './fleet.ts';
import { occupied } from './testing.ts';
import type { FleetEvent } from './types.ts';

/** Three aisles of 6 positions, front and back cross aisles; docks in front of aisles 1 and 3. */
const spec: LayoutSpec = {
  code: 'F1',
  name: 'Faults',
  zones: [
    {
      code: 'Z', name: 'Z', kind: 'storage', temperature: 'ambient', origin: { x: 0, y: 5 },
      aisles: 3, racksPerAisle: 12, levels: 1, binsPerLevel: 3, bin: { width: 0.9, depth: 1, height: 1, maxWeightKg: 100 },
    },
  ],
  docks: [
    { code: 'D1', x: 2, y: 0 },
    { code: 'D2', x: 12, y: 0 },
  ],
};
const layout = generateLayout(spec);

function run(fleet: Fleet, ms: number, onEvent?: (e: FleetEvent) => void, autoComplete = true): FleetEvent[] {
  const all: FleetEvent[] = [];
  for (let t = 0; t < ms; t += 100) {
    for (const e of fleet.step(100)) {
      all.push(e);
      onEvent?.(e);
      if (autoComplete && e.type === 'delivered') fleet.complete(e.taskId);
    }
    occupied(fleet.state());
    expect(fleet.checkInvariants()).toEqual([]);
  }
  return all;
}

const byId = (fleet: Fleet, id: string) => fleet.state().find((s) => s.id === id)!;

describe('fleet faults', () => {
  it('a faulted AGV stops where it is; others route around it; resume continues its task', () => {
    const fleet = new Fleet(layout, { seed: 1, agvs: 2 }); // AGV-001 on DOCK-D1, AGV-002 on DOCK-D2
    fleet.offer({ id: 'a', kind: 'move', sourceNode: 'A01-P06', targetNode: 'A03-P06', priority: 0 });
    run(fleet, 300, undefined);
    expect(byId(fleet, 'AGV-001').taskId).toBe('a');
    // Let AGV-001 get well into aisle 1, then fault it there.
    run(fleet, 20_000);
    const before = byId(fleet, 'AGV-001');
    expect(before.node).toMatch(/^A01-P0[2-5]$/);
    fleet.fault('AGV-001', 'bumper');
    const events = fleet.step(100);
    expect(events.some((e) => e.type === 'faulted' && e.agvId === 'AGV-001')).toBe(true);
    const stopped = byId(fleet, 'AGV-001');
    expect(stopped.state).toBe('fault');
    expect(stopped.speed).toBe(0);
    // AGV-002 needs to cross aisle 1 where AGV-001 stands: it must go around (front <-> back).
    const where = stopped.nextNode ?? stopped.node;
    fleet.offer({ id: 'b', kind: 'move', sourceNode: 'A01-B', targetNode: 'DOCK-D1', priority: 0 });
    const delivered: string[] = [];
    run(fleet, 10 * 60_000, (e) => e.type === 'delivered' && delivered.push(e.taskId));
    expect(delivered).toEqual(['b']);
    const frozen = byId(fleet, 'AGV-001');
    expect([frozen.node, frozen.nextNode]).toContain(where);
    expect(frozen.x).toBe(stopped.x);
    expect(frozen.y).toBe(stopped.y);
    fleet.resume('AGV-001');
    run(fleet, 5 * 60_000, (e) => e.type === 'delivered' && delivered.push(e.taskId));
    expect(delivered).toEqual(['b', 'a']);
  });

  it('AGVs that cannot go around wait behind a faulted AGV and pass after resume', () => {
    const fleet = new Fleet(layout, { seed: 1, agvs: 2 });
    // AGV-002 (DOCK-D2, next to A03-F... the nearest front node) fetches from DOCK-D1; AGV-001 sits on D1.
    fleet.fault('AGV-001', 'e-stop');
    fleet.offer({ id: 'x', kind: 'pick', sourceNode: 'A02-P03', targetNode: 'DOCK-D1', priority: 0 });
    const delivered: string[] = [];
    run(fleet, 10 * 60_000, (e) => e.type === 'delivered' && delivered.push(e.taskId));
    expect(delivered).toEqual([]); // its target is occupied by the faulted AGV
    expect(byId(fleet, 'AGV-002').loaded).toBe(true);
    fleet.resume('AGV-001');
    run(fleet, 5 * 60_000, (e) => e.type === 'delivered' && delivered.push(e.taskId));
    expect(delivered).toEqual(['x']); // AGV-001 (idle) was asked to step aside
    expect(fleet.stats().evasions).toBeGreaterThan(0);
  });

  it('random faults are seeded and repair themselves', () => {
    const mk = () => new Fleet(layout, { seed: 9, agvs: 3, faultRatePerHour: 60, repairSeconds: 20 });
    const a = mk();
    const b = mk();
    for (let i = 0; i < 40; i++) {
      const t = { id: `t${i}`, kind: 'move' as const, sourceNode: `A0${(i % 3) + 1}-P0${(i % 6) + 1}`, targetNode: `A0${((i + 1) % 3) + 1}-P0${((i + 2) % 6) + 1}`, priority: 0 };
      a.offer(t);
      b.offer({ ...t });
    }
    const ea = run(a, 60 * 60_000);
    const eb = run(b, 60 * 60_000);
    expect(ea).toEqual(eb);
    expect(ea.filter((e) => e.type === 'faulted').length).toBeGreaterThan(0);
    expect(ea.filter((e) => e.type === 'resumed').length).toBe(ea.filter((e) => e.type === 'faulted').length);
    expect(a.stats().tasksCompleted).toBe(40);
  });
});

describe('fleet task lifecycle', () => {
  it('claimed -> arrivedAtSource -> loaded -> arrivedAtTarget -> delivered, then waits for complete', () => {
    const fleet = new Fleet(layout, { seed: 1, agvs: 1 });
    fleet.offer({ id: 't', kind: 'putaway', sourceNode: 'DOCK-D2', targetNode: 'A02-P04', priority: 0 });
    const events = run(fleet, 3 * 60_000, undefined, false);
    expect(events.filter((e) => 'taskId' in e).map((e) => e.type)).toEqual(['claimed', 'arrivedAtSource', 'loaded', 'arrivedAtTarget', 'delivered']);
    const s = byId(fleet, 'AGV-001');
    expect(s.state).toBe('unloading');
    expect(s.taskId).toBe('t');
    expect(s.loaded).toBe(false);
    expect(fleet.complete('nope')).toBe(false);
    expect(fleet.complete('t')).toBe(true);
    expect(fleet.step(100).map((e) => e.type)).toEqual(['completed']);
    expect(byId(fleet, 'AGV-001').state).toBe('idle');
    expect(fleet.stats().tasksCompleted).toBe(1);
  });

  it('fail releases the task and the AGV; the host may offer it again', () => {
    const fleet = new Fleet(layout, { seed: 1, agvs: 1 });
    const task = { id: 't', kind: 'move' as const, sourceNode: 'A01-P02', targetNode: 'A03-P02', priority: 0 };
    fleet.offer(task);
    run(fleet, 3 * 60_000, undefined, false);
    expect(fleet.fail('t', 'bin full')).toBe(true);
    expect(fleet.step(100).find((e) => e.type === 'released')).toMatchObject({ taskId: 't', reason: 'bin full' });
    expect(byId(fleet, 'AGV-001').state).toBe('idle');
    fleet.offer(task);
    expect(fleet.step(100).map((e) => e.type)).toContain('claimed');
    expect(fleet.stats().tasksFailed).toBe(1);
  });

  it('release mid-route: the AGV finishes its leg, sets the load down and becomes idle', () => {
    const fleet = new Fleet(layout, { seed: 1, agvs: 1 });
    fleet.offer({ id: 't', kind: 'move', sourceNode: 'A03-P06', targetNode: 'A01-P06', priority: 0 });
    run(fleet, 3000);
    expect(byId(fleet, 'AGV-001').state).toBe('moving');
    expect(fleet.release('t')).toBe(true);
    expect(fleet.release('t')).toBe(false);
    run(fleet, 60_000);
    const s = byId(fleet, 'AGV-001');
    expect(s.state).toBe('idle');
    expect(s.taskId).toBeNull();
    expect(s.node).toBe('A03-P06');
  });

  it('addAgv places on a free node; removeAgv removes idle AGVs now and busy ones after their task', () => {
    const fleet = new Fleet(layout, { seed: 1, agvs: 1 });
    const id = fleet.addAgv();
    expect(id).toBe('AGV-002');
    expect(byId(fleet, id).node).toBe('DOCK-D2');
    fleet.offer({ id: 't', kind: 'move', sourceNode: 'A01-P02', targetNode: 'A01-P05', priority: 0 });
    fleet.step(100);
    expect(byId(fleet, 'AGV-001').taskId).toBe('t');
    expect(fleet.removeAgv('AGV-001')).toBe(false);
    expect(fleet.removeAgv(id)).toBe(true);
    expect(fleet.state().map((s) => s.id)).toEqual(['AGV-001']);
    const events = run(fleet, 3 * 60_000);
    expect(events.map((e) => e.type)).toContain('agvRemoved');
    expect(fleet.state()).toEqual([]);
    expect(() => fleet.removeAgv('AGV-001')).toThrow(RangeError);
    expect(() => fleet.offer({ id: 'u', kind: 'move', sourceNode: 'nowhere', targetNode: 'A01-P01', priority: 0 })).toThrow(RangeError);
  });
});
