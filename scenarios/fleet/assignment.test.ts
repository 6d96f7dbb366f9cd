// Task assignment: nearest idle AGV by path distance, priority first, battery floor respected.
import { describe, expect, it } from 'vitest';
import { Fleet } from './fleet.ts';
import { wh1Layout } from './testing.ts';
import type { FleetEvent } from './types.ts';

const claims = (events: FleetEvent[]) => events.filter((e) => e.type === 'claimed').map((e) => [e.agvId, 'taskId' in e ? e.taskId : '']);

describe('fleet assignment', () => {
  it('AGVs start on chargers, then docks, then spread cross nodes', () => {
    const fleet = new Fleet(wh1Layout(), { seed: 1, agvs: 12 });
    const nodes = fleet.state().map((s) => s.node);
    expect(nodes.slice(0, 10)).toEqual(['CHG-C1', 'CHG-C2', 'CHG-C3', 'CHG-C4', 'CHG-C5', 'CHG-C6', 'DOCK-D1', 'DOCK-D2', 'DOCK-D3', 'DOCK-D4']);
    expect(new Set(nodes).size).toBe(12);
  });

  it('the nearest idle AGV by path distance claims the task', () => {
    const layout = wh1Layout();
    const fleet = new Fleet(layout, { seed: 1, agvs: 10 });
    // A28-F is next to CHG-C6 (at the front, x=140) and a few cross nodes from DOCK-D1 (A29-F).
    fleet.offer({ id: 't1', kind: 'pick', sourceNode: 'A27-P01', targetNode: 'DOCK-D1', priority: 0 });
    const events = fleet.step(100);
    const dist = (from: string) => fleet.graph.distance(fleet.graph.index(from), fleet.graph.index('A27-P01'));
    const nearest = fleet
      .state()
      .map((s) => ({ id: s.id, d: dist(s.node) }))
      .sort((a, b) => a.d - b.d)[0];
    expect(claims(events)).toEqual([[nearest.id, 't1']]);
    expect(fleet.state().find((s) => s.id === nearest.id)!.node).toBe('CHG-C6');
  });

  it('a second task goes to the next nearest; higher priority is served first', () => {
    const fleet = new Fleet(wh1Layout(), { seed: 1, agvs: 2 }); // on CHG-C1 and CHG-C2
    fleet.offer({ id: 'low', kind: 'move', sourceNode: 'A01-P03', targetNode: 'A02-P03', priority: 0 });
    fleet.offer({ id: 'high', kind: 'move', sourceNode: 'A12-P03', targetNode: 'A11-P03', priority: 5 });
    fleet.offer({ id: 'mid', kind: 'move', sourceNode: 'A06-P03', targetNode: 'A07-P03', priority: 1 });
    const got = Object.fromEntries(claims(fleet.step(100)).map(([a, t]) => [t, a]));
    // Two AGVs, three tasks: 'high' and 'mid' win; 'high' (A12) goes to the AGV on C2, nearer to it.
    expect(Object.keys(got).sort()).toEqual(['high', 'mid']);
    expect(got.high).toBe('AGV-002');
    expect(got.mid).toBe('AGV-001');
    expect(fleet.stats().tasksOpen).toBe(1);
  });

  it('no task is assigned below the battery floor; a low idle AGV goes charging', () => {
    const fleet = new Fleet(wh1Layout(), { seed: 1, agvs: 8, lowBattery: 0.25, idleBatteryPerSecond: 0.01 });
    // Idle drain of 1 %/s: after 80 s every AGV off a charger is below 25 %.
    for (let i = 0; i < 800; i++) fleet.step(100);
    const low = fleet.state().filter((s) => !s.node.startsWith('CHG-'));
    expect(low.length).toBe(2);
    for (const s of low) expect(s.battery < 0.25 || s.state === 'moving').toBe(true);
    fleet.offer({ id: 't', kind: 'move', sourceNode: 'A30-P01', targetNode: 'A31-P01', priority: 0 });
    const events = fleet.step(100);
    const claimed = claims(events);
    expect(claimed.length).toBe(1);
    expect(fleet.state().find((s) => s.id === claimed[0][0])!.battery).toBeGreaterThanOrEqual(0.25);
  });
});
