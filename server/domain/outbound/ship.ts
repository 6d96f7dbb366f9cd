import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { inRetriedTransaction } from '../../db/transaction.ts';
import { assertMayActIn, type Actor } from '../auth/actor.ts';
import { appendEvent } from '../events.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { postMovement, type Leg } from '../inventory/post-movement.ts';
import { shipTransfer } from '../transfers/transfers.ts';

export interface CartonInput {
  code?: string;
  weightKg: number;
  lengthM?: number;
  widthM?: number;
  heightM?: number;
  contents: { sku: string; lot?: string; qty: number }[];
}

const keyOf = (sku: string, lot: string | null | undefined) => `${sku}\u0000${lot ?? ''}`;

/** What an order has picked onto its staging lane, per SKU and lot (and the balance keys it sits in). */
async function stagedStock(db: Kysely<DB>, orderId: number) {
  const rows = await db.selectFrom('allocations as a').innerJoin('skus as s', 's.id', 'a.sku_id')
    .leftJoin('lots as l', 'l.id', 'a.lot_id')
    .select(['a.sku_id', 'a.lot_id', 'a.owner_id', 's.code as sku', 'l.lot_no as lot',
      (eb) => eb.fn.sum<number>('a.picked_qty').as('qty')])
    .where('a.order_id', '=', orderId).where('a.picked_qty', '>', 0)
    .groupBy(['a.sku_id', 'a.lot_id', 'a.owner_id', 's.code', 'l.lot_no']).execute();
  return rows.map((r) => ({ ...r, qty: Number(r.qty) }));
}

async function lockOrder(db: Kysely<DB>, orderId: number) {
  const order = await db.selectFrom('outbound_orders as o').leftJoin('customers as c', 'c.id', 'o.customer_id')
    .select(['o.id', 'o.code', 'o.status', 'o.type', 'o.owner_id', 'o.warehouse_id', 'o.staging_bin_id', 'o.carrier',
      'c.code as customer'])
    .where('o.id', '=', orderId).forUpdate('o').executeTakeFirst();
  if (!order) throw notFound('id', `no outbound order ${orderId}`);
  return order;
}

/** Pack what was picked into cartons; the contents must account for every picked unit, no more. */
export async function packOrder(db: Kysely<DB>, actor: Actor, orderId: number, cartons: CartonInput[]) {
  if (!cartons.length) throw badInput('cartons', 'pack into at least one carton');
  return inRetriedTransaction(db, async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (order.status !== 'picked') throw conflict(`order ${order.code} is ${order.status}; pack it once it is picked`, 'id');
    const staging = await trx.selectFrom('bins').select(['id', 'code', 'warehouse_id', 'zone_id'])
      .where('id', '=', order.staging_bin_id!).executeTakeFirstOrThrow();
    assertMayActIn(actor, staging, 'id');
    const staged = await stagedStock(trx, orderId);
    const expected = new Map(staged.map((s) => [keyOf(s.sku, s.lot), s.qty]));
    const packed = new Map<string, number>();
    cartons.forEach((c, i) => c.contents.forEach((line, j) => {
      const k = keyOf(line.sku, line.lot);
      if (!expected.has(k)) {
        throw badInput(`cartons[${i}].contents[${j}]`, `${line.sku}${line.lot ? ` lot ${line.lot}` : ''} was not picked for ${order.code}`);
      }
      packed.set(k, (packed.get(k) ?? 0) + line.qty);
    }));
    for (const s of staged) {
      const got = packed.get(keyOf(s.sku, s.lot)) ?? 0;
      if (got !== s.qty) {
        throw conflict(`cartons hold ${got} of ${s.sku}${s.lot ? ` lot ${s.lot}` : ''}, ${s.qty} were picked`, 'cartons',
          { sku: s.sku, lot: s.lot, picked: s.qty, packed: got });
      }
    }
    const codes = cartons.map((c, i) => c.code ?? `${order.code}-C${i + 1}`);
    if (new Set(codes).size !== codes.length) throw badInput('cartons', 'carton codes must differ');
    const taken = await trx.selectFrom('cartons').select('code').where('code', 'in', codes).executeTakeFirst();
    if (taken) throw conflict(`carton ${taken.code} already exists`, 'cartons');
    await trx.insertInto('cartons').values(cartons.map((c, i) => ({
      order_id: orderId, code: codes[i]!, weight_kg: c.weightKg, length_m: c.lengthM ?? null, width_m: c.widthM ?? null,
      height_m: c.heightM ?? null, contents: JSON.stringify(c.contents.map((x) => ({ sku: x.sku, lot: x.lot ?? null,
        qty: x.qty }))), packed_by: actor.userId || null,
    }))).execute();
    await trx.updateTable('outbound_orders').set({ status: 'packed' }).where('id', '=', orderId).execute();
    await appendEvent(trx, 'outbound.updated', order.warehouse_id, { orderId, code: order.code, status: 'packed',
      cartons: codes });
    return { orderId, code: order.code, status: 'packed', cartons: codes,
      weightKg: cartons.reduce((s, c) => s + c.weightKg, 0) };
  });
}

/**
 * Ship a packed order: the staged stock leaves the warehouse (its reservation with it) in one
 * movement, a shipment records carrier and tracking number, and a `shipment.shipped` event hands it
 * to the transport management system.
 */
export async function shipOrder(db: Kysely<DB>, actor: Actor, orderId: number,
  input: { carrier?: string; trackingNo: string }) {
  return inRetriedTransaction(db, async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (order.status !== 'packed') throw conflict(`order ${order.code} is ${order.status}; ship it once it is packed`, 'id');
    const carrier = input.carrier ?? order.carrier;
    if (!carrier) throw badInput('carrier', `order ${order.code} names no carrier: give one`);
    const staging = await trx.selectFrom('bins').select(['id', 'code', 'warehouse_id', 'zone_id'])
      .where('id', '=', order.staging_bin_id!).executeTakeFirstOrThrow();
    assertMayActIn(actor, staging, 'id');
    const staged = await stagedStock(trx, orderId);
    const legs: Leg[] = staged.map((s) => ({ binId: staging.id, skuId: s.sku_id, lotId: s.lot_id, ownerId: s.owner_id,
      status: 'available', delta: -s.qty, reservedDelta: -s.qty }));
    const transfer = order.type === 'transfer_out';
    const movement = await postMovement(trx, actor, {
      type: transfer ? 'transfer_out' : 'ship', warehouseId: order.warehouse_id, docRef: order.code,
      reason: `shipped with ${carrier}`,
      labels: staged.map((s) => `${s.sku} in ${staging.code}`),
      legCodes: staged.map((s) => ({ bin: staging.code, sku: s.sku, lot: s.lot })),
      legs,
    });
    const cartons = await trx.selectFrom('cartons').select(['code', 'weight_kg', 'contents']).where('order_id', '=', orderId)
      .orderBy('id').execute();
    const weight = cartons.reduce((s, c) => s + c.weight_kg, 0);
    await trx.insertInto('shipments').values({ order_id: orderId, carrier, tracking_no: input.trackingNo,
      cartons: cartons.length, weight_kg: weight, movement_id: movement.movementId, shipped_by: actor.userId || null })
      .execute();
    await trx.updateTable('outbound_lines').set((eb) => ({ shipped_qty: eb.ref('picked_qty') }))
      .where('order_id', '=', orderId).execute();
    await trx.updateTable('outbound_orders').set({ status: 'shipped', shipped_at: new Date() }).where('id', '=', orderId)
      .execute();
    await appendEvent(trx, 'outbound.updated', order.warehouse_id, { orderId, code: order.code, status: 'shipped' });
    const inTransit = transfer ? await shipTransfer(trx, order, staged) : null;
    // The hand-off to a transport management system: everything a carrier booking needs.
    await appendEvent(trx, 'shipment.shipped', order.warehouse_id, { orderId, order: order.code, customer: order.customer,
      carrier, trackingNo: input.trackingNo, weightKg: weight, cartons: cartons.map((c) => ({ code: c.code,
        weightKg: c.weight_kg, contents: c.contents })), movementId: movement.movementId });
    return { orderId, code: order.code, status: 'shipped', carrier, trackingNo: input.trackingNo,
      cartons: cartons.length, weightKg: weight, movementId: movement.movementId, transfer: inTransit };
  });
}
