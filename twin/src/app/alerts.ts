/**
 * The alerts feed: alert events of the live stream (short picks, QC holds, count variances, AGV faults and
 * stalls, stock below min, and the monitor's expiry, pick-face and overdue-task alerts) kept newest first, with
 * an unread count. Pure and framework-free (tested on its own); the panel renders it and `live` feeds it.
 */
import { ALERT_KINDS, type AlertKind, type AlertSeverity } from '../../../model/protocol/alert.ts';
import type { StreamRecord } from '../../../model/protocol/stream.ts';

export { ALERT_KINDS, type AlertKind, type AlertSeverity };
const SEVERITIES: readonly string[] = ['info', 'warning', 'critical'] satisfies AlertSeverity[];

export interface Alert {
  /** Stream position (unique, increasing). */
  pos: number;
  kind: AlertKind | string;
  /** How serious (the server's word; 'warning' when it sent none). */
  severity: AlertSeverity;
  /** A summary of `total` more subjects of the kind than one run of the monitor raises one by one. */
  summary: boolean;
  at: string;
  /** The server's English sentence, shown when the kind has no translation. */
  message: string;
  /** Where to fly: a bin (id and code) or an AGV (id). */
  binId?: number;
  bin?: string;
  agv?: string;
  /**
   * Everything else the server sent (sku, missing, variance, …), for the translated sentence `alerts.text.<kind>`.
   * A summary carries i18next's `context: 'summary'`, so the sentence is `alerts.text.<kind>_summary`.
   */
  details: Record<string, unknown>;
}

/** An alert from a stream record, or null if the record is not an alert. */
export function toAlert(r: StreamRecord): Alert | null {
  if (r.kind !== 'event' || r.type !== 'alert') return null;
  const p = r.payload;
  const kind = typeof p.kind === 'string' ? p.kind : 'unknown';
  const summary = p.summary === true;
  return {
    pos: r.pos, kind, at: r.at, message: typeof p.message === 'string' ? p.message : kind,
    severity: typeof p.severity === 'string' && SEVERITIES.includes(p.severity) ? p.severity as AlertSeverity : 'warning',
    summary,
    binId: typeof p.binId === 'number' ? p.binId : undefined,
    bin: typeof p.bin === 'string' ? p.bin : undefined,
    agv: typeof p.agv === 'string' ? p.agv : undefined,
    details: summary ? { ...p, context: 'summary' } : p,
  };
}

export class AlertFeed {
  /** Newest first. */
  private list: Alert[] = [];
  private seenPos = -1;
  private readonly listeners = new Set<() => void>();
  private version = 0;

  constructor(private readonly limit = 200) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  };
  /** Changes whenever the list or the read mark changes (for useSyncExternalStore). */
  getVersion = () => this.version;

  get alerts(): readonly Alert[] { return this.list; }
  get unread(): number {
    let n = 0;
    for (const a of this.list) { if (a.pos > this.seenPos) n++; else break; } // newest first
    return n;
  }
  isUnread(a: Alert) { return a.pos > this.seenPos; }

  /** Take the alerts among stream records (any order); positions already held are ignored. */
  add(records: readonly StreamRecord[]) {
    const held = new Set(this.list.map((a) => a.pos));
    const fresh: Alert[] = [];
    for (const r of records) {
      const a = toAlert(r);
      if (a && !held.has(a.pos)) { fresh.push(a); held.add(a.pos); }
    }
    if (!fresh.length) return;
    this.list = [...fresh, ...this.list].sort((a, b) => b.pos - a.pos).slice(0, this.limit);
    this.changed();
  }

  /**
   * Alerts from the server's recent history (GET .../alerts). Those up to `connectedAt` (the snapshot's stream
   * position) happened before the page connected: listed, already read. Later ones came (or come) over the
   * stream too and stay unread.
   */
  addHistory(records: readonly StreamRecord[], connectedAt: number) {
    let newest = this.seenPos;
    for (const r of records) if (r.kind === 'event' && r.type === 'alert' && r.pos <= connectedAt) newest = Math.max(newest, r.pos);
    this.seenPos = newest;
    this.add(records);
    this.changed();
  }

  markAllRead() {
    const newest = this.list[0]?.pos ?? -1;
    if (newest <= this.seenPos) return;
    this.seenPos = newest;
    this.changed();
  }

  clear() {
    this.list = [];
    this.seenPos = -1;
    this.changed();
  }

  private changed() {
    this.version++;
    for (const l of this.listeners) l();
  }
}
