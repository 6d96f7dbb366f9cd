/**
 * Demo mode keeps the warehouse busy: orders arrive following SKU popularity and the time of day,
 * supplier deliveries arrive and are received, waves are released, QC passes after a while, picked
 * orders are packed and shipped, and in the quiet hours a planner's scheduled run tops up the pick faces below
 * their min every few minutes. The AGV fleet does the putaways, picks and replenishments in between. Everything goes
 * through the workflow services; the generator only decides what happens when.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { SYSTEM_ACTOR, type Actor } from '../domain/auth/actor.ts';
import { DomainError } from '../domain/errors.ts';
import { createInboundOrder } from '../domain/inbound/orders.ts';
import { recordQcResult } from '../domain/inbound/qc.ts';
import { receive } from '../domain/inbound/receive.ts';
import { allocateOrder } from '../domain/outbound/allocate.ts';
import { createOutboundOrder } from '../domain/outbound/orders.ts';
import { packOrder, shipOrder } from '../domain/outbound/ship.ts';
import { releaseWave } from '../domain/outbound/waves.ts';
import { runReplenishment } from '../domain/replenishment/replenish.ts';
import { Random } from '../../model/random.ts';

export interface ActivityOptions {
  warehouse: string;
  /** Orders per hour at the daily peak. */
  ordersPerHour?: number;
  /** Supplier deliveries per hour at the peak. */
  deliveriesPerHour?: number;
  /** Simulated time runs this much faster than real time (for order arrivals). */
  speedFactor?: number;
  seed?: number;
  tickMs?: number;
  /** Hour of day that shapes the intake (default: the clock's UTC hour). */
  hourOfDay?: () => number;
  /** Milliseconds since the epoch (default Date.now): simulated-time tests drive it themselves. */
  clock?: () => number;
  /**
   * Intake pauses while the warehouse has this many AGV tasks (putaway, pick, replenish) open or under way:
   * customers still order, but the generator does not outrun the fleet (default: no limit).
   */
  maxOpenTasks?: number;
  /**
   * Simulated milliseconds between replenishment runs (default 5 minutes; 0: none), in the quiet hours (intake at
   * most half the peak's: evenings, nights, early mornings), as planners keep replenishment out of the pickers'
   * way. A run is skipped while the backlog is full (maxOpenTasks): the faces below min wait for the next one, and
   * the alert monitor's below-min alert tells.
   */
  replenishEveryMs?: number;
}

export const REPLENISH_EVERY_MS = 5 * 60_000;

/**
 * What the demo fleet gets done, measured by `npm run bench:fleet-live` (docs/benchmarks.md, "Live fleet
 * throughput"): AGV tasks per hour of a saturated fleet with the demo's work on the demo layouts (67 and 77 in
 * the recorded run). WH1's 12 AGVs share one
 * single-lane cross aisle and four staging points (WH2's 4 AGVs two, on a smaller floor): more AGVs on the
 * road mostly queue, so tasks per AGV fall with the fleet size.
 */
export const MEASURED_FLEET_TASKS_PER_HOUR: Record<string, { agvs: number; tasksPerHour: number }> = {
  WH1: { agvs: 12, tasksPerHour: 60 },
  WH2: { agvs: 4, tasksPerHour: 80 },
};
/** AGV tasks one demo order makes (pick lines, split over bins), and one delivery (putaways), measured alike. */
export const TASKS_PER_ORDER = 2.7;
export const TASKS_PER_DELIVERY = 2;
/** Share of the fleet's throughput the peak hour asks for: room for bursts, charging and the odd detour. */
export const PEAK_UTILISATION = 0.6;

/**
 * Demo rates for a warehouse with a measured fleet: at the daily peak, orders and deliveries make
 * PEAK_UTILISATION of the fleet's tasks per hour (four fifths picks, one fifth putaways); the intake pauses
 * above a backlog of half an hour of the fleet's work (or two tasks per AGV, whichever is more).
 */
export function balancedActivity(warehouse: string): ActivityOptions | null {
  const fleet = MEASURED_FLEET_TASKS_PER_HOUR[warehouse];
  if (!fleet) return null;
  const tasks = fleet.tasksPerHour * PEAK_UTILISATION;
  return { warehouse, ordersPerHour: Math.round((tasks * 0.8) / TASKS_PER_ORDER),
    deliveriesPerHour: Math.round((tasks * 0.2) / TASKS_PER_DELIVERY),
    maxOpenTasks: Math.max(2 * fleet.agvs, Math.round(fleet.tasksPerHour / 2)) };
}

/** Relative order intake by hour of day (warehouse local time ~ UTC here): quiet nights, two peaks. */
const DAY_CURVE = [0.1, 0.05, 0.05, 0.05, 0.1, 0.2, 0.4, 0.7, 0.9, 1, 1, 0.9, 0.8, 0.9, 1, 1, 0.95, 0.8, 0.6, 0.5, 0.4,
  0.3, 0.2, 0.15];
const POPULARITY = { A: 10, B: 3, C: 1 } as const;
/** Hours whose intake is at most this share of the peak are quiet: the scheduled replenishment runs then. */
const QUIET = 0.5;

export class DemoActivity {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private readonly rng: Random;
  private readonly actor: Actor = { ...SYSTEM_ACTOR, device: 'demo' };
  private n = 0;
  private readonly now: () => number;
  private lastWave: number;
  private lastReplenish: number;
  /** QC inspections seen open, with when (by the clock) they were first seen. */
  private readonly qcSeen = new Map<number, number>();
  readonly counts = { orders: 0, deliveries: 0, waves: 0, shipped: 0, errors: 0, deferred: 0, replenishRuns: 0,
    replenishTasks: 0 };
  lastError: string | null = null;

  constructor(private readonly db: Kysely<DB>, private readonly opts: ActivityOptions) {
    this.rng = new Random(opts.seed ?? 4242);
    this.now = opts.clock ?? Date.now;
    this.lastWave = this.now();
    this.lastReplenish = this.now();
  }

  start() {
    this.timer ??= setInterval(() => void this.tick(), this.opts.tickMs ?? 1000);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One second of warehouse life: maybe an order, maybe a delivery, waves, QC, packing and shipping. */
  async tick() {
    if (this.busy) return;
    this.busy = true;
    try {
      const speed = this.opts.speedFactor ?? 1;
      const hour = this.opts.hourOfDay?.() ?? new Date(this.now()).getUTCHours();
      const perTick = (perHour: number) => (perHour * DAY_CURVE[hour]! * speed * (this.opts.tickMs ?? 1000)) / 3_600_000;
      const orders = this.rng.poisson(perTick(this.opts.ordersPerHour ?? 240));
      const deliveries = this.rng.poisson(perTick(this.opts.deliveriesPerHour ?? 20));
      if (orders + deliveries > 0 && await this.backlogFull()) {
        this.counts.deferred += orders + deliveries;
      } else {
        for (let i = orders; i > 0; i--) await this.guard(() => this.newOrder());
        for (let i = deliveries; i > 0; i--) await this.guard(() => this.delivery());
      }
      if (this.now() - this.lastWave > 30_000 / speed) {
        this.lastWave = this.now();
        await this.guard(() => this.wave());
      }
      const replenishEvery = this.opts.replenishEveryMs ?? REPLENISH_EVERY_MS;
      if (replenishEvery > 0 && this.now() - this.lastReplenish >= replenishEvery / speed) {
        this.lastReplenish = this.now();
        if (DAY_CURVE[hour]! <= QUIET && !await this.backlogFull()) await this.guard(() => this.replenish());
      }
      await this.guard(() => this.passQc());
      await this.guard(() => this.packAndShip());
    } finally {
      this.busy = false;
    }
  }

  /** Whether the AGV tasks open or under way have reached maxOpenTasks. */
  private async backlogFull(): Promise<boolean> {
    if (this.opts.maxOpenTasks === undefined) return false;
    const open = await this.db.selectFrom('tasks as t').innerJoin('warehouses as w', 'w.id', 't.warehouse_id')
      .select((eb) => eb.fn.countAll().as('n')).where('w.code', '=', this.opts.warehouse)
      .where('t.type', 'in', ['putaway', 'pick', 'replenish']).where('t.status', 'in', ['open', 'assigned', 'in_progress'])
      .executeTakeFirstOrThrow();
    return Number(open.n) >= this.opts.maxOpenTasks;
  }

  private async guard(fn: () => Promise<unknown>) {
    try {
      await fn();
    } catch (error) {
      this.counts.errors++;
      this.lastError = String((error as Error).message ?? error);
      if (!(error instanceof DomainError)) throw error;
    }
  }

  /** An order of 1-4 lines; SKUs drawn by popularity among those with stock to promise. */
  private async newOrder() {
    const { rows } = await sql<{ code: string; abc: 'A' | 'B' | 'C'; atp: number; owner: string }>`
      select s.code, s.abc_class as abc, o.code as owner, sum(sb.qty - sb.reserved)::int8 as atp
        from stock_balances sb join skus s on s.id = sb.sku_id join owners o on o.id = sb.owner_id
        join bins b on b.id = sb.bin_id join zones z on z.id = b.zone_id join warehouses w on w.id = b.warehouse_id
       where w.code = ${this.opts.warehouse} and sb.status = 'available' and z.kind in ('pick_face','storage','bulk')
       group by s.code, s.abc_class, o.code having sum(sb.qty - sb.reserved) >= 5
       order by s.code limit 400`.execute(this.db);
    if (!rows.length) return;
    const owner = this.rng.pick(rows).owner;
    const mine = rows.filter((r) => r.owner === owner);
    const weights = mine.map((r) => POPULARITY[r.abc]);
    const cumulative = weights.map((_, i) => weights.slice(0, i + 1).reduce((a, b) => a + b, 0));
    const lines = new Map<string, number>();
    for (let k = this.rng.int(1, 4); k > 0; k--) {
      const r = mine[this.rng.weighted(cumulative)]!;
      lines.set(r.code, Math.min(this.rng.int(1, 6), Math.floor(Number(r.atp) / 2)));
    }
    const customers = await this.db.selectFrom('customers').select('code').orderBy('id').execute();
    const customer = customers.length ? this.rng.pick(customers) : undefined;
    const order = await createOutboundOrder(this.db, this.actor, { warehouse: this.opts.warehouse,
      code: `LIVE-${this.now().toString(36).toUpperCase()}-${++this.n}`, type: customer ? 'sales' : 'issue', owner,
      customer: customer?.code, carrier: this.rng.chance(0.6) ? 'SF' : 'JD', priority: this.rng.int(30, 80),
      lines: [...lines].filter(([, q]) => q > 0).map(([sku, qty]) => ({ sku, qty })) });
    await allocateOrder(this.db, this.actor, order.id);
    this.counts.orders++;
  }

  /** A supplier delivery of 1-3 SKUs, received at once (QC or putaway tasks follow). */
  private async delivery() {
    // Drawn with the generator's seeded PRNG, not the database's random(): one seed, one day of work.
    const suppliers = await this.db.selectFrom('suppliers').select('code').orderBy('id').execute();
    const supplier = suppliers.length ? this.rng.pick(suppliers) : undefined;
    const owner = await this.db.selectFrom('owners').select('code').orderBy('id').limit(1).executeTakeFirst();
    const wh = await this.db.selectFrom('warehouses').select('id').where('code', '=', this.opts.warehouse).executeTakeFirst();
    if (!supplier || !owner || !wh) return;
    const zoneTemps = await this.db.selectFrom('zones').select('temperature').distinct().where('warehouse_id', '=', wh.id)
      .execute();
    const storable = await this.db.selectFrom('skus').select(['code', 'lot_tracked', 'shelf_life_days'])
      .where('temperature', 'in', zoneTemps.map((z) => z.temperature)).orderBy('id').execute();
    if (!storable.length) return;
    const skus = [...new Set(Array.from({ length: this.rng.int(1, 3) }, () => this.rng.pick(storable)))];
    const order = await createInboundOrder(this.db, this.actor, { warehouse: this.opts.warehouse,
      code: `LIVE-ASN-${this.now().toString(36).toUpperCase()}-${++this.n}`, type: 'purchase', owner: owner.code,
      supplier: supplier.code, lines: skus.map((s) => ({ sku: s.code, qty: this.rng.int(2, 12) * 5 })) });
    for (const [i, s] of skus.entries()) {
      const lot = s.lot_tracked ? { lot: `L${this.now().toString(36).toUpperCase()}${i}`,
        expiry: new Date(this.now() + (s.shelf_life_days ?? 365) * 86_400_000).toISOString().slice(0, 10) } : {};
      await receive(this.db, this.actor, order.id, { scan: s.code, qty: order.lines[i]!.expected_qty, ...lot });
    }
    this.counts.deliveries++;
  }

  /**
   * The planner's scheduled replenishment run: tasks from reserve for the pick faces below their min, the
   * emptiest first, one face at a time per 30 tasks of the backlog's pause level (WH1 one, WH2 two), so a
   * morning's worth of low faces trickles into the fleet's work instead of flooding it. Measured with the
   * steady-state test: replenishing at the peaks (three faces at a time, and even one) sent WH1's AGVs on legs of
   * more than 8 minutes or waits of more than 4 (queues on its single-lane cross aisle and at shared access
   * nodes), hence one at a time and the quiet hours only. A face
   * with no reserve to refill it from is the alert monitor's to raise, once, not this run's every few minutes.
   */
  private async replenish() {
    let limit: number | undefined;
    if (this.opts.maxOpenTasks !== undefined) {
      const open = await this.db.selectFrom('tasks as t').innerJoin('warehouses as w', 'w.id', 't.warehouse_id')
        .select(sql<number>`count(distinct t.ref_id)`.as('n')).where('w.code', '=', this.opts.warehouse)
        .where('t.type', '=', 'replenish').where('t.status', 'in', ['open', 'assigned', 'in_progress'])
        .executeTakeFirstOrThrow();
      limit = Math.ceil(this.opts.maxOpenTasks / 30) - Number(open.n);
      if (limit <= 0) return;
    }
    const run = await runReplenishment(this.db, this.actor, { warehouse: this.opts.warehouse, limit,
      alertNoSource: false });
    this.counts.replenishRuns++;
    this.counts.replenishTasks += run.created.length;
  }

  private async wave() {
    const ready = await this.db.selectFrom('outbound_orders as o').innerJoin('warehouses as w', 'w.id', 'o.warehouse_id')
      .select('o.code').where('w.code', '=', this.opts.warehouse).where('o.status', '=', 'allocated')
      .where('o.wave_id', 'is', null).orderBy('o.id').limit(12).execute();
    if (ready.length < 2) return;
    await releaseWave(this.db, this.actor, { warehouse: this.opts.warehouse, mode: 'batch', orders: ready.map((r) => r.code),
      ordersPerList: 4 });
    this.counts.waves++;
  }

  /**
   * Inspections waiting longer than a minute pass (a QC inspector at work). The wait is measured by
   * this generator's clock from when it first saw the inspection, so simulated time applies too.
   */
  private async passQc() {
    const open = await this.db.selectFrom('qc_inspections as q').innerJoin('warehouses as w', 'w.id', 'q.warehouse_id')
      .select('q.id').where('w.code', '=', this.opts.warehouse).where('q.status', '=', 'open').orderBy('q.id').limit(200)
      .execute();
    const now = this.now();
    const ids = new Set(open.map((q) => q.id));
    for (const id of this.qcSeen.keys()) if (!ids.has(id)) this.qcSeen.delete(id);
    for (const id of ids) if (!this.qcSeen.has(id)) this.qcSeen.set(id, now);
    const due = open.filter((q) => now - this.qcSeen.get(q.id)! >= 60_000 / (this.opts.speedFactor ?? 1)).slice(0, 5);
    for (const q of due) await recordQcResult(this.db, this.actor, q.id, { result: 'pass', note: 'demo inspector' });
  }

  /** Picked orders are packed into one carton and shipped (a packing station at work). */
  private async packAndShip() {
    const picked = await this.db.selectFrom('outbound_orders as o').innerJoin('warehouses as w', 'w.id', 'o.warehouse_id')
      .select('o.id').where('w.code', '=', this.opts.warehouse).where('o.status', 'in', ['picked', 'packed'])
      .where('o.carrier', 'is not', null).limit(5).execute();
    for (const o of picked) {
      const staged = await this.db.selectFrom('allocations as a').innerJoin('skus as s', 's.id', 'a.sku_id')
        .leftJoin('lots as l', 'l.id', 'a.lot_id').select(['s.code as sku', 'l.lot_no as lot',
          (eb) => eb.fn.sum<number>('a.picked_qty').as('qty'), (eb) => eb.fn.sum<number>(sql`a.picked_qty * s.weight_kg`).as('kg')])
        .where('a.order_id', '=', o.id).where('a.picked_qty', '>', 0).groupBy(['s.code', 'l.lot_no']).execute();
      const status = (await this.db.selectFrom('outbound_orders').select('status').where('id', '=', o.id)
        .executeTakeFirstOrThrow()).status;
      if (status === 'picked') {
        await packOrder(this.db, this.actor, o.id, [{ weightKg: Math.max(0.1, staged.reduce((s, x) => s + Number(x.kg), 0)),
          contents: staged.map((x) => ({ sku: x.sku, ...(x.lot ? { lot: x.lot } : {}), qty: Number(x.qty) })) }]);
      }
      await shipOrder(this.db, this.actor, o.id, { trackingNo: `DEMO${o.id}${this.now().toString(36).toUpperCase()}` });
      this.counts.shipped++;
    }
  }
}
