import { sql } from 'kysely';
import type { AlertCandidate, AlertCheck } from './check.ts';
import { MONITOR_SOURCE } from './monitor.ts';

/** One AGV as a check sees it (from the live fleet's public description). */
export interface AgvSample {
  id: string;
  state: string;
  x: number;
  y: number;
  taskId: string | null;
  loaded: boolean;
  /** Whether the AGV has a remaining route (a "moving" AGV without one is going nowhere). */
  hasRoute: boolean;
  /** Since when (ms since the epoch) it has been in this state / last made progress, if the fleet says so. */
  stateSince?: number;
  lastProgressAt?: number;
}

/** A warehouse's fleet as the check reads it: null when no fleet runs for it in this process. */
export type FleetSampler = (warehouseId: number) => { paused: boolean; agvs: AgvSample[] } | null;

export interface StallLimits {
  /** Busy (moving, loading, unloading) without moving a centimetre for this long: stalled. */
  noProgressMs: number;
  /** "Moving" without a route for this long: stalled. */
  noRouteMs: number;
  /** In one busy state for this long, even if it creeps: stalled. */
  sameStateMs: number;
}

// The live fleet's steady-state test (server/test/fleet-steady-state.test.ts) bounds a healthy AGV's wait for its
// path at 4 min on WH1's single-lane cross aisle (waits of ~3 min are normal queueing there): beyond that it is a
// stall worth a manager's attention; below it an alert would only be noise.
export const STALL_LIMITS: StallLimits = { noProgressMs: 4 * 60_000, noRouteMs: 4 * 60_000, sameStateMs: 15 * 60_000 };

const BUSY = new Set(['moving', 'loading', 'unloading']);
const PROGRESS_M = 0.05;

export interface Stall { id: string; reason: 'no_route' | 'no_progress' | 'same_state'; sinceMs: number; sample: AgvSample }

/**
 * What the check remembers between runs about each AGV of one fleet: its last position and state, and since
 * when it has been in that state, made no progress, or been "moving" without a route. The fleet's own
 * stateSince / lastProgressAt are used where it gives them. Pure: the time comes in with each observation.
 */
export class AgvWatch {
  private readonly seen = new Map<string, { state: string; x: number; y: number; stateSince: number; progressAt: number;
    noRouteSince: number | null }>();

  constructor(private readonly limits: StallLimits = STALL_LIMITS) {}

  /** Take one look at the fleet at `nowMs`; the AGVs stalled now. */
  observe(agvs: readonly AgvSample[], nowMs: number): Stall[] {
    const stalls: Stall[] = [];
    const present = new Set<string>();
    for (const a of agvs) {
      present.add(a.id);
      const before = this.seen.get(a.id);
      const stateChanged = !before || before.state !== a.state;
      const moved = !before || Math.hypot(a.x - before.x, a.y - before.y) > PROGRESS_M;
      const stateSince = a.stateSince ?? (stateChanged ? nowMs : before.stateSince);
      const progressAt = a.lastProgressAt ?? (stateChanged || moved ? nowMs : before.progressAt);
      const noRoute = a.state === 'moving' && !a.hasRoute;
      const noRouteSince = noRoute ? (before?.noRouteSince ?? nowMs) : null;
      this.seen.set(a.id, { state: a.state, x: a.x, y: a.y, stateSince, progressAt, noRouteSince });
      if (!BUSY.has(a.state)) continue;
      if (noRouteSince !== null && nowMs - noRouteSince >= this.limits.noRouteMs) {
        stalls.push({ id: a.id, reason: 'no_route', sinceMs: noRouteSince, sample: a });
      } else if (nowMs - progressAt >= this.limits.noProgressMs) {
        stalls.push({ id: a.id, reason: 'no_progress', sinceMs: progressAt, sample: a });
      } else if (nowMs - stateSince >= this.limits.sameStateMs) {
        stalls.push({ id: a.id, reason: 'same_state', sinceMs: stateSince, sample: a });
      }
    }
    for (const id of this.seen.keys()) if (!present.has(id)) this.seen.delete(id); // removed from the fleet
    return stalls;
  }

  /** Forget everything (the fleet was paused or restarted: its AGVs start afresh). */
  reset() { this.seen.clear(); }
}

const REASON_TEXT: Record<Stall['reason'], string> = {
  no_route: 'without a route', no_progress: 'without progress', same_state: 'in the same state',
};

/**
 * AGV stalls and faults, from the live fleet of the warehouse (when it runs in this process): a faulted AGV
 * ('agv_fault', level 2; the fleet raises one as the fault happens, so the check records it without raising
 * again when the AGV's latest alert already is that fault), and a busy AGV that stalls ('agv_stalled', level
 * 1; see AgvWatch). A paused fleet is nobody's fault: nothing is raised or cleared while it is paused.
 */
export function agvCheck(sample: FleetSampler, limits: StallLimits = STALL_LIMITS): AlertCheck {
  const watches = new Map<number, AgvWatch>();
  return {
    condition: 'agv',
    async run({ db, warehouseId, now, open }) {
      const fleet = sample(warehouseId);
      if (!fleet || fleet.paused) {
        watches.get(warehouseId)?.reset();
        return { candidates: [], complete: !fleet };
      }
      let watch = watches.get(warehouseId);
      if (!watch) watches.set(warehouseId, watch = new AgvWatch(limits));
      const candidates: AlertCandidate[] = [];
      for (const s of watch.observe(fleet.agvs, now.getTime())) {
        const seconds = Math.round((now.getTime() - s.sinceMs) / 1000);
        const at = `(${s.sample.x.toFixed(1)}, ${s.sample.y.toFixed(1)})`;
        candidates.push({
          subject: `agv:${s.id}`, level: 1, kind: 'agv_stalled', severity: 'critical', zoneId: null,
          message: `AGV ${s.id} has been ${s.sample.state} ${REASON_TEXT[s.reason]} for ${Math.round(seconds / 60)} min at ${at}`,
          details: { agv: s.id, state: s.sample.state, reason: s.reason, seconds, minutes: Math.round(seconds / 60),
            x: round1(s.sample.x), y: round1(s.sample.y), loaded: s.sample.loaded,
            ...(s.sample.taskId && Number(s.sample.taskId) ? { taskId: Number(s.sample.taskId) } : {}) },
        });
      }
      for (const a of fleet.agvs.filter((x) => x.state === 'fault')) {
        const subject = `agv:${a.id}`;
        const announced = (open.get(subject) ?? 0) >= 2 || await faultAnnounced(db, warehouseId, a.id);
        candidates.push({
          subject, level: 2, kind: 'agv_fault', severity: 'critical', zoneId: null, announced,
          message: `AGV ${a.id} is faulted at (${a.x.toFixed(1)}, ${a.y.toFixed(1)})`,
          details: { agv: a.id, state: a.state, x: round1(a.x), y: round1(a.y), loaded: a.loaded },
        });
      }
      return { candidates, complete: true };
    },
    summarize(kind, total) {
      return { message: kind === 'agv_fault' ? `${total} more AGVs are faulted` : `${total} more AGVs are stalled`,
        details: {} };
    },
  };
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * Whether the fleet announced this AGV's fault itself: the latest alert about the AGV still in the outbox is a
 * fault the monitor did not raise.
 */
async function faultAnnounced(db: Parameters<AlertCheck['run']>[0]['db'], warehouseId: number, agv: string) {
  const { rows } = await sql<{ kind: string | null; source: string | null }>`
    select o.payload->>'kind' as kind, o.payload->>'source' as source from outbox o
     where o.type = 'alert' and o.warehouse_id = ${warehouseId} and o.payload->>'agv' = ${agv}
     order by o.seq desc limit 1`.execute(db);
  return rows[0]?.kind === 'agv_fault' && rows[0].source !== MONITOR_SOURCE;
}
