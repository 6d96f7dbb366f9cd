// Held-Karp dynamic programming: the optimal open path start -> all stops -> end over a distance
// matrix, O(2^n n^2) time and O(2^n n) memory, so only for short lists.

/** Largest number of distinct stop nodes Held-Karp accepts (2^16 * 16 states, ~8 MB). */
export const HELD_KARP_MAX_NODES = 16;

/**
 * `matrix` is k x k row-major with point 0 = start, 1 = end, 2..k-1 = the stops; returns the stop
 * points (2..k-1) in optimal visiting order. Ties go to the lowest index, so the result is stable.
 */
export function heldKarpOrder(matrix: Float64Array, k: number): number[] {
  const n = k - 2;
  if (n < 0 || matrix.length !== k * k) throw new RangeError('matrix must be k x k with k >= 2');
  if (n > HELD_KARP_MAX_NODES) throw new RangeError(`Held-Karp takes at most ${HELD_KARP_MAX_NODES} stop nodes, got ${n}`);
  if (n === 0) return [];
  const d = (a: number, b: number): number => matrix[(a + 2) * k + b + 2];
  const full = (1 << n) - 1;
  // cost[mask * n + last]: shortest start -> (every stop in mask) ending at stop `last`.
  const cost = new Float64Array((full + 1) * n).fill(Infinity);
  const from = new Int8Array((full + 1) * n).fill(-1);
  for (let i = 0; i < n; i++) cost[(1 << i) * n + i] = matrix[i + 2];
  for (let mask = 1; mask <= full; mask++) {
    for (let last = 0; last < n; last++) {
      const c = cost[mask * n + last];
      if (c === Infinity || !(mask & (1 << last))) continue;
      for (let next = 0; next < n; next++) {
        if (mask & (1 << next)) continue;
        const slot = (mask | (1 << next)) * n + next;
        const cand = c + d(last, next);
        if (cand < cost[slot]) {
          cost[slot] = cand;
          from[slot] = last;
        }
      }
    }
  }
  let best = Infinity;
  let last = 0;
  for (let i = 0; i < n; i++) {
    const total = cost[full * n + i] + matrix[(i + 2) * k + 1];
    if (total < best) [best, last] = [total, i];
  }
  const order: number[] = [];
  for (let mask = full; last >= 0; ) {
    order.push(last + 2);
    const prev = from[mask * n + last];
    mask &= ~(1 << last);
    last = prev;
  }
  return order.reverse();
}
