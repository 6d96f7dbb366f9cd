import { sql, type Kysely } from 'kysely';
import { encodeAgvFrame, type AgvFrameState } from '../../model/protocol/agv-frame.ts';
import { Fleet } from '../../scenarios/fleet/fleet.ts';
import type { AgvState, FleetEvent, FleetTaskKind } from '../../scenarios/fleet/types.ts';
import type { DB } from '../db/schema.ts';
import { SYSTEM_ACTOR, type Actor } from '../domain/auth/actor.ts';
import { notFound } from '../domain/errors.ts';
import { appendEvent, raiseAlert } from '../domain/events.ts';
import { warehouseGeometry } from '../domain/masterdata/layout-cache.ts';
import { confirmPick } from '../domain/outbound/pick.ts';
import { confirmPutaway } from '../domain/putaway/putaway.ts';
import { confirmReplenish } from '../domain/replenishment/replenish.ts';

export interface LiveFleetOptions {
  agvs: number;
  seed: number;
  /** Simulation and broadcast period, ms (10 Hz by default). */
  tickMs?: number;
  /** How often open tasks are read from the database, ms. */
  pollTasksMs?: number;
  speedFactor?: number;
  /** Milliseconds since the epoch (default Date.now): simulated-time tests drive it themselves. */
  clock?: () => number;
}

/** Where AGV frames go: the gateway's AGV room of a warehouse (every subscriber of it). */
export type FrameSink = (warehouseId: number, bytes: Uint8Array) => void;

/** One AGV as the fleet kernel sees it, for the AGV inspector (the task's details come from the database). */
export interface AgvLiveView {
  id: string; state: string; loaded: boolean;
  /** 0..1 */
  battery: number;
  /** m/s */
  speed: number;
  x: number; y: number;
  /** radians, 0 = +x, counter-clockwise */
  heading: number;
  /** The kernel's task id (the tasks table id as text for tasks from the database). */
  taskId: string | null;
  /** Remaining reserved route: the AGV's position, then the graph nodes it will pass; empty when not driving. */
  route: { x: number; y: number }[];
  /** Headed for a stop but not yet granted a route (state 'moving' at speed 0): waiting for its way or its goal. */
  waiting: boolean;
  /** Since when (ISO time) the AGV has been in `state`. */
  stateSince: string;
  /** When (ISO time) it last made progress: drove, loaded, unloaded, charged or changed state. */
  lastProgressAt: string;
}

/** When an AGV's state last changed and when it last made progress, in kernel time and as wall-clock epoch ms. */
interface AgvClock { stateSim: number; stateAt: number; progressSim: number; progressAt: number }

interface TaskInfo { id: number; type: FleetTaskKind; sourceBin: string; targetBin: string; sku: string; lot: string | null;
  qty: number }

/**
 * The live AGV fleet of one warehouse: the simulation kernel (scenarios/fleet) driven by a timer, fed
 * with the open putaway, pick and replenishment tasks, confirming each delivered task through the same
 * services an operator uses (so stock moves through the ledger and outbox), and broadcasting a binary
 * frame of every AGV each tick. Runs only in the process that holds the relay lease.
 */
export class LiveFleet {
  readonly fleet: Fleet;
  paused = false;
  speedFactor: number;
  private timer: NodeJS.Timeout | null = null;
  private stepping = false;
  private lastPoll = 0;
  private tick = 0;
  private readonly offered = new Map<string, TaskInfo>();
  private readonly confirming = new Set<string>();
  /** Confirmations in flight (they run beside the ticks, as the host's round trips do). */
  private readonly pending = new Set<Promise<void>>();
  private roster: string[] = [];
  rosterVersion = 1;
  private readonly tickMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  readonly errors: string[] = [];
  private readonly clocks = new Map<string, AgvClock>();
  /** Travel graph node coordinates, for drawing routes. */
  private nodes = new Map<string, { x: number; y: number }>();

  private constructor(private readonly db: Kysely<DB>, readonly warehouseId: number, fleet: Fleet,
    private readonly sink: FrameSink, opts: LiveFleetOptions) {
    this.fleet = fleet;
    this.tickMs = opts.tickMs ?? 100;
    this.pollMs = opts.pollTasksMs ?? 1000;
    this.speedFactor = opts.speedFactor ?? 1;
    this.now = opts.clock ?? Date.now;
  }

  static async create(db: Kysely<DB>, warehouseId: number, sink: FrameSink, opts: LiveFleetOptions) {
    const { layout } = await warehouseGeometry(db, warehouseId);
    const fleet = new Fleet(layout, { seed: opts.seed, agvs: opts.agvs });
    // Tasks an earlier leader left assigned to AGVs go back to the pool: this fleet starts afresh.
    await db.updateTable('tasks').set({ assignee_agv: null, status: 'open' }).where('warehouse_id', '=', warehouseId)
      .where('assignee_agv', 'is not', null).where('status', 'in', ['assigned', 'in_progress']).execute();
    const live = new LiveFleet(db, warehouseId, fleet, sink, opts);
    live.nodes = new Map(layout.nodes.map((n) => [n.id, { x: n.x, y: n.y }]));
    return live;
  }

  start() {
    if (this.timer) return;
    this.timer = setInterval(() => void this.step(), this.tickMs);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One tick: (maybe) read tasks, advance the simulation, act on its events, broadcast the frame. */
  async step() {
    if (this.stepping) return; // a slow database round: skip a tick rather than pile them up
    this.stepping = true;
    try {
      if (this.now() - this.lastPoll > this.pollMs) {
        this.lastPoll = this.now();
        await this.pollTasks();
      }
      if (!this.paused) {
        for (const event of this.fleet.step(this.tickMs * this.speedFactor)) await this.onEvent(event);
      }
      this.noteClocks();
      this.broadcast();
    } catch (error) {
      this.remember(error);
    } finally {
      this.stepping = false;
    }
  }

  /** Offer open tasks with both bins on the graph; forget those done or taken by people meanwhile. */
  async pollTasks() {
    const rows = await sql<TaskInfo & { source_node: string; target_node: string; priority: number }>`
      select t.id, t.type, t.priority, sb.code as "sourceBin", tb.code as "targetBin", sb.access_node as source_node,
             tb.access_node as target_node, s.code as sku, l.lot_no as lot, (t.qty - t.done_qty)::int8 as qty
        from tasks t join bins sb on sb.id = t.source_bin_id join bins tb on tb.id = t.target_bin_id
        join skus s on s.id = t.sku_id left join lots l on l.id = t.lot_id
       where t.warehouse_id = ${this.warehouseId} and t.type in ('putaway', 'pick', 'replenish')
         and t.status = 'open' and t.assignee_user_id is null and t.assignee_agv is null
         and sb.access_node is not null and tb.access_node is not null
       order by t.priority desc, t.id limit 300`.execute(this.db);
    for (const r of rows.rows) {
      const key = String(r.id);
      if (this.offered.has(key)) continue;
      this.offered.set(key, { ...r, qty: Number(r.qty) });
      this.fleet.offer({ id: key, kind: r.type, sourceNode: r.source_node, targetNode: r.target_node, priority: r.priority });
    }
  }

  private async onEvent(e: FleetEvent) {
    if (e.type === 'claimed') {
      const claimed = await this.db.updateTable('tasks').set({ assignee_agv: e.agvId, status: 'assigned', updated_at: new Date() })
        .where('id', '=', Number(e.taskId)).where('status', '=', 'open').where('assignee_user_id', 'is', null)
        .returning('type').executeTakeFirst();
      if (!claimed) {
        // Somebody took or finished it meanwhile.
        this.fleet.release(e.taskId);
        this.offered.delete(e.taskId);
        return;
      }
      await appendEvent(this.db, 'task.updated', this.warehouseId, { taskId: Number(e.taskId), type: claimed.type,
        status: 'assigned', agv: e.agvId });
    } else if (e.type === 'delivered') {
      const done = this.confirm(e.agvId, e.taskId).finally(() => this.pending.delete(done));
      this.pending.add(done);
    } else if (e.type === 'faulted') {
      await raiseAlert(this.db, this.warehouseId, 'agv_fault', `AGV ${e.agvId} stopped: ${e.reason}`, { agv: e.agvId });
    }
  }

  /** Resolves once every confirmation in flight has reached the database and the kernel. */
  async settle() {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** The AGV put the load down: confirm the task as an operator would, then tell the kernel. */
  private async confirm(agvId: string, taskId: string) {
    if (this.confirming.has(taskId)) return;
    this.confirming.add(taskId);
    const info = this.offered.get(taskId);
    const actor: Actor = { ...SYSTEM_ACTOR, device: agvId };
    try {
      if (!info) throw new Error('unknown task');
      const id = Number(taskId);
      if (info.type === 'putaway') await confirmPutaway(this.db, actor, id, { bin: info.targetBin });
      else if (info.type === 'replenish') await confirmReplenish(this.db, actor, id, { bin: info.targetBin });
      else await confirmPick(this.db, actor, id, { bin: info.sourceBin, item: info.sku, ...(info.lot ? { lot: info.lot } : {}),
        qty: info.qty });
      this.fleet.complete(taskId);
    } catch (error) {
      this.remember(error);
      this.fleet.fail(taskId, String((error as Error).message ?? error));
      await this.db.updateTable('tasks').set({ assignee_agv: null, status: 'open' }).where('id', '=', Number(taskId))
        .where('assignee_agv', '=', agvId).where('status', 'in', ['assigned', 'in_progress']).execute().catch(() => {});
    } finally {
      this.offered.delete(taskId);
      this.confirming.delete(taskId);
    }
  }

  /** One binary frame with every AGV; the index is the AGV's place in the roster. */
  broadcast() {
    const states = this.fleet.state();
    const ids = states.map((s) => s.id);
    if (ids.join() !== this.roster.join()) {
      this.roster = ids;
      this.rosterVersion = (this.rosterVersion % 65_535) + 1;
    }
    const bytes = encodeAgvFrame({ warehouseId: this.warehouseId, tick: this.tick++, time: this.now(), roster: this.rosterVersion,
      agvs: states.map((s, index) => ({ index, x: s.x, y: s.y, heading: s.heading, speed: s.speed, state: frameState(s),
        battery: s.battery, taskId: s.taskId ? Number(s.taskId) || 0 : 0 })) });
    this.sink(this.warehouseId, bytes);
  }

  /** The kernel's simulated times of state changes and progress, translated to the clock's time as they happen. */
  private noteClocks() {
    const now = this.now();
    const seen = new Set<string>();
    for (const s of this.fleet.state()) {
      seen.add(s.id);
      const c = this.clocks.get(s.id);
      if (!c) {
        this.clocks.set(s.id, { stateSim: s.stateSinceMs, stateAt: now, progressSim: s.progressAtMs, progressAt: now });
        continue;
      }
      if (c.stateSim !== s.stateSinceMs) Object.assign(c, { stateSim: s.stateSinceMs, stateAt: now });
      if (c.progressSim !== s.progressAtMs) Object.assign(c, { progressSim: s.progressAtMs, progressAt: now });
    }
    for (const id of this.clocks.keys()) if (!seen.has(id)) this.clocks.delete(id);
  }

  private times(agvId: string) {
    const c = this.clocks.get(agvId);
    const at = (ms: number | undefined) => new Date(ms ?? this.now()).toISOString();
    return { stateSince: at(c?.stateAt), lastProgressAt: at(c?.progressAt) };
  }

  /**
   * For the API and the twin: the roster (index -> id), states (with since when each AGV is in its state and
   * when it last made progress, for stall watches), stats, and a route on demand.
   */
  describe() {
    return { warehouseId: this.warehouseId, paused: this.paused, speedFactor: this.speedFactor, roster: this.roster,
      rosterVersion: this.rosterVersion, agvs: this.fleet.state().map((s) => ({ ...s, ...this.times(s.id) })),
      stats: this.fleet.stats(), recentErrors: this.errors.slice(-5) };
  }

  /** One AGV with its remaining route as a polyline in model coordinates; 404 naming `agv` when unknown. */
  describeAgv(agvId: string): AgvLiveView {
    const s = this.fleet.state().find((a) => a.id === agvId);
    if (!s) throw notFound('agv', `no AGV ${agvId} in this warehouse`);
    const ahead = this.fleet.route(agvId).slice(1).map((n) => this.nodes.get(n)).filter((p) => p !== undefined);
    return { id: s.id, state: s.state, loaded: s.loaded, battery: s.battery, speed: s.speed, x: s.x, y: s.y,
      heading: s.heading, taskId: s.taskId, route: ahead.length ? [{ x: s.x, y: s.y }, ...ahead] : [], waiting: s.waiting,
      ...this.times(s.id) };
  }

  private remember(error: unknown) {
    this.errors.push(String((error as Error).message ?? error));
    if (this.errors.length > 50) this.errors.splice(0, this.errors.length - 50);
  }
}

function frameState(s: AgvState): AgvFrameState {
  if (s.state === 'moving') return s.loaded ? 'loaded-moving' : 'moving';
  return s.state;
}

