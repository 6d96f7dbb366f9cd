import type { Kysely } from 'kysely';
import type { AlertKind, AlertSeverity } from '../../../model/protocol/alert.ts';
import type { DB } from '../../db/schema.ts';

/**
 * One condition that is true now for one subject: what a check returns. The monitor raises it once, again
 * only when `level` rises, and forgets it when the check stops returning it.
 */
export interface AlertCandidate {
  /** The subject, unique within the check's condition: 'bin:12/lot:4', 'face:3', 'task:88', 'agv:AGV-02'. */
  subject: string;
  /** Escalation step: 1 for the first stage (expiring), higher for worse (expired). */
  level: number;
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
  /** Zone of the subject's bin (zone-scoped users see only their zones' alerts); null for AGVs. */
  zoneId: number | null;
  /** Subject ids and what the sentence needs: binId, bin, sku, lot, taskId, agv, qty, days, … */
  details: Record<string, unknown>;
  /** Already announced where it happened (the fleet raises a fault as it happens): record it, raise nothing. */
  announced?: boolean;
}

export interface CheckContext {
  db: Kysely<DB>;
  warehouseId: number;
  now: Date;
  /** The condition's open subjects and their levels (checks may skip work for what is already raised). */
  open: ReadonlyMap<string, number>;
}

export interface CheckResult {
  candidates: AlertCandidate[];
  /**
   * Whether `candidates` is every subject the condition holds for. A check that had to stop at its row limit
   * says false, and the monitor then clears nothing (a subject past the limit is not a cleared one).
   */
  complete: boolean;
}

/** A scheduled check: a query (or a fleet read) for the subjects a condition holds for now. */
export interface AlertCheck {
  /** The de-duplication family: a subject is raised once per condition (at rising levels). */
  condition: string;
  run(ctx: CheckContext): Promise<CheckResult>;
  /** The English sentence for `total` more subjects of `kind` than a run raises one by one. */
  summarize(kind: AlertKind, total: number, sample: AlertCandidate): { message: string; details: Record<string, unknown> };
}

/** The most rows a check reads per warehouse and run; beyond it the check is incomplete (see CheckResult). */
export const CHECK_ROW_LIMIT = 5000;

/** Rows from a query limited to CHECK_ROW_LIMIT + 1: at most the limit, and whether there were no more. */
export function limited<T>(rows: T[]): { rows: T[]; complete: boolean } {
  return rows.length > CHECK_ROW_LIMIT ? { rows: rows.slice(0, CHECK_ROW_LIMIT), complete: false }
    : { rows, complete: true };
}
