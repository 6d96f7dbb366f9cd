// The AGV fleet kernel: pure, deterministic under a seed, advanced only by step(dtMs).
//
// Reservations ("ordered node queues"): every node has a queue of the AGVs that will occupy it.
// An AGV stands on a node only while it heads that node's queue, and it drives along an edge
// u -> v only while it heads both u and v (u is released on arrival at v). So two AGVs are never
// on one node and never meet head-on on an edge.
//
// A stationary AGV departs by reserving its whole route to its next stop at once: it is entered
// into the queue of every node on the route (it may then follow or cross other AGVs; it waits its
// turn at each node). Every route gets one order key, and every queue is kept sorted by key:
//   1. a route may not enter a node that is someone else's stop (a stationary AGV, or the last node
//      of a moving AGV's route) or a faulted AGV's node, so nobody is ever queued behind a stop;
//   2. the new key is above the key of every AGV standing on a node of the route, of everyone
//      queued at its stop, of everyone expected at a shared node first (by full-speed ETA), and of
//      every route reserved more than OVERTAKE_MS ago; it is below the other keys (it overtakes
//      them). Keys are unique reals (midpoints), ties broken by a reservation counter.
// Why it cannot deadlock: "A waits for B" means B is ahead of A in a queue, so key(B) < key(A),
// and only driving AGVs are ever ahead of anyone (rule 1). The driving AGV with the smallest key
// therefore heads every queue on its route and always progresses to its stop; by induction every
// driving AGV does (and as new routes cannot overtake a route older than OVERTAKE_MS, the set of
// AGVs ahead of any AGV is eventually fixed, so the induction is over a finite set). checkInvariants()
// verifies these premises; the tests call it throughout long random runs.
//
// Faults stop an AGV mid-route, breaking rule 1 after the fact: the faulted AGV's remaining route is
// dropped and every AGV queued behind it, transitively, has its route cut back to the node it has
// already committed to; they stop there and plan again around the fault (truncate/closure).
//
// What remains are stationary AGVs waiting to depart because every route to their goal crosses
// someone's stop. Timed stops (loading, unloading, charging) end by themselves; idle AGVs and other
// waiting AGVs in the way are asked to step aside ("evade") to the nearest free node off the
// waiting AGV's path; an AGV whose blocker cannot step aside (e.g. it sits on a dead-end charger
// behind the waiting AGV) steps aside itself after a seeded random back-off; and a goal node is
// granted first come, first served among the AGVs waiting for it. This part is a policy, not a
// proof: it is verified by the randomized tests, not by an invariant.
import { RouteGraph } from '../routing/graph.ts';
import { Pathfinder } from './pathfinder.ts';
import { Random } from '../../model/random.ts';
import type { AgvState, AgvStateCode, FleetConfig, FleetEvent, FleetLayout, FleetStats, FleetTask } from './types.ts';

type Activity = 'idle' | 'travel' | 'loading' | 'unloading' | 'awaitHost' | 'charging';
type Purpose = 'source' | 'target' | 'charge' | 'none';

interface TaskRec {
  task: FleetTask;
  source: number;
  target: number;
  seq: number;
  agv: Agv | null;
  claimedAtMs: number;
}

interface Agv {
  id: string;
  uid: number;
  /** Reserved route; route[seg] is the node the AGV stands on or is leaving. Length 1 when stationary. */
  route: number[];
  lens: number[];
  heads: number[];
  /** Estimated seconds from route[0] to route[k] at full speed, turns included. */
  eta: number[];
  seg: number;
  /** Metres along the edge route[seg] -> route[seg + 1]. */
  s: number;
  /** Queue order key of the current route: (key, resSeq), lexicographic. */
  key: number;
  resSeq: number;
  reservedAtMs: number;
  x: number;
  y: number;
  heading: number;
  speed: number;
  turnLeftMs: number;
  turnTotalMs: number;
  turnFrom: number;
  turnDelta: number;
  activity: Activity;
  timerMs: number;
  task: TaskRec | null;
  goal: number;
  purpose: Purpose;
  evading: boolean;
  loaded: boolean;
  fault: { reason: string; repairAtMs: number | null } | null;
  battery: number;
  odometer: number;
  tasksDone: number;
  retryAtMs: number;
  blockedSinceMs: number;
  /** When the AGV first failed to depart towards its current goal; -1 when not waiting. */
  waitingSinceMs: number;
  backoffMs: number;
  noEvictUntilMs: number;
  removeWhenFree: boolean;
  /** The state code as last reported, since when, and when the AGV last made progress (for stall watches). */
  reported: AgvStateCode;
  stateSinceMs: number;
  progressAtMs: number;
  progressOdometer: number;
}

const HEADING_EPS = 1e-3;
const SUBSTEP_MS = 100;
const RETRY_MS = 500;
const EVADE_HOLD_MS = 3000;
const NO_EVICT_MS = 5000;
const DETOUR_PATIENCE_MS = 8000;
const CHARGER_RETRY_MS = 5000;
const ASSIGN_EVERY_MS = 1000;
/** A new route may be ordered before routes reserved at most this long ago. */
const OVERTAKE_MS = 60_000;
/** Someone expected at a shared node up to this many seconds after us still goes first. */
const ETA_SLACK_S = 2;
/**
 * Active tasks that may use one node (as a source still to visit, or as a target) at a time. Tasks cluster
 * on few nodes (one access node serves a dozen staging lanes, or a rack face of bins); AGVs sent to a node
 * another holds wait where they stand until it is free, one after another, each turn costing a drive from
 * afar. Measured on WH1 with the demo's work: 1 gives the most tasks per hour (2 or 3 give fewer, and
 * AGVs waiting for minutes), since every extra AGV on the road also queues on the single-lane cross aisle.
 */
const TASKS_PER_NODE = 1;

const angleDiff = (to: number, from: number): number => {
  let d = (to - from) % (2 * Math.PI);
  if (d > Math.PI) d -= 2 * Math.PI;
  if (d < -Math.PI) d += 2 * Math.PI;
  return d;
};

export class Fleet {
  readonly graph: RouteGraph;
  private readonly pf: Pathfinder;
  private readonly nx: Float64Array;
  private readonly ny: Float64Array;
  private readonly isCharger: Uint8Array;
  private readonly chargerNodes: number[];
  private readonly placement: number[];

  private readonly maxSpeed: number;
  private readonly accel: number;
  private readonly turnMsPer90: number;
  private readonly loadMs: number;
  private readonly batteryPerMetre: number;
  private readonly idlePerSecond: number;
  private readonly chargePerSecond: number;
  private readonly lowBattery: number;
  private readonly chargedBattery: number;
  private readonly faultRatePerHour: number;
  private readonly repairMs: number;
  private readonly speedFactor: number;

  private readonly queues: Agv[][];
  private readonly stopOf: (Agv | null)[];
  private readonly faultBy: (Agv | null)[];
  private readonly goalClaim: (Agv | null)[];
  private readonly agvs: Agv[] = [];
  private readonly byId = new Map<string, Agv>();
  private readonly tasks = new Map<string, TaskRec>();
  private open: TaskRec[] = [];
  private events: FleetEvent[] = [];
  private readonly rng: Random;

  private nowMs = 0;
  private nextUid = 1;
  private resSeq = 0;
  private taskSeq = 0;
  private assignDirty = true;
  private lastAssignMs = -Infinity;
  private counters = { completed: 0, failed: 0, faults: 0, charges: 0, evasions: 0, delivered: 0, cycleMsSum: 0, cycleMsMax: 0, distance: 0 };

  constructor(layout: FleetLayout, config: FleetConfig) {
    const positive = (v: number | undefined, d: number, name: string): number => {
      const x = v ?? d;
      if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`${name} must be a positive number`);
      return x;
    };
    const fraction = (v: number | undefined, d: number, name: string): number => {
      const x = v ?? d;
      if (!(x >= 0 && x <= 1)) throw new RangeError(`${name} must be within 0..1`);
      return x;
    };
    this.maxSpeed = positive(config.maxSpeed, 1.5, 'maxSpeed');
    this.accel = positive(config.accel, 0.5, 'accel');
    this.turnMsPer90 = (config.turnSecondsPer90 ?? 2) * 1000;
    this.loadMs = (config.loadSeconds ?? 5) * 1000;
    this.batteryPerMetre = fraction(config.batteryPerMetre, 1 / 8000, 'batteryPerMetre');
    this.idlePerSecond = fraction(config.idleBatteryPerSecond, 1 / 36000, 'idleBatteryPerSecond');
    this.chargePerSecond = fraction(config.chargeRatePerSecond, 1 / 1800, 'chargeRatePerSecond');
    this.lowBattery = fraction(config.lowBattery, 0.25, 'lowBattery');
    this.chargedBattery = fraction(config.chargedBattery, 0.9, 'chargedBattery');
    this.faultRatePerHour = config.faultRatePerHour ?? 0;
    this.repairMs = (config.repairSeconds ?? 60) * 1000;
    this.speedFactor = positive(config.speedFactor, 1, 'speedFactor');
    if (this.turnMsPer90 < 0 || this.loadMs < 0 || this.faultRatePerHour < 0 || this.repairMs < 0) {
      throw new RangeError('turnSecondsPer90, loadSeconds, faultRatePerHour and repairSeconds must not be negative');
    }
    if (!Number.isInteger(config.agvs) || config.agvs < 0) throw new RangeError('agvs must be a non-negative integer');

    this.graph = new RouteGraph(layout);
    this.pf = new Pathfinder(this.graph, layout.edges);
    const n = this.graph.nodeCount;
    this.nx = new Float64Array(n);
    this.ny = new Float64Array(n);
    for (const node of layout.nodes) {
      const i = this.graph.index(node.id);
      this.nx[i] = node.x;
      this.ny[i] = node.y;
    }
    this.isCharger = new Uint8Array(n);
    this.chargerNodes = layout.chargers.map((c) => this.graph.index(c.node));
    for (const c of this.chargerNodes) this.isCharger[c] = 1;
    this.placement = placementOrder(layout, this.graph);
    this.queues = Array.from({ length: n }, () => []);
    this.stopOf = new Array<Agv | null>(n).fill(null);
    this.faultBy = new Array<Agv | null>(n).fill(null);
    this.goalClaim = new Array<Agv | null>(n).fill(null);
    this.rng = new Random(config.seed);
    for (let i = 0; i < config.agvs; i++) this.addAgv();
    this.events = [];
  }

  // -------------------------------------------------------------------------------------------
  // Host API

  /** Offers a task; it is assigned when an AGV is free. Throws for unknown nodes or a duplicate id. */
  offer(task: FleetTask): void {
    if (this.tasks.has(task.id)) throw new Error(`task ${task.id} is already in the fleet`);
    if (!this.graph.has(task.sourceNode)) throw new RangeError(`task ${task.id}: unknown source node "${task.sourceNode}"`);
    if (!this.graph.has(task.targetNode)) throw new RangeError(`task ${task.id}: unknown target node "${task.targetNode}"`);
    const rec: TaskRec = {
      task: { ...task },
      source: this.graph.index(task.sourceNode),
      target: this.graph.index(task.targetNode),
      seq: ++this.taskSeq,
      agv: null,
      claimedAtMs: -1,
    };
    this.tasks.set(task.id, rec);
    this.open.push(rec);
    this.assignDirty = true;
  }

  /**
   * The host cancels a task. An open task is dropped; a claimed one is abandoned: the AGV finishes
   * the leg it is driving (its reservation stays valid), sets down any load and becomes idle.
   */
  release(taskId: string): boolean {
    return this.drop(taskId, 'released', false);
  }

  /** The host confirmed a delivered task: the AGV becomes idle. false if the task is not delivered yet. */
  complete(taskId: string): boolean {
    const t = this.tasks.get(taskId);
    const a = t?.agv;
    if (!t || !a || a.activity !== 'awaitHost') return false;
    this.tasks.delete(taskId);
    a.task = null;
    a.activity = 'idle';
    a.tasksDone++;
    this.counters.completed++;
    this.assignDirty = true;
    this.emit({ type: 'completed', atMs: this.nowMs, agvId: a.id, taskId });
    return true;
  }

  /** The host could not confirm (or gives up on) a task: it leaves the fleet, the AGV becomes idle. */
  fail(taskId: string, reason: string): boolean {
    return this.drop(taskId, reason, true);
  }

  /** Stops an AGV where it stands; it keeps the node(s) it occupies, others go around or wait. */
  fault(agvId: string, reason: string): void {
    const a = this.get(agvId);
    if (!a.fault) this.doFault(a, reason, null);
  }

  resume(agvId: string): void {
    const a = this.get(agvId);
    if (!a.fault) return;
    a.fault = null;
    for (const n of a.route) if (this.faultBy[n] === a) this.faultBy[n] = null;
    a.retryAtMs = this.nowMs;
    if (a.route.length === 1) this.routeEnd(a);
    this.assignDirty = true;
    this.emit({ type: 'resumed', atMs: this.nowMs, agvId: a.id });
  }

  /** Adds an AGV on a free charger, dock or cross node (deterministic order); returns its id. */
  addAgv(): string {
    const node = this.placement.find((n) => this.queues[n].length === 0 && !this.stopOf[n] && !this.faultBy[n]);
    if (node === undefined) throw new Error('no free node to place another AGV');
    const uid = this.nextUid++;
    const a: Agv = {
      id: `AGV-${String(uid).padStart(3, '0')}`,
      uid,
      route: [node],
      lens: [],
      heads: [],
      eta: [0],
      seg: 0,
      s: 0,
      key: 0,
      resSeq: ++this.resSeq,
      reservedAtMs: this.nowMs,
      x: this.nx[node],
      y: this.ny[node],
      heading: 0,
      speed: 0,
      turnLeftMs: 0,
      turnTotalMs: 0,
      turnFrom: 0,
      turnDelta: 0,
      activity: 'idle',
      timerMs: 0,
      task: null,
      goal: -1,
      purpose: 'none',
      evading: false,
      loaded: false,
      fault: null,
      battery: 1,
      odometer: 0,
      tasksDone: 0,
      retryAtMs: 0,
      blockedSinceMs: -1,
      waitingSinceMs: -1,
      backoffMs: 0,
      noEvictUntilMs: 0,
      removeWhenFree: false,
      reported: 'idle',
      stateSinceMs: this.nowMs,
      progressAtMs: this.nowMs,
      progressOdometer: 0,
    };
    this.queues[node].push(a);
    this.stopOf[node] = a;
    this.agvs.push(a);
    this.byId.set(a.id, a);
    this.assignDirty = true;
    this.emit({ type: 'agvAdded', atMs: this.nowMs, agvId: a.id });
    return a.id;
  }

  /** Removes an idle AGV now (true), or marks a busy one to leave once it is idle (false). */
  removeAgv(id: string): boolean {
    const a = this.get(id);
    if (this.isFree(a)) {
      this.doRemove(a);
      return true;
    }
    a.removeWhenFree = true;
    return false;
  }

  /** Advances simulated time by dtMs × speedFactor (in sub-steps of at most 100 ms). */
  step(dtMs: number): FleetEvent[] {
    if (!(dtMs >= 0) || !Number.isFinite(dtMs)) throw new RangeError('dtMs must be a non-negative number');
    let left = dtMs * this.speedFactor;
    while (left > 1e-9) {
      const dt = Math.min(SUBSTEP_MS, left);
      left -= dt;
      this.tick(dt);
    }
    const out = this.events;
    this.events = [];
    return out;
  }

  state(): AgvState[] {
    return this.agvs.map((a) => {
      const moving = a.s > 0;
      // The host may have changed the state since the last tick (complete, fail, fault): that is its start.
      const changed = this.code(a) !== a.reported;
      return {
        id: a.id,
        x: a.x,
        y: a.y,
        heading: a.heading,
        speed: a.speed,
        state: this.code(a),
        battery: a.battery,
        taskId: a.task ? a.task.task.id : null,
        loaded: a.loaded,
        node: this.graph.ids[a.route[a.seg]],
        nextNode: moving ? this.graph.ids[a.route[a.seg + 1]] : null,
        waiting: this.isWaiting(a),
        stateSinceMs: changed ? this.nowMs : a.stateSinceMs,
        progressAtMs: changed ? this.nowMs : a.progressAtMs,
      };
    });
  }

  /** Remaining reserved route, starting at the node the AGV stands on or is leaving. */
  route(agvId: string): string[] {
    const a = this.get(agvId);
    return a.route.slice(a.seg).map((n) => this.graph.ids[n]);
  }

  stats(): FleetStats {
    const byState: Record<AgvStateCode, number> = { idle: 0, moving: 0, loading: 0, unloading: 0, charging: 0, fault: 0 };
    for (const a of this.agvs) byState[this.code(a)]++;
    const c = this.counters;
    return {
      simMs: this.nowMs,
      agvs: this.agvs.length,
      byState,
      tasksOpen: this.open.length,
      tasksActive: this.tasks.size - this.open.length,
      tasksCompleted: c.completed,
      tasksFailed: c.failed,
      distanceM: c.distance,
      meanCycleSeconds: c.delivered ? c.cycleMsSum / c.delivered / 1000 : 0,
      maxCycleSeconds: c.cycleMsMax / 1000,
      faults: c.faults,
      charges: c.charges,
      evasions: c.evasions,
    };
  }

  /** Diagnostic dump of every AGV (for debugging stuck scenarios). */
  describe(): string[] {
    const ids = this.graph.ids;
    return this.agvs.map((a) => {
      const o = a.goal >= 0 ? (this.faultBy[a.goal] ?? this.stopOf[a.goal]) : null;
      const next = a.route.length > 1 ? this.queues[a.route[a.seg + 1]][0] : null;
      return `${a.id} ${this.code(a)}/${a.activity}${a.evading ? '/evading' : ''}${a.fault ? '/FAULT' : ''} at ${ids[a.route[a.seg]]} s=${a.s.toFixed(2)} route=${a.route.slice(a.seg).map((n) => ids[n]).join(',')} goal=${a.goal >= 0 ? ids[a.goal] : '-'}(${a.purpose}) goalOwner=${o?.id ?? '-'} nextHead=${next?.id ?? '-'} task=${a.task?.task.id ?? '-'} bat=${a.battery.toFixed(2)} retry=${a.retryAtMs}`;
    });
  }

  get simMs(): number {
    return this.nowMs;
  }

  /**
   * Checks the invariants the deadlock-freedom argument rests on; returns violations (empty when
   * all hold). For tests: O(nodes + route lengths).
   */
  checkInvariants(): string[] {
    const errors: string[] = [];
    const ids = this.graph.ids;
    const physical = new Map<number, Agv>();
    for (const a of this.agvs) {
      const nodes = a.s > 0 ? [a.route[a.seg], a.route[a.seg + 1]] : [a.route[a.seg]];
      for (const n of nodes) {
        const other = physical.get(n);
        if (other) errors.push(`${a.id} and ${other.id} both on ${ids[n]}`);
        physical.set(n, a);
        if (this.queues[n][0] !== a) errors.push(`${a.id} is on ${ids[n]} but does not head its queue`);
      }
      for (let k = a.seg + 1; k < a.route.length; k++) {
        if (!this.queues[a.route[k]].includes(a)) errors.push(`${a.id} lacks its queue entry at ${ids[a.route[k]]}`);
      }
      const stop = a.route[a.route.length - 1];
      if (this.stopOf[stop] !== a) errors.push(`${a.id}: stop ${ids[stop]} is not marked as its stop`);
      if (a.battery < 0 || a.battery > 1) errors.push(`${a.id}: battery ${a.battery}`);
    }
    this.queues.forEach((q, n) => {
      for (let k = 0; k < q.length; k++) {
        const a = q[k];
        const at = a.route.indexOf(n, a.seg);
        if (at < 0) errors.push(`${a.id} is queued at ${ids[n]} which is not on its route`);
        if (k > 0) {
          const prev = q[k - 1];
          // The head may be driving away along an edge: it releases this node without waiting.
          const leaving = k === 1 && prev.s > 0 && prev.route[prev.seg] === n && !prev.fault;
          const ordered = prev.key < a.key || (prev.key === a.key && prev.resSeq < a.resSeq);
          if (!leaving && !ordered) errors.push(`queue of ${ids[n]} out of order: ${prev.id} before ${a.id}`);
        }
      }
      const stopper = this.stopOf[n];
      if (stopper && q[q.length - 1] !== stopper) errors.push(`someone is queued behind ${stopper.id}'s stop at ${ids[n]}`);
      const faulted = this.faultBy[n];
      if (faulted && q[q.length - 1] !== faulted) errors.push(`someone is queued behind faulted ${faulted.id} at ${ids[n]}`);
    });
    return errors;
  }

  // -------------------------------------------------------------------------------------------
  // Simulation

  private tick(dtMs: number): void {
    this.nowMs += dtMs;
    const now = this.nowMs;
    const dtS = dtMs / 1000;
    for (const a of this.agvs) {
      if (a.fault) {
        if (a.fault.repairAtMs !== null && now >= a.fault.repairAtMs) this.resume(a.id);
        else continue;
      }
      this.timers(a, dtMs, dtS);
    }
    for (const a of this.agvs) {
      if (!a.fault && (a.route.length > 1 || a.turnLeftMs > 0)) this.drive(a, dtS);
    }
    for (const a of this.agvs) {
      if (!a.fault && a.route.length === 1 && a.goal >= 0 && a.activity === 'travel' && now >= a.retryAtMs) this.tryDepart(a);
    }
    this.batteryDecisions();
    for (const a of [...this.agvs]) if (a.removeWhenFree && this.isFree(a)) this.doRemove(a);
    if (this.open.length > 0 && (this.assignDirty || now - this.lastAssignMs >= ASSIGN_EVERY_MS)) this.assign();
    if (this.faultRatePerHour > 0) {
      const p = (this.faultRatePerHour * dtS) / 3600;
      for (const a of this.agvs) {
        if (a.fault || a.route.length <= 1) continue;
        if (this.rng.next() < p) this.doFault(a, 'random fault', now + this.repairMs);
      }
    }
    this.watchProgress();
  }

  /** Notes state changes and progress: distance driven, or a timed activity (loading, unloading, charging) running. */
  private watchProgress(): void {
    for (const a of this.agvs) {
      const code = this.code(a);
      const timed = !a.fault && (a.activity === 'loading' || a.activity === 'unloading' || a.activity === 'charging');
      if (code !== a.reported) {
        a.reported = code;
        a.stateSinceMs = this.nowMs;
      }
      if (timed || a.odometer > a.progressOdometer || a.turnLeftMs > 0 || a.stateSinceMs === this.nowMs) {
        a.progressAtMs = this.nowMs;
        a.progressOdometer = a.odometer;
      }
    }
  }

  private isWaiting(a: Agv): boolean {
    return !a.fault && a.activity === 'travel' && a.route.length === 1 && a.turnLeftMs === 0;
  }

  private timers(a: Agv, dtMs: number, dtS: number): void {
    const atCharger = a.route.length === 1 && this.isCharger[a.route[0]] === 1;
    if (atCharger && (a.activity === 'charging' || a.activity === 'idle')) {
      a.battery = Math.min(1, a.battery + this.chargePerSecond * dtS);
      if (a.activity === 'charging' && a.battery >= this.chargedBattery) {
        a.activity = 'idle';
        this.assignDirty = true;
        this.emit({ type: 'charged', atMs: this.nowMs, agvId: a.id });
      }
    } else {
      a.battery = Math.max(0, a.battery - this.idlePerSecond * dtS);
    }
    if (a.activity !== 'loading' && a.activity !== 'unloading') return;
    a.timerMs -= dtMs;
    if (a.timerMs > 1e-9) return;
    const t = a.task!;
    if (a.activity === 'loading') {
      a.loaded = true;
      this.emit({ type: 'loaded', atMs: this.nowMs, agvId: a.id, taskId: t.task.id });
      this.setGoal(a, t.target, 'target');
    } else {
      a.loaded = false;
      a.activity = 'awaitHost';
      const cycle = this.nowMs - t.claimedAtMs;
      this.counters.delivered++;
      this.counters.cycleMsSum += cycle;
      this.counters.cycleMsMax = Math.max(this.counters.cycleMsMax, cycle);
      this.emit({ type: 'delivered', atMs: this.nowMs, agvId: a.id, taskId: t.task.id });
    }
  }

  private setGoal(a: Agv, goal: number, purpose: Purpose): void {
    a.goal = goal;
    a.purpose = purpose;
    a.activity = 'travel';
    a.retryAtMs = this.nowMs;
    a.blockedSinceMs = -1;
    a.waitingSinceMs = -1;
  }

  // --- kinematics ------------------------------------------------------------------------------

  private drive(a: Agv, dtS: number): void {
    let t = dtS;
    if (a.route.length === 1) {
      // Cut back while turning (fault nearby): finish the turn in place.
      const used = Math.min(a.turnLeftMs, t * 1000);
      a.turnLeftMs -= used;
      a.heading = normalizeAngle(a.turnFrom + a.turnDelta * (a.turnLeftMs <= 1e-9 ? 1 : 1 - a.turnLeftMs / a.turnTotalMs));
      if (a.turnLeftMs <= 1e-9) a.turnLeftMs = 0;
      return;
    }
    for (let iter = 0; iter < 8 && t > 1e-9; iter++) {
      if (a.turnLeftMs > 0) {
        const used = Math.min(a.turnLeftMs, t * 1000);
        a.turnLeftMs -= used;
        t -= used / 1000;
        const f = a.turnLeftMs <= 1e-9 ? 1 : 1 - a.turnLeftMs / a.turnTotalMs;
        if (a.turnLeftMs <= 1e-9) a.turnLeftMs = 0;
        a.heading = normalizeAngle(a.turnFrom + a.turnDelta * f);
        continue;
      }
      if (a.seg >= a.route.length - 1) {
        this.routeEnd(a);
        return;
      }
      if (a.s === 0 && a.speed === 0) {
        const d = angleDiff(a.heads[a.seg], a.heading);
        if (Math.abs(d) > HEADING_EPS && this.turnMsPer90 > 0) {
          a.turnFrom = a.heading;
          a.turnDelta = d;
          a.turnTotalMs = (this.turnMsPer90 * Math.abs(d)) / (Math.PI / 2);
          a.turnLeftMs = a.turnTotalMs;
          continue;
        }
        a.heading = a.heads[a.seg];
      }
      const stop = this.stopDistance(a, t);
      if (stop <= 1e-9) {
        a.speed = 0;
        return;
      }
      const v0 = a.speed;
      const acc = this.accel;
      // Largest v1 that still lets the AGV stop within `stop` after moving (v0 + v1) / 2 · t.
      const b = acc * t;
      const c = acc * t * v0 - 2 * acc * stop;
      const disc = b * b - 4 * c;
      const vBrake = disc > 0 ? (-b + Math.sqrt(disc)) / 2 : 0;
      let v1 = Math.max(0, Math.min(this.maxSpeed, v0 + acc * t, vBrake));
      let dist = ((v0 + v1) / 2) * t;
      let used = t;
      let halted = false;
      if (dist >= stop - 1e-9) {
        const vAvg = (v0 + v1) / 2;
        used = vAvg > 1e-9 ? Math.min(t, stop / vAvg) : t;
        dist = stop;
        v1 = 0;
        halted = true;
      }
      this.advance(a, dist);
      a.speed = v1;
      t -= used;
      if (a.seg >= a.route.length - 1) {
        this.routeEnd(a);
        return;
      }
      if (!halted) return;
    }
  }

  /** Distance to the point where the AGV must be at rest: a turn, its stop, or a node it does not head yet. */
  private stopDistance(a: Agv, t: number): number {
    const last = a.route.length - 1;
    let j = a.seg + 1;
    if (a.s === 0 && this.queues[a.route[j]][0] !== a) return 0;
    let d = a.lens[a.seg] - a.s;
    const need = (this.maxSpeed + a.speed) * t + (this.maxSpeed * this.maxSpeed) / (2 * this.accel) + 0.5;
    for (;;) {
      if (j === last || d >= need) return d;
      if (Math.abs(angleDiff(a.heads[j], a.heads[j - 1])) > HEADING_EPS) return d;
      if (this.queues[a.route[j + 1]][0] !== a) return d;
      d += a.lens[j];
      j++;
    }
  }

  private advance(a: Agv, dist: number): void {
    a.odometer += dist;
    this.counters.distance += dist;
    a.battery = Math.max(0, a.battery - dist * this.batteryPerMetre);
    a.s += dist;
    while (a.seg < a.route.length - 1 && a.s >= a.lens[a.seg] - 1e-7) {
      a.s = Math.max(0, a.s - a.lens[a.seg]);
      a.seg++;
      this.leave(a, a.route[a.seg - 1]);
    }
    if (a.seg >= a.route.length - 1 || a.s < 1e-7) a.s = 0;
    const u = a.route[a.seg];
    if (a.s === 0) {
      a.x = this.nx[u];
      a.y = this.ny[u];
    } else {
      const v = a.route[a.seg + 1];
      const f = a.s / a.lens[a.seg];
      a.x = this.nx[u] + (this.nx[v] - this.nx[u]) * f;
      a.y = this.ny[u] + (this.ny[v] - this.ny[u]) * f;
    }
  }

  private leave(a: Agv, node: number): void {
    const q = this.queues[node];
    const i = q.indexOf(a);
    if (i >= 0) q.splice(i, 1);
  }

  /** The AGV reached the last node of its route and stands there. */
  private routeEnd(a: Agv): void {
    const node = a.route[a.route.length - 1];
    a.route = [node];
    a.lens = [];
    a.heads = [];
    a.eta = [0];
    a.seg = 0;
    a.s = 0;
    a.speed = 0;
    a.x = this.nx[node];
    a.y = this.ny[node];
    if (a.evading) {
      a.evading = false;
      a.retryAtMs = this.nowMs + EVADE_HOLD_MS;
      if (a.goal < 0 && a.activity === 'travel') a.activity = 'idle';
      return;
    }
    if (a.goal < 0) {
      if (a.activity === 'travel') a.activity = 'idle';
      this.assignDirty = true;
      return;
    }
    if (node !== a.goal) {
      a.retryAtMs = this.nowMs;
      return;
    }
    this.arrive(a);
  }

  private arrive(a: Agv): void {
    const purpose = a.purpose;
    a.goal = -1;
    a.purpose = 'none';
    a.blockedSinceMs = -1;
    const t = a.task;
    if (purpose === 'source' && t) {
      a.activity = 'loading';
      a.timerMs = this.loadMs;
      this.emit({ type: 'arrivedAtSource', atMs: this.nowMs, agvId: a.id, taskId: t.task.id });
    } else if (purpose === 'target' && t) {
      a.activity = 'unloading';
      a.timerMs = this.loadMs;
      this.emit({ type: 'arrivedAtTarget', atMs: this.nowMs, agvId: a.id, taskId: t.task.id });
    } else if (purpose === 'charge' && this.isCharger[a.route[0]]) {
      a.activity = 'charging';
      this.counters.charges++;
      this.emit({ type: 'chargingStarted', atMs: this.nowMs, agvId: a.id, charger: this.graph.ids[a.route[0]] });
    } else {
      a.activity = 'idle';
      this.assignDirty = true;
    }
    // Zero-time legs (already there): let the timers start this very tick.
  }

  // --- reservations ----------------------------------------------------------------------------

  private blockedFor(a: Agv, n: number): boolean {
    const s = this.stopOf[n];
    if (s !== null && s !== a) return true;
    const f = this.faultBy[n];
    return f !== null && f !== a;
  }

  /**
   * Enters a stationary AGV into the queue of every node of `path` (path[0] = where it stands).
   * Its order key is chosen so that it goes after every AGV that stands on a node of the path or
   * is expected there first (and after everyone at its stop), before AGVs expected later; keys
   * never fall more than OVERTAKE_MS behind now, which bounds how long anyone can be overtaken.
   */
  private reserve(a: Agv, path: number[]): void {
    const from = path[0];
    if (this.stopOf[from] === a) this.stopOf[from] = null;
    a.route = path;
    a.seg = 0;
    a.s = 0;
    a.lens = [];
    a.heads = [];
    a.eta = [0];
    let heading = a.heading;
    for (let k = 1; k < path.length; k++) {
      const dx = this.nx[path[k]] - this.nx[path[k - 1]];
      const dy = this.ny[path[k]] - this.ny[path[k - 1]];
      const len = Math.hypot(dx, dy);
      const h = Math.atan2(dy, dx);
      a.lens.push(len);
      a.heads.push(h);
      const turn = (this.turnMsPer90 / 1000) * (Math.abs(angleDiff(h, heading)) / (Math.PI / 2));
      a.eta.push(a.eta[k - 1] + turn + len / this.maxSpeed);
      heading = h;
    }
    const last = path.length - 1;
    // after: the largest key we must follow; before: the smallest key above it we may precede.
    let after = -Infinity;
    const oldest = this.nowMs - OVERTAKE_MS;
    for (let k = 1; k <= last; k++) {
      const n = path[k];
      for (const e of this.queues[n]) {
        if (e.key <= after) continue;
        if (k === last || e.reservedAtMs < oldest || this.physicallyAt(e, n) || this.etaAt(e, n) <= a.eta[k] + ETA_SLACK_S) after = e.key;
      }
    }
    let before = Infinity;
    for (let k = 1; k <= last; k++) for (const e of this.queues[path[k]]) if (e.key > after && e.key < before) before = e.key;
    const key =
      after === -Infinity ? (before === Infinity ? 0 : before - 1) : before === Infinity ? after + 1 : after + (before - after) / 2;
    a.key = key;
    a.resSeq = ++this.resSeq;
    a.reservedAtMs = this.nowMs;
    for (let k = 1; k <= last; k++) {
      const q = this.queues[path[k]];
      let pos = q.length;
      while (pos > 0 && (q[pos - 1].key > key || (q[pos - 1].key === key && q[pos - 1].resSeq > a.resSeq))) pos--;
      q.splice(pos, 0, a);
    }
    this.stopOf[path[last]] = a;
  }

  private physicallyAt(e: Agv, n: number): boolean {
    return e.route[e.seg] === n || (e.s > 0 && e.route[e.seg + 1] === n);
  }

  /** Seconds until `e` is expected at node n (0 if it is there), from its route's full-speed estimate. */
  private etaAt(e: Agv, n: number): number {
    const k = e.route.indexOf(n, e.seg);
    if (k < 0) return 0;
    const progress = e.eta[e.seg] + (e.s > 0 ? (e.eta[e.seg + 1] - e.eta[e.seg]) * (e.s / e.lens[e.seg]) : 0);
    return e.eta[k] - progress;
  }

  /**
   * Cuts the route back to the node the AGV is committed to (the one it stands on, or the one it
   * is driving into), which becomes its stop. Returns the AGVs queued behind it there.
   */
  private truncate(a: Agv): Agv[] {
    const commit = a.s > 0 ? a.seg + 1 : a.seg;
    for (let k = commit + 1; k < a.route.length; k++) this.leave(a, a.route[k]);
    const oldStop = a.route[a.route.length - 1];
    if (this.stopOf[oldStop] === a) this.stopOf[oldStop] = null;
    a.route = a.route.slice(a.seg, commit + 1);
    a.lens = a.lens.slice(a.seg, commit);
    a.heads = a.heads.slice(a.seg, commit);
    a.eta = a.eta.slice(a.seg, commit + 1);
    a.seg = 0;
    const c = a.route[a.route.length - 1];
    this.stopOf[c] = a;
    return this.queues[c].filter((o) => o !== a);
  }

  /** Truncates the seeds and, transitively, everyone queued behind a truncated AGV's new stop. */
  private closure(seeds: Agv[]): void {
    const work = [...seeds];
    const seen = new Set<Agv>();
    while (work.length > 0) {
      const a = work.pop()!;
      if (seen.has(a)) continue;
      seen.add(a);
      work.push(...this.truncate(a));
      a.retryAtMs = this.nowMs;
      if (a.route.length === 1 && !a.fault) this.routeEnd(a);
    }
  }

  private doFault(a: Agv, reason: string, repairAtMs: number | null): void {
    a.fault = { reason, repairAtMs };
    a.speed = 0;
    this.counters.faults++;
    const behind = this.truncate(a);
    for (const n of a.route) this.faultBy[n] = a;
    if (a.route.length > 1) behind.push(...this.queues[a.route[0]].filter((o) => o !== a));
    this.closure(behind);
    this.emit({ type: 'faulted', atMs: this.nowMs, agvId: a.id, reason });
  }

  private tryDepart(a: Agv): void {
    const from = a.route[0];
    const goal = a.goal;
    if (from === goal) {
      this.arrive(a);
      return;
    }
    const now = this.nowMs;
    let path: number[] | null = null;
    const ideal = this.graph.path(from, goal);
    // First come, first served per goal node: the longest-waiting AGV for a node claims it.
    let claimant = this.goalClaim[goal];
    if (claimant && (claimant.goal !== goal || claimant.activity !== 'travel' || claimant.fault || !this.byId.has(claimant.id))) {
      claimant = this.goalClaim[goal] = null;
    }
    if (a.waitingSinceMs < 0) a.waitingSinceMs = now;
    const claimedByOther = claimant !== null && claimant !== a;
    if (ideal.length > 0 && !this.blockedFor(a, goal) && !claimedByOther) {
      let clear = true;
      for (let k = 1; k < ideal.length && clear; k++) clear = !this.blockedFor(a, ideal[k]);
      if (clear) path = ideal;
      else {
        path = this.pf.path(from, goal, (n) => this.blockedFor(a, n));
        // A long detour around a stop is worse than a short wait: take it only after some patience.
        const patient = a.blockedSinceMs < 0 || now - a.blockedSinceMs < DETOUR_PATIENCE_MS;
        if (path && patient && this.pathLength(path) > 1.5 * this.graph.distance(from, goal) + 20) path = null;
      }
    }
    if (path) {
      this.reserve(a, path);
      a.blockedSinceMs = -1;
      a.waitingSinceMs = -1;
      if (claimant === a) this.goalClaim[goal] = null;
      return;
    }
    if (!claimant || a.waitingSinceMs < claimant.waitingSinceMs) this.goalClaim[goal] = a;
    if (a.purpose === 'charge') {
      const o = this.faultBy[goal] ?? this.stopOf[goal];
      if (o && o !== a && !(this.evictable(o) && o.activity === 'idle')) {
        // Someone else got this charger first: choose again.
        a.goal = -1;
        a.purpose = 'none';
        a.activity = 'idle';
        return;
      }
    }
    if (a.blockedSinceMs < 0) {
      a.blockedSinceMs = now;
      a.backoffMs = this.rng.between(3000, 9000);
    }
    a.retryAtMs = now + RETRY_MS;
    if (ideal.length > 0) this.resolveBlock(a, ideal);
  }

  private pathLength(path: readonly number[]): number {
    let d = 0;
    for (let k = 1; k < path.length; k++) d += Math.hypot(this.nx[path[k]] - this.nx[path[k - 1]], this.ny[path[k]] - this.ny[path[k - 1]]);
    return d;
  }

  private isStationary(a: Agv): boolean {
    return a.route.length === 1 && a.turnLeftMs === 0;
  }

  private evictable(b: Agv): boolean {
    return (
      !b.fault &&
      !b.evading &&
      b.route.length === 1 &&
      (b.activity === 'idle' || (b.activity === 'travel' && b.goal >= 0)) &&
      this.nowMs >= b.noEvictUntilMs
    );
  }

  /** `a` cannot depart: ask stationary AGVs on its ideal path to step aside, or step aside itself. */
  private resolveBlock(a: Agv, ideal: number[]): void {
    const avoid = new Set(ideal);
    let evicted = false;
    let stuckBlocker = false;
    const blockers: Agv[] = [];
    for (let k = 1; k < ideal.length; k++) {
      const n = ideal[k];
      const b = this.faultBy[n] ?? this.stopOf[n];
      if (!b || b === a || b.route.length !== 1) continue;
      blockers.push(b);
      if (!this.evictable(b)) continue;
      if (this.evade(b, avoid)) evicted = true;
      else stuckBlocker = true;
    }
    if (evicted) {
      a.retryAtMs = this.nowMs;
      a.noEvictUntilMs = this.nowMs + NO_EVICT_MS;
      return;
    }
    if (stuckBlocker && this.nowMs - a.blockedSinceMs >= a.backoffMs && this.evictable(a)) {
      for (const b of blockers) for (const nb of this.pf.neighbours(b.route[0])) avoid.add(nb);
      if (this.evade(a, avoid)) {
        a.blockedSinceMs = -1;
      }
    }
  }

  /** Sends a stationary AGV to the nearest free node outside `avoid` (never a charger). */
  private evade(b: Agv, avoid: ReadonlySet<number>): boolean {
    const path = this.pf.search(
      b.route[0],
      (n) => !avoid.has(n) && this.queues[n].length === 0 && !this.isCharger[n],
      (n) => this.blockedFor(b, n),
    );
    if (!path) return false;
    this.reserve(b, path);
    b.evading = true;
    b.retryAtMs = Infinity;
    this.counters.evasions++;
    return true;
  }

  // --- batteries, assignment -------------------------------------------------------------------

  private batteryDecisions(): void {
    for (const a of this.agvs) {
      if (a.fault || a.activity !== 'idle' || !this.isStationary(a) || a.evading || a.task) continue;
      if (a.battery >= this.lowBattery || this.nowMs < a.retryAtMs) continue;
      const here = a.route[0];
      if (this.isCharger[here]) {
        a.activity = 'charging';
        this.counters.charges++;
        this.emit({ type: 'chargingStarted', atMs: this.nowMs, agvId: a.id, charger: this.graph.ids[here] });
        continue;
      }
      let best = -1;
      let bestD = Infinity;
      let bestOccupant: Agv | null = null;
      const dist = this.graph.distancesFrom(here);
      for (const c of this.chargerNodes) {
        const occupant = this.faultBy[c] ?? this.stopOf[c];
        const ok = !occupant || (this.evictable(occupant) && occupant.activity === 'idle' && occupant.battery >= this.lowBattery + 0.1);
        if (ok && dist[c] < bestD) {
          best = c;
          bestD = dist[c];
          bestOccupant = occupant;
        }
      }
      if (best < 0) {
        a.retryAtMs = this.nowMs + CHARGER_RETRY_MS;
        continue;
      }
      if (bestOccupant && !this.evade(bestOccupant, new Set(this.graph.path(here, best)))) {
        a.retryAtMs = this.nowMs + CHARGER_RETRY_MS;
        continue;
      }
      this.setGoal(a, best, 'charge');
    }
  }

  private isFree(a: Agv): boolean {
    return !a.fault && a.activity === 'idle' && !a.task && !a.evading && this.isStationary(a);
  }

  /** Greedy assignment: priority classes in order; within one, the closest (AGV, task) pair first. */
  private assign(): void {
    this.assignDirty = false;
    this.lastAssignMs = this.nowMs;
    const free = this.agvs.filter((a) => this.isFree(a) && !a.removeWhenFree && a.battery >= this.lowBattery);
    if (free.length === 0) return;
    const open = [...this.open].sort((p, q) => q.task.priority - p.task.priority || p.seq - q.seq);
    const load = new Map<number, number>();
    const use = (n: number) => load.set(n, (load.get(n) ?? 0) + 1);
    for (const t of this.tasks.values()) {
      if (!t.agv) continue;
      if (!t.agv.loaded && (t.agv.activity === 'travel' || t.agv.activity === 'loading')) use(t.source);
      use(t.target);
    }
    const crowded = (t: TaskRec) => (load.get(t.source) ?? 0) >= TASKS_PER_NODE || (load.get(t.target) ?? 0) >= TASKS_PER_NODE;
    const taken = new Set<Agv>();
    const claimed = new Set<TaskRec>();
    let i = 0;
    while (i < open.length && taken.size < free.length) {
      let j = i;
      while (j < open.length && open[j].task.priority === open[i].task.priority) j++;
      const group = open.slice(i, j).filter((t) => !crowded(t)).slice(0, 2 * free.length + 8);
      i = j;
      const pairs: [number, TaskRec, Agv][] = [];
      for (const t of group) {
        const dist = this.graph.distancesFrom(t.source);
        for (const a of free) {
          if (taken.has(a)) continue;
          const d = dist[a.route[0]];
          if (d < Infinity) pairs.push([d, t, a]);
        }
      }
      pairs.sort((p, q) => p[0] - q[0] || p[1].seq - q[1].seq || p[2].uid - q[2].uid);
      for (const [, t, a] of pairs) {
        if (taken.has(a) || claimed.has(t) || crowded(t)) continue;
        use(t.source);
        if (t.target !== t.source) use(t.target);
        taken.add(a);
        claimed.add(t);
        this.claim(a, t);
      }
    }
    if (claimed.size > 0) this.open = this.open.filter((t) => !claimed.has(t));
  }

  private claim(a: Agv, t: TaskRec): void {
    t.agv = a;
    t.claimedAtMs = this.nowMs;
    a.task = t;
    this.emit({ type: 'claimed', atMs: this.nowMs, agvId: a.id, taskId: t.task.id });
    this.setGoal(a, t.source, 'source');
  }

  private drop(taskId: string, reason: string, failed: boolean): boolean {
    const t = this.tasks.get(taskId);
    if (!t) return false;
    this.tasks.delete(taskId);
    if (failed) this.counters.failed++;
    const a = t.agv;
    if (!a) {
      this.open = this.open.filter((o) => o !== t);
      return true;
    }
    a.task = null;
    a.loaded = false;
    a.timerMs = 0;
    if (a.purpose === 'source' || a.purpose === 'target') {
      a.goal = -1;
      a.purpose = 'none';
    }
    if (a.activity !== 'charging') a.activity = 'idle';
    this.assignDirty = true;
    this.emit({ type: 'released', atMs: this.nowMs, agvId: a.id, taskId, reason });
    return true;
  }

  private doRemove(a: Agv): void {
    for (const n of a.route) this.leave(a, n);
    for (const n of a.route) {
      if (this.stopOf[n] === a) this.stopOf[n] = null;
      if (this.faultBy[n] === a) this.faultBy[n] = null;
    }
    this.agvs.splice(this.agvs.indexOf(a), 1);
    this.byId.delete(a.id);
    this.emit({ type: 'agvRemoved', atMs: this.nowMs, agvId: a.id });
  }

  private code(a: Agv): AgvStateCode {
    if (a.fault) return 'fault';
    switch (a.activity) {
      case 'loading':
        return 'loading';
      case 'unloading':
      case 'awaitHost':
        return 'unloading';
      case 'charging':
        return 'charging';
      case 'travel':
        return 'moving';
      default:
        return a.route.length > 1 ? 'moving' : 'idle';
    }
  }

  private get(id: string): Agv {
    const a = this.byId.get(id);
    if (!a) throw new RangeError(`unknown AGV "${id}"`);
    return a;
  }

  private emit(e: FleetEvent): void {
    this.events.push(e);
  }
}

function normalizeAngle(h: number): number {
  return angleDiff(h, 0);
}

/** Chargers, docks, then cross nodes and aisle nodes, each spread along the layout (golden-ratio order). */
function placementOrder(layout: FleetLayout, graph: RouteGraph): number[] {
  const spread = (ids: string[]): number[] =>
    ids
      .map((id, i) => ({ id, key: (i * 0.6180339887498949) % 1 }))
      .sort((p, q) => p.key - q.key)
      .map((p) => graph.index(p.id));
  const byKind = (kind: string) => layout.nodes.filter((n) => n.kind === kind).map((n) => n.id);
  return [
    ...layout.chargers.map((c) => graph.index(c.node)),
    ...layout.docks.map((d) => graph.index(d.node)),
    ...spread(byKind('cross')),
    ...spread(byKind('aisle')),
  ];
}
