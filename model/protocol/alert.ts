/**
 * The payload of an 'alert' event (outbox type 'alert', delivered by the live stream and listed by
 * GET /api/control-room/warehouses/:id/alerts). Shared by the server, which raises alerts, and the twin,
 * which renders them as translated sentences from `kind` and the fields below.
 */
export const ALERT_KINDS = [
  // Raised where they happen (domain services, the fleet).
  'short_pick', 'qc_hold', 'count_variance', 'agv_fault', 'stock_below_min',
  // Raised by the scheduled monitor (server/domain/alerts).
  'stock_expiring', 'stock_expired', 'face_below_min', 'face_empty', 'task_overdue', 'task_overdue_long', 'agv_stalled',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type AlertSeverity = 'info' | 'warning' | 'critical';

/** How serious each kind is unless the raiser says otherwise. */
export const ALERT_SEVERITY: Record<AlertKind, AlertSeverity> = {
  short_pick: 'warning', qc_hold: 'info', count_variance: 'warning', agv_fault: 'critical', stock_below_min: 'warning',
  stock_expiring: 'warning', stock_expired: 'critical', face_below_min: 'warning', face_empty: 'critical',
  task_overdue: 'warning', task_overdue_long: 'critical', agv_stalled: 'critical',
};

export interface AlertPayload {
  kind: AlertKind;
  severity: AlertSeverity;
  /** An English sentence, for logs and for clients without a translation of the kind. */
  message: string;
  /** Subjects, for fly-to and zone scoping: a bin (id and code), its zone, a SKU, a lot, a task, an AGV. */
  binId?: number;
  bin?: string;
  zoneId?: number;
  sku?: string;
  lot?: string;
  taskId?: number;
  agv?: string;
  /** 'monitor' for the scheduled monitor's alerts (server/domain/alerts); absent for those raised where things happen. */
  source?: 'monitor';
  /** A summary of `total` further subjects of this kind (the monitor caps single alerts per run). */
  summary?: true;
  total?: number;
  /** Anything else the sentence needs (qty, days, minutes, …). */
  [field: string]: unknown;
}
