// Work clustered on few nodes (the demo's picks all end at four staging points, its putaways start at the
// receiving dock): one active task per node, and no AGV waits for minutes holding no route.
import { describe, expect, it } from 'vitest';
import { Random } from '../../model/random.ts';
import { runTasks, wh1Layout } from './testing.ts';
import type { FleetTask } from './types.ts';

const MINUTE = 60_000;

describe('fleet under clustered work', () => {
  it('12 AGVs, 80 picks from the pick faces to 4 staging points: a node serves one active task, nobody waits minutes', () => {
    const layout = wh1Layout();
    const rng = new Random(16);
    const faces = layout.nodes.filter((n) => /^A1[3-9]-P|^A20-P/.test(n.id)).map((n) => n.id);
    const staging = ['A29-P01', 'A30-P01', 'A31-P01', 'A32-P01'];
    const tasks: FleetTask[] = Array.from({ length: 80 }, (_, i) => ({ id: `P${i + 1}`, kind: 'pick',
      sourceNode: rng.pick(faces), targetNode: rng.pick(staging), priority: 0 }));
    const byId = new Map(tasks.map((t) => [t.id, t]));
    let worstOverlap = 0;
    let worstWaitMs = 0;
    const result = runTasks({ layout, config: { seed: 5, agvs: 12 }, tasks, window: 40, maxSimMs: 4 * 3_600_000,
      invariantEvery: 50,
      onStep: (fleet) => {
        const users = new Map<string, number>();
        for (const s of fleet.state()) {
          if (s.state === 'moving') worstWaitMs = Math.max(worstWaitMs, fleet.simMs - s.progressAtMs);
          const t = s.taskId ? byId.get(s.taskId) : undefined;
          if (!t) continue;
          for (const n of s.loaded || s.state === 'unloading' ? [t.targetNode] : [t.sourceNode, t.targetNode]) {
            users.set(n, (users.get(n) ?? 0) + 1);
          }
        }
        worstOverlap = Math.max(worstOverlap, ...users.values(), 0);
      } });
    expect(result.delivered.size).toBe(tasks.length);
    expect(worstOverlap).toBe(1);
    expect(worstWaitMs).toBeLessThan(3 * MINUTE);
  });
});
