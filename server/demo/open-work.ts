/**
 * The warehouse at work on a fresh start: open inbound orders (some half received, with QC and
 * putaway tasks waiting), allocated outbound orders, two released waves with routed pick lists, one
 * of them half picked. Everything goes through the workflow services, so stock, ledger, tasks and
 * outbox events are exactly what real work would leave behind.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { SYSTEM_ACTOR, type Actor } from '../domain/auth/actor.ts';
import { DomainError } from '../domain/errors.ts';
import { createInboundOrder } from '../domain/inbound/orders.ts';
import { receive } from '../domain/inbound/receive.ts';
import { allocateOrder } from '../domain/outbound/allocate.ts';
import { createOutboundOrder } from '../domain/outbound/orders.ts';
import { confirmPick } from '../domain/outbound/pick.ts';
import { releaseWave } from '../domain/outbound/waves.ts';
import { addDays, todayUtc } from '../domain/masterdata/lots.ts';
import type { Random } from '../../model/random.ts';

export interface OpenWorkSummary {
  inboundOrders: number;
  receipts: number;
  outboundOrders: number;
  waves: number;
  picks: number;
  openTasks: number;
  movements: number;
  ledgerEntries: number;
  lots: number;
  events: number;
}

const count = async (db: Kysely<DB>, table: 'movements' | 'ledger_entries' | 'outbox' | 'lots') =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

export async function seedOpenWork(db: Kysely<DB>, rng: Random, scale: number): Promise<OpenWorkSummary> {
  const before = { movements: await count(db, 'movements'), ledger: await count(db, 'ledger_entries'),
    events: await count(db, 'outbox'), lots: await count(db, 'lots') };
  const actor: Actor = { ...SYSTEM_ACTOR, device: 'demo-seed' };
  const summary = { inboundOrders: 0, receipts: 0, outboundOrders: 0, waves: 0, picks: 0 };
  const owner = await db.selectFrom('owners').select('code').orderBy('id').limit(1).executeTakeFirstOrThrow();
  const suppliers = await db.selectFrom('suppliers').select('code').orderBy('id').execute();
  const customers = await db.selectFrom('customers').select('code').orderBy('id').execute();
  // Ambient SKUs of the first owner: what WH1 receives and ships.
  const skus = await db.selectFrom('skus').select(['code', 'lot_tracked', 'shelf_life_days']).where('temperature', '=', 'ambient')
    .orderBy('id').limit(Math.max(20, Math.round(400 * scale))).execute();

  // ------------------------------------------------------------------ inbound: 6 ASNs, 3 half received
  for (let i = 1; i <= 6; i++) {
    const lines = Array.from({ length: rng.int(2, 4) }, () => rng.pick(skus))
      .filter((s, k, all) => all.findIndex((x) => x.code === s.code) === k);
    const order = await createInboundOrder(db, actor, { warehouse: 'WH1', code: `DEMO-ASN-${i}`, type: 'purchase',
      owner: owner.code, supplier: rng.pick(suppliers).code, expectedAt: new Date(Date.now() + i * 3_600_000).toISOString(),
      lines: lines.map((s) => ({ sku: s.code, qty: rng.int(2, 20) * 10 })) });
    summary.inboundOrders++;
    if (i > 3) continue;
    for (const [k, s] of lines.entries()) {
      if (k === lines.length - 1) break; // leave the last line to receive
      const lot = s.lot_tracked ? { lot: `DEMO-${i}-${k}`, expiry: addDays(todayUtc(), s.shelf_life_days ?? 365) } : {};
      await receive(db, actor, order.id, { scan: s.code, qty: order.lines[k]!.expected_qty, ...lot });
      summary.receipts++;
    }
  }

  // ------------------------------------------------------------------ outbound: orders from stock on hand
  const stocked = await sql<{ code: string; atp: number }>`
    select s.code, sum(sb.qty - sb.reserved)::int8 as atp
      from stock_balances sb join skus s on s.id = sb.sku_id join owners o on o.id = sb.owner_id
      join bins b on b.id = sb.bin_id join zones z on z.id = b.zone_id join warehouses w on w.id = b.warehouse_id
     where w.code = 'WH1' and o.code = ${owner.code} and sb.status = 'available' and z.kind in ('pick_face','storage','bulk')
     group by s.code having sum(sb.qty - sb.reserved) >= 20 order by s.code limit 200`.execute(db);
  const orders: string[] = [];
  // About ten minutes of the AGV fleet's work (2-3 picks an order): more would keep the live demo's intake
  // paused for its first hour (DemoActivity's maxOpenTasks) while the fleet catches up.
  const orderCount = Math.max(8, Math.round(10 * Math.min(1, scale * 4)));
  for (let i = 1; i <= orderCount && stocked.rows.length; i++) {
    const lines = Array.from({ length: rng.int(1, 4) }, () => rng.pick(stocked.rows))
      .filter((s, k, all) => all.findIndex((x) => x.code === s.code) === k);
    const code = `DEMO-SO-${String(i).padStart(3, '0')}`;
    const order = await createOutboundOrder(db, actor, { warehouse: 'WH1', code, type: 'sales', owner: owner.code,
      customer: rng.pick(customers).code, carrier: i % 3 === 0 ? 'JD' : 'SF', priority: rng.int(30, 80),
      cutoffAt: new Date(Date.now() + rng.int(2, 30) * 3_600_000).toISOString(),
      lines: lines.map((s) => ({ sku: s.code, qty: rng.int(1, Math.min(12, Math.floor(Number(s.atp) / 4))) })) });
    summary.outboundOrders++;
    try {
      await allocateOrder(db, actor, order.id);
      orders.push(code);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }

  // ------------------------------------------------------------------ two waves, the first half picked
  const half = Math.ceil(orders.length / 3);
  for (const [w, chunk] of [orders.slice(0, half), orders.slice(half, 2 * half)].entries()) {
    if (!chunk.length) continue;
    const wave = await releaseWave(db, actor, { warehouse: 'WH1', mode: w === 0 ? 'batch' : 'zone', orders: chunk,
      ordersPerList: 4 });
    summary.waves++;
    if (w !== 0) continue;
    const tasks = await db.selectFrom('tasks as t').innerJoin('bins as b', 'b.id', 't.source_bin_id')
      .innerJoin('skus as s', 's.id', 't.sku_id').leftJoin('lots as l', 'l.id', 't.lot_id')
      .select(['t.id', 'b.code as bin', 's.code as sku', 'l.lot_no as lot', 't.qty'])
      .where('t.pick_list_id', 'in', wave.pickLists.map((p) => p.id)).orderBy('t.pick_list_id').orderBy('t.seq').execute();
    for (const t of tasks.slice(0, Math.ceil(tasks.length / 2))) {
      await confirmPick(db, actor, t.id, { bin: t.bin, item: t.sku, ...(t.lot ? { lot: t.lot } : {}), qty: Number(t.qty) });
      summary.picks++;
    }
  }
  const open = await db.selectFrom('tasks').select((eb) => eb.fn.countAll().as('n'))
    .where('status', 'in', ['open', 'assigned', 'in_progress']).executeTakeFirstOrThrow();
  return { ...summary, openTasks: Number(open.n), movements: await count(db, 'movements') - before.movements,
    ledgerEntries: await count(db, 'ledger_entries') - before.ledger, lots: await count(db, 'lots') - before.lots,
    events: await count(db, 'outbox') - before.events };
}
