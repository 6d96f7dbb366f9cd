import type { AllocationStrategy } from '../../db/schema.ts';

/** One balance that could serve an order line. */
export interface AllocationCandidate {
  balanceId: number;
  binId: number;
  lotId: number | null;
  lotNo: string | null;
  expiry: string | null;
  /** ISO time the stock in this balance was first received (stock age survives moves). */
  receivedAt: string | null;
  available: number;
  /** Pick faces before reserve storage when the strategy does not decide. */
  zoneRank: number;
  pickSeq: number;
}

/**
 * The order in which a strategy takes stock. FEFO: earliest expiry first (no expiry last), then FIFO.
 * FIFO: oldest receipt first. LIFO: newest first. Ties go to pick faces, then bins that would be
 * emptied (smallest available first, fewer half-empty bins), then pick sequence: a total order, so
 * allocation is deterministic.
 */
export function orderCandidates(strategy: AllocationStrategy, candidates: readonly AllocationCandidate[]):
  AllocationCandidate[] {
  const time = (c: AllocationCandidate) => (c.receivedAt ? Date.parse(c.receivedAt) : Number.MAX_SAFE_INTEGER);
  const expiry = (c: AllocationCandidate) => c.expiry ?? '9999-12-31';
  const cmp = (a: AllocationCandidate, b: AllocationCandidate): number => {
    if (strategy === 'fefo' && expiry(a) !== expiry(b)) return expiry(a) < expiry(b) ? -1 : 1;
    const byTime = strategy === 'lifo' ? time(b) - time(a) : time(a) - time(b);
    if (byTime !== 0) return byTime;
    return a.zoneRank - b.zoneRank || a.available - b.available || a.pickSeq - b.pickSeq || a.balanceId - b.balanceId;
  };
  return [...candidates].sort(cmp);
}

/** Take `qty` from the ordered candidates: the plan of reservations (balance, qty), and what is left short. */
export function planAllocation(ordered: readonly AllocationCandidate[], qty: number) {
  const plan: { candidate: AllocationCandidate; qty: number }[] = [];
  let left = qty;
  for (const c of ordered) {
    if (left <= 0) break;
    const take = Math.min(left, c.available);
    if (take > 0) {
      plan.push({ candidate: c, qty: take });
      left -= take;
    }
  }
  return { plan, short: left };
}

/** Which strategy applies: the line's, the order's, the owner's, the SKU's; else FEFO for expiry-tracked SKUs, FIFO otherwise. */
export function effectiveStrategy(s: { line: AllocationStrategy | null; order: AllocationStrategy | null;
  owner: AllocationStrategy | null; sku: AllocationStrategy | null; expiryTracked: boolean }): AllocationStrategy {
  return s.line ?? s.order ?? s.owner ?? s.sku ?? (s.expiryTracked ? 'fefo' : 'fifo');
}
