// Kinematics: a straight run follows the trapezoid speed profile; turns add their time.
import { describe, expect, it } from 'vitest';
import { generateLayout } from '../../model/layout.ts';
import type { LayoutSpec } from '../../model/layout-spec.ts';
import { Fleet } from './fleet.ts';
import type { FleetEvent } from './types.ts';

/** Two aisles of 10 positions (pitch 2.7 m), no docks or chargers: AGV-001 starts on A01-F. */
const spec: LayoutSpec = {
  code: 'K1',
  name: 'Kinematics',
  zones: [
    {
      code: 'Z', name: 'Z', kind: 'storage', temperature: 'ambient', origin: { x: 0, y: 5 },
      aisles: 2, racksPerAisle: 20, levels: 1, binsPerLevel: 3, bin: { width: 0.9, depth: 1, height: 1, maxWeightKg: 100 },
    },
  ],
};
const layout = generateLayout(spec);
const node = (id: string) => layout.nodes.find((n) => n.id === id)!;

/** Time of a trapezoid (or triangle) profile from rest to rest over d metres. */
function trapezoid(d: number, v: number, a: number): number {
  const ramp = (v * v) / a; // accelerate + brake distance
  return d >= ramp ? d / v + v / a : 2 * Math.sqrt(d / a);
}

/** Seconds from claimed to arrivedAtSource for a task whose source is `to`. */
function travelTime(to: string, turnSecondsPer90: number, dtMs: number): { seconds: number; fleet: Fleet } {
  const fleet = new Fleet(layout, { seed: 1, agvs: 1, turnSecondsPer90 });
  expect(fleet.state()[0].node).toBe('A01-F');
  fleet.offer({ id: 'k', kind: 'move', sourceNode: to, targetNode: to, priority: 0 });
  let claimed = -1;
  for (let i = 0; i < 100_000; i++) {
    const events: FleetEvent[] = fleet.step(dtMs);
    for (const e of events) {
      if (e.type === 'claimed') claimed = e.atMs;
      if (e.type === 'arrivedAtSource') return { seconds: (e.atMs - claimed) / 1000, fleet };
    }
  }
  throw new Error('never arrived');
}

describe('fleet kinematics', () => {
  const dy = node('A01-P10').y - node('A01-F').y;

  it('a straight run matches the trapezoid profile (plus the initial 90° turn)', () => {
    // Initial heading is +x; the aisle runs along +y: one 90° turn of 2 s first.
    for (const dt of [10, 100]) {
      const { seconds } = travelTime('A01-P10', 2, dt);
      const expected = 2 + trapezoid(dy, 1.5, 0.5);
      expect(Math.abs(seconds - expected)).toBeLessThan(dt === 10 ? 0.05 : 0.35);
    }
    const noTurn = travelTime('A01-P10', 0, 10).seconds;
    expect(Math.abs(noTurn - trapezoid(dy, 1.5, 0.5))).toBeLessThan(0.05);
  });

  it('short hops never reach full speed (triangle profile)', () => {
    const d = node('A01-P01').y - node('A01-F').y;
    expect(d).toBeLessThan(4.5);
    const { seconds } = travelTime('A01-P01', 0, 10);
    expect(Math.abs(seconds - trapezoid(d, 1.5, 0.5))).toBeLessThan(0.05);
  });

  it('turns add time proportional to the angle; the AGV stops at the corner', () => {
    // A01-F -> A02-F (+x, no turn), then A02-F -> A02-P10 (+y): one 90° turn at the corner.
    const across = node('A02-F').x - node('A01-F').x;
    const along = node('A02-P10').y - node('A02-F').y;
    const straightPieces = trapezoid(across, 1.5, 0.5) + trapezoid(along, 1.5, 0.5);
    const withTurn = travelTime('A02-P10', 2, 10).seconds;
    expect(Math.abs(withTurn - (straightPieces + 2))).toBeLessThan(0.1);
    const slowTurn = travelTime('A02-P10', 4, 10).seconds;
    expect(Math.abs(slowTurn - withTurn - 2)).toBeLessThan(0.05);
  });

  it('positions and headings follow the route; odometer-like distance in stats', () => {
    const { fleet } = travelTime('A01-P10', 2, 100);
    const s = fleet.state()[0];
    expect(s.node).toBe('A01-P10');
    expect(s.x).toBeCloseTo(node('A01-P10').x, 6);
    expect(s.y).toBeCloseTo(node('A01-P10').y, 6);
    expect(s.heading).toBeCloseTo(Math.PI / 2, 6);
    expect(s.state).toBe('loading');
    expect(fleet.stats().distanceM).toBeCloseTo(dy, 6);
  });

  it('speedFactor scales simulated time per step', () => {
    const a = new Fleet(layout, { seed: 1, agvs: 1, speedFactor: 10 });
    a.step(1000);
    expect(a.simMs).toBe(10_000);
  });
});
