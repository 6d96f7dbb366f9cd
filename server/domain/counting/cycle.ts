/**
 * Cycle counting by ABC class: a bin is counted as often as its best SKU needs (A every 30 days,
 * B every 90, C every 365). A bin that was never counted is due at once.
 */
export type AbcClass = 'A' | 'B' | 'C';

export const CYCLE_DAYS: Record<AbcClass, number> = { A: 30, B: 90, C: 365 };

const DAY_MS = 86_400_000;

/** The best (most frequently counted) class among the SKUs in a bin; undefined for an empty bin. */
export function binClass(classes: readonly AbcClass[]): AbcClass | undefined {
  return [...classes].sort()[0];
}

/** When a bin of this class last counted at `last` is due again (now, if never counted). */
export function nextDue(cls: AbcClass, last: Date | null, now: Date): Date {
  return last ? new Date(last.getTime() + CYCLE_DAYS[cls] * DAY_MS) : now;
}

export function isDue(cls: AbcClass, last: Date | null, now: Date): boolean {
  return nextDue(cls, last, now).getTime() <= now.getTime();
}
