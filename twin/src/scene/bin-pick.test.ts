import { describe, expect, it } from 'vitest';
import { BinGrid, type Vec3 } from './bin-pick.ts';
import { BinStore } from './bins.ts';
import { snapshotBytes } from './fixtures.ts';

/** Every bin tested: what the grid must agree with. */
function bruteForce(store: BinStore, o: Vec3, d: Vec3, visible?: Uint8Array) {
  let best: { index: number; distance: number } | null = null;
  for (let i = 0; i < store.length; i++) {
    if (visible && !visible[i]) continue;
    // Fixture bins: width 1 (along y: zone A is orientation y), depth 0.8, height 1; drawn at 0.92.
    const h = [0.8 * 0.46, 1 * 0.46, 1 * 0.46];
    const c = [store.x[i]!, store.y[i]!, store.z[i]!];
    let near = 0; let far = Infinity; let miss = false;
    for (let k = 0; k < 3; k++) {
      if (d[k] === 0) { if (Math.abs(o[k]! - c[k]!) > h[k]!) miss = true; continue; }
      let a = (c[k]! - h[k]! - o[k]!) / d[k]!; let b = (c[k]! + h[k]! - o[k]!) / d[k]!;
      if (a > b) [a, b] = [b, a];
      near = Math.max(near, a); far = Math.min(far, b);
    }
    if (!miss && near <= far && (!best || near < best.distance)) best = { index: i, distance: near };
  }
  return best;
}

// A 20 × 10 block of racks, 3 levels: bins 1 m apart along x, 1.2 m along y.
const bins = [];
for (let lv = 0; lv < 3; lv++) for (let r = 0; r < 10; r++) for (let c = 0; c < 20; c++) {
  bins.push({ x: c * 1, y: r * 1.2, z: 0.5 + lv, level: lv + 1, units: 1 });
}
const store = BinStore.fromIPC(snapshotBytes(bins));
const grid = new BinGrid(store, new Map([['A', 'y']]));

describe('bin picking', () => {
  it('finds the bin a ray from above hits: the top one', () => {
    const hit = grid.pick([5, 6, 30], [0, 0, -1])!;
    expect(store.x[hit.index]).toBe(5);
    expect(store.y[hit.index]).toBeCloseTo(6);
    expect(store.level[hit.index]).toBe(3);
    expect(hit.distance).toBeCloseTo(30 - (2.5 + 0.46), 5);
  });

  it('misses between racks and outside the block', () => {
    expect(grid.pick([5.5, 6, 30], [0, 0, -1])).toBeNull(); // the gap between two bins
    expect(grid.pick([50, 50, 30], [0, 0, -1])).toBeNull();
    expect(grid.pick([5, 6, 30], [0, 0, 1])).toBeNull(); // looking up
  });

  it('agrees with testing every bin, for oblique rays from a camera, with and without hidden levels', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const topHidden = Uint8Array.from({ length: store.length }, (_, i) => (store.level[i]! < 3 ? 1 : 0));
    let hits = 0;
    for (let k = 0; k < 300; k++) {
      const o: Vec3 = [random() * 40 - 10, -20 + random() * 10, 10 + random() * 30];
      const target = [random() * 22 - 1, random() * 13 - 1, random() * 3];
      const raw = [target[0]! - o[0], target[1]! - o[1], target[2]! - o[2]];
      const len = Math.hypot(...raw);
      const d: Vec3 = [raw[0]! / len, raw[1]! / len, raw[2]! / len];
      for (const visible of [undefined, topHidden]) {
        const want = bruteForce(store, o, d, visible);
        const got = grid.pick(o, d, visible);
        expect(got?.index ?? null).toBe(want?.index ?? null);
        if (want) { hits++; expect(got!.distance).toBeCloseTo(want.distance, 5); }
      }
    }
    expect(hits).toBeGreaterThan(200); // the rays mostly aim at the racks: the comparison is not vacuous
  });
});
