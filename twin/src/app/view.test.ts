import { describe, expect, it } from 'vitest';
import type { SceneHandle } from '../scene/Scene.tsx';
import { ViewStore } from './view.ts';

function fakeScene(known: number[]) {
  const flights: string[] = [];
  const handle: SceneHandle = {
    flyTo: () => undefined, resetView: () => undefined, setTopDown: () => undefined,
    flyToBin: (id) => { if (!known.includes(id)) return false; flights.push(`bin ${id}`); return true; },
    flyToAgv: (index) => { flights.push(`agv ${index}`); return true; },
  };
  return { handle, flights };
}

describe('control room view', () => {
  it('selecting a bin flies to it once the scene is there (a search answer may come before the scene)', () => {
    const v = new ViewStore();
    v.focusBin(7, 'A-7');
    expect(v.getSnapshot().selected).toEqual({ kind: 'bin', id: 7, code: 'A-7' });
    const scene = fakeScene([7]);
    v.attachScene(scene.handle);
    expect(scene.flights).toEqual(['bin 7']);
    v.attachScene(scene.handle);
    expect(scene.flights).toEqual(['bin 7']); // done once
  });

  it('highlight, zones and route are state; selecting a bin drops an AGV route; reset clears all', () => {
    const v = new ViewStore();
    let changes = 0;
    v.subscribe(() => changes++);
    v.setHighlight([1, 2, 2]);
    expect([...v.getSnapshot().highlight]).toEqual([1, 2]);
    v.focusAgv('AGV-01', 0);
    v.setRoute([{ x: 0, y: 0 }, { x: 1, y: 0 }]);
    expect(v.getSnapshot().route).toHaveLength(2);
    v.select({ kind: 'bin', id: 3 });
    expect(v.getSnapshot().route).toBeNull();
    v.setZones(new Set(['A']));
    v.reset();
    expect(v.getSnapshot()).toMatchObject({ selected: null, route: null, zones: undefined });
    expect(v.getSnapshot().highlight.size).toBe(0);
    expect(changes).toBeGreaterThan(4);
  });
});
