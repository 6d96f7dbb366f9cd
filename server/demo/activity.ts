/**
 * Demo mode keeps the warehouse busy: orders arrive following SKU popularity and the time of day,
 * supplier deliveries arrive and are received, waves are released, QC passes after a while, picked
 * orders are packed and shipped. The AGV fleet does the putaways and picks in between. Everything goes
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
  /** Hour of day that shapes the intake (default: the current UTC hour). */
  hourOfDay?: () => number;
}

/** Relative order intake by hour of day (warehouse local time ~ UTC here): quiet nights, two peaks. */
const DAY_CURVE = [0.1, 0.05, 0.05, 0.05, 0.1, 0.2, 0.4, 0.7, 0.9, 1, 1, 0.9, 0.8, 0.9, 1, 1, 0.95, 0.8, 0.6, 0.5, 0.4,
  0.3, 0.2, 0.15];
const POPULARITY = { A: 10, B: 3, C: 1 } as const;

export class DemoActivity {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private readonly rng: Random;
  private readonly actor: Actor = { ...SYSTEM_ACTOR, device: 'demo' };
  private n = 0;
  private lastWave = Date.now();
  readonly counts = { orders: 0, deliveries: 0, waves: 0, shipped: 0, errors: 0 };
  lastError: string | null = null;

  constructor(private readonly db: Kysely<DB>, private readonly opts: ActivityOptions) {
    this.rng = new Random(opts.seed ?? 4242);
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
      const hour = this.opts.hourOfDay?.() ?? new Date().getUTCHours();
      const perTick = (perHour: number) => (perHour * DAY_CURVE[hour]! * speed * (this.opts.tickMs ?? 1000)) / 3_600_000;
      for (let i = this.rng.poisson(perTick(this.opts.ordersPerHour ?? 240)); i > 0; i--) await this.guard(() => this.newOrder());
      for (let i = this.rng.poisson(perTick(this.opts.deliveriesPerHour ?? 20)); i > 0; i--) await this.guard(() => this.delivery());
      if (Date.now() - this.lastWave > 30_000 / speed) {
        this.lastWave = Date.now();
        await this.guard(() => this.wave());
      }
      await this.guard(() => this.passQc());
      await this.guard(() => this.packAndShip());
    } finally {
      this.busy = false;
    }
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
    const customer = await this.db.selectFrom('customers').select('code').orderBy(sql`random()`).limit(1).executeTakeFirst();
    const order = await createOutboundOrder(this.db, this.actor, { warehouse: this.opts.warehouse,
      code: `LIVE-${Date.now().toString(36).toUpperCase()}-${++this.n}`, type: customer ? 'sales' : 'issue', owner,
      customer: customer?.code, carrier: this.rng.chance(0.6) ? 'SF' : 'JD', priority: this.rng.int(30, 80),
      lines: [...lines].filter(([, q]) => q > 0).map(([sku, qty]) => ({ sku, qty })) });
    await allocateOrder(this.db, this.actor, order.id);
    this.counts.orders++;
  }

  /** A supplier delivery of 1-3 SKUs, received at once (QC or putaway tasks follow). */
  private async delivery() {
    const supplier = await this.db.selectFrom('suppliers').select('code').orderBy(sql`random()`).limit(1).executeTakeFirst();
    const owner = await this.db.selectFrom('owners').select('code').orderBy('id').limit(1).executeTakeFirst();
    const wh = await this.db.selectFrom('warehouses').select('id').where('code', '=', this.opts.warehouse).executeTakeFirst();
    if (!supplier || !owner || !wh) return;
    const zoneTemps = await this.db.selectFrom('zones').select('temperature').distinct().where('warehouse_id', '=', wh.id)
      .execute();
    const skus = await this.db.selectFrom('skus').select(['code', 'lot_tracked', 'shelf_life_days'])
      .where('temperature', 'in', zoneTemps.map((z) => z.temperature)).orderBy(sql`random()`).limit(this.rng.int(1, 3)).execute();
    if (!skus.length) return;
    const order = await createInboundOrder(this.db, this.actor, { warehouse: this.opts.warehouse,
      code: `LIVE-ASN-${Date.now().toString(36).toUpperCase()}-${++this.n}`, type: 'purchase', owner: owner.code,
      supplier: supplier.code, lines: skus.map((s) => ({ sku: s.code, qty: this.rng.int(2, 12) * 5 })) });
    for (const [i, s] of skus.entries()) {
      const lot = s.lot_tracked ? { lot: `L${Date.now().toString(36).toUpperCase()}${i}`,
        expiry: new Date(Date.now() + (s.shelf_life_days ?? 365) * 86_400_000).toISOString().slice(0, 10) } : {};
      await receive(this.db, this.actor, order.id, { scan: s.code, qty: order.lines[i]!.expected_qty, ...lot });
    }
    this.counts.deliveries++;
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

  /** Inspections waiting longer than a minute pass (a QC inspector at work). */
  private async passQc() {
    const due = await this.db.selectFrom('qc_inspections as q').innerJoin('warehouses as w', 'w.id', 'q.warehouse_id')
      .select('q.id').where('w.code', '=', this.opts.warehouse).where('q.status', '=', 'open')
      .where('q.created_at', '<', new Date(Date.now() - 60_000 / (this.opts.speedFactor ?? 1))).limit(5).execute();
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
      await shipOrder(this.db, this.actor, o.id, { trackingNo: `DEMO${o.id}${Date.now().toString(36).toUpperCase()}` });
      this.counts.shipped++;
    }
  }
}
