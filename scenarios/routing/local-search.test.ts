import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { heldKarpOrder } from './held-karp.ts';
import { improveOrder, nearestNeighbourOrder } from './local-search.ts';

/** Euclidean points in a square: a symmetric metric like shortest paths. */
const metricArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 })), { minLength: 2, maxLength: 11 })
  .map((points) => {
    const k = points.length;
    const m = new Float64Array(k * k);
    points.forEach(([x1, y1], i) => points.forEach(([x2, y2], j) => (m[i * k + j] = Math.hypot(x1 - x2, y1 - y2))));
    return { m, k };
  });

function pathLength(m: Float64Array, k: number, order: readonly number[]): number {
  const points = [0, ...order, 1];
  return points.slice(1).reduce((s, p, i) => s + m[points[i] * k + p], 0);
}

const stopsOf = (k: number): number[] => Array.from({ length: k - 2 }, (_, i) => i + 2);

describe('local search', () => {
  it('nearest neighbour visits every stop once', () => {
    fc.assert(
      fc.property(metricArb, ({ m, k }) => {
        expect([...nearestNeighbourOrder(m, k)].sort((a, b) => a - b)).toEqual(stopsOf(k));
      }),
    );
  });

  it('2-opt and Or-opt never lengthen a path and stay at or above the optimum', () => {
    fc.assert(
      fc.property(metricArb, fc.array(fc.nat()), ({ m, k }, shuffle) => {
        const seed = stopsOf(k);
        shuffle.forEach((r, i) => {
          const a = i % seed.length;
          const b = r % seed.length;
          if (seed.length > 0) [seed[a], seed[b]] = [seed[b], seed[a]];
        });
        const improved = improveOrder(m, k, seed);
        expect([...improved].sort((a, b) => a - b)).toEqual(stopsOf(k));
        expect(pathLength(m, k, improved)).toBeLessThanOrEqual(pathLength(m, k, seed) + 1e-9);
        expect(pathLength(m, k, improved)).toBeGreaterThanOrEqual(pathLength(m, k, heldKarpOrder(m, k)) - 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it('ends in a 2-opt local optimum', () => {
    fc.assert(
      fc.property(metricArb, ({ m, k }) => {
        const seq = [0, ...improveOrder(m, k, stopsOf(k)), 1];
        const d = (a: number, b: number) => m[a * k + b];
        for (let i = 1; i < seq.length - 2; i++) {
          for (let j = i + 1; j < seq.length - 1; j++) {
            const delta = d(seq[i - 1], seq[j]) + d(seq[i], seq[j + 1]) - d(seq[i - 1], seq[i]) - d(seq[j], seq[j + 1]);
            expect(delta).toBeGreaterThanOrEqual(-1e-6);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
