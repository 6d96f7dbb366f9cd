import { sql, type Kysely, type Transaction } from 'kysely';
import type { AlertKind, AlertSeverity } from '../../../model/protocol/alert.ts';
import type { DB } from '../../db/schema.ts';
import { raiseAlert } from '../events.ts';
import type { AlertCandidate, AlertCheck } from './check.ts';

export interface AlertMonitorOptions {
  /** Between runs, ms (default a minute). */
  intervalMs?: number;
  /** From start() to the first run, ms (default 15 s: the fleet and the relay are up by then). */
  firstRunMs?: number;
  /**
   * Alerts raised one by one per warehouse, check and kind in one run (default 5); the rest of that run's
   * new subjects of the kind go into one summary alert per zone ("68 more stock lines expire within 7 days").
   */
  perKindLimit?: number;
  now?: () => Date;
  onError?: (error: unknown, where: string) => void;
}

/** What one run of one check did in one warehouse. */
export interface CheckReport {
  warehouseId: number;
  condition: string;
  /** Subjects open after the run (those the condition holds for, and those an incomplete check kept). */
  open: number;
  /** Alerts raised one by one, and summary alerts with the number of subjects they stand for. */
  raised: number;
  summaries: number;
  summarized: number;
  /** Subjects new or escalated but announced already where they happened (recorded, not raised). */
  announced: number;
  /** Subjects that no longer hold (forgotten: raised again if they come back). */
  cleared: number;
}

const LOCK_CLASS = 7466014;
/** In the payload of the alerts the monitor raises (`source`), to tell them from those raised where things happen. */
export const MONITOR_SOURCE = 'monitor';
const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * Raises alerts where no event does: runs every check for every warehouse on a schedule, in the process that
 * holds the relay lease (server/stream/live.ts). De-duplication: what is raised is recorded in alert_states
 * (warehouse, condition, subject, level); a subject is raised when it is new or its level rose, and forgotten
 * when the check stops returning it. Each check runs in a transaction of its own, serialised per warehouse by
 * an advisory lock, so the alerts and the record of them commit together and two processes (a lease handover)
 * never raise the same subject twice.
 */
export class AlertMonitor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private readonly intervalMs: number;
  private readonly firstRunMs: number;
  private readonly perKindLimit: number;
  private readonly now: () => Date;

  constructor(private readonly db: Kysely<DB>, private readonly checks: readonly AlertCheck[],
    private readonly opts: AlertMonitorOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.firstRunMs = opts.firstRunMs ?? 15_000;
    this.perKindLimit = opts.perKindLimit ?? 5;
    this.now = opts.now ?? (() => new Date());
  }

  get started() { return this.timer !== null; }

  start() {
    if (this.timer) return;
    const tick = () => {
      this.running = this.runOnce().catch((e) => this.opts.onError?.(e, 'alert monitor run'))
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    this.timer = setTimeout(tick, this.firstRunMs);
  }

  /** Stop the schedule; resolves when a run in progress has finished. */
  async stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Every check for every warehouse, now. */
  async runOnce(now = this.now()): Promise<CheckReport[]> {
    const warehouses = await this.db.selectFrom('warehouses').select('id').orderBy('id').execute();
    const reports: CheckReport[] = [];
    for (const { id } of warehouses) reports.push(...await this.runWarehouse(Number(id), now));
    return reports;
  }

  async runWarehouse(warehouseId: number, now = this.now()): Promise<CheckReport[]> {
    const reports: CheckReport[] = [];
    for (const check of this.checks) {
      try {
        reports.push(await this.db.transaction().execute((trx) => this.runCheck(trx, check, warehouseId, now)));
      } catch (error) {
        this.opts.onError?.(error, `alert check ${check.condition} in warehouse ${warehouseId}`);
      }
    }
    return reports;
  }

  private async runCheck(trx: Transaction<DB>, check: AlertCheck, warehouseId: number, now: Date): Promise<CheckReport> {
    await sql`select pg_advisory_xact_lock(${LOCK_CLASS}, ${warehouseId}::int)`.execute(trx);
    const openRows = await trx.selectFrom('alert_states').select(['subject', 'level'])
      .where('warehouse_id', '=', warehouseId).where('condition', '=', check.condition).execute();
    const open = new Map(openRows.map((r) => [r.subject, r.level]));
    const { candidates, complete } = await check.run({ db: trx, warehouseId, now, open });

    const fresh: AlertCandidate[] = [];
    const changed: AlertCandidate[] = [];
    const current = new Set<string>();
    for (const c of candidates) {
      if (current.has(c.subject)) continue; // a check lists a subject once; be safe if not
      current.add(c.subject);
      const before = open.get(c.subject);
      if (before === undefined || c.level > before) fresh.push(c);
      if (before !== c.level) changed.push(c);
    }
    for (let i = 0; i < changed.length; i += 500) {
      await trx.insertInto('alert_states')
        .values(changed.slice(i, i + 500).map((c) => ({ warehouse_id: warehouseId, condition: check.condition,
          subject: c.subject, level: c.level, raised_at: now })))
        .onConflict((oc) => oc.columns(['warehouse_id', 'condition', 'subject']).doUpdateSet({
          level: (eb) => eb.ref('excluded.level'),
          raised_at: sql`case when excluded.level > alert_states.level then excluded.raised_at else alert_states.raised_at end`,
        })).execute();
    }
    const gone = complete ? [...open.keys()].filter((s) => !current.has(s)) : [];
    for (let i = 0; i < gone.length; i += 500) {
      await trx.deleteFrom('alert_states').where('warehouse_id', '=', warehouseId)
        .where('condition', '=', check.condition).where('subject', 'in', gone.slice(i, i + 500)).execute();
    }

    const toRaise = fresh.filter((c) => !c.announced);
    const byKind = new Map<AlertKind, AlertCandidate[]>();
    for (const c of toRaise) (byKind.get(c.kind) ?? byKind.set(c.kind, []).get(c.kind)!).push(c);
    let raised = 0, summaries = 0, summarized = 0;
    const zoneCodes = await this.zoneCodes(trx, warehouseId, toRaise.length > this.perKindLimit);
    for (const [kind, list] of byKind) {
      for (const c of list.slice(0, this.perKindLimit)) {
        await raiseAlert(trx, warehouseId, c.kind, c.message, { ...c.details, severity: c.severity,
          ...(c.zoneId !== null ? { zoneId: c.zoneId } : {}), source: MONITOR_SOURCE });
        raised++;
      }
      const byZone = new Map<number | null, AlertCandidate[]>();
      for (const c of list.slice(this.perKindLimit)) (byZone.get(c.zoneId) ?? byZone.set(c.zoneId, []).get(c.zoneId)!).push(c);
      for (const [zoneId, rest] of byZone) {
        const { message, details } = check.summarize(kind, rest.length, rest[0]!);
        const zone = zoneId !== null ? zoneCodes.get(zoneId) ?? String(zoneId) : null;
        const severity = rest.reduce<AlertSeverity>((worst, c) =>
          SEVERITY_RANK[c.severity] > SEVERITY_RANK[worst] ? c.severity : worst, 'info');
        await raiseAlert(trx, warehouseId, kind, zone ? `${message} (zone ${zone})` : message, { ...details, severity,
          summary: true, total: rest.length, zone: zone ?? '-', ...(zoneId !== null ? { zoneId } : {}),
          source: MONITOR_SOURCE });
        summaries++;
        summarized += rest.length;
      }
    }
    const stillOpen = complete ? current.size : new Set([...open.keys(), ...current]).size;
    return { warehouseId, condition: check.condition, open: stillOpen, raised, summaries, summarized,
      announced: fresh.length - toRaise.length, cleared: gone.length };
  }

  private async zoneCodes(trx: Transaction<DB>, warehouseId: number, needed: boolean) {
    if (!needed) return new Map<number, string>();
    const rows = await trx.selectFrom('zones').select(['id', 'code']).where('warehouse_id', '=', warehouseId).execute();
    return new Map(rows.map((r) => [Number(r.id), r.code]));
  }
}
