import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, WaveMode } from '../../db/schema.ts';
import { inRetriedTransaction } from '../../db/transaction.ts';
import type { Actor } from '../auth/actor.ts';
import { assertWarehouseScope, assertWarehouseVisible } from '../auth/scope.ts';
import { appendEvent } from '../events.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { requireWarehouse } from '../masterdata/lookup.ts';
import { createTask } from '../tasks/tasks.ts';
import { routePickList } from './routing.ts';

export interface WaveInput {
  warehouse: string;
  mode: WaveMode;
  code?: string;
  /** Only these orders (codes); otherwise every allocated order matching the filters below. */
  orders?: string[];
  carrier?: string;
  /** Orders whose carrier cut-off is at or before this time. */
  cutoffBefore?: string;
  /** Only orders whose open allocations all lie in this zone. */
  zone?: string;
  maxOrders?: number;
  maxLines?: number;
  maxVolumeM3?: number;
  /** Batch picking: orders per trip, each into its own tote (default 4). */
  ordersPerList?: number;
}

type OpenAllocation = { id: number; order_id: number; order_code: string; line_id: number; bin_id: number;
  bin_code: string; zone_id: number; access_node: string | null; sku_id: number; lot_id: number | null;
  owner_id: number; qty: number; volume: number };

/**
 * Release allocated orders into a wave: pick lists per order (piece picking), per group of orders with
 * a tote each (batch/cluster picking) or per zone (zone picking), every list's stops ordered by the
 * router over the travel graph, one pick task per allocation in route order.
 */
export async function releaseWave(db: Kysely<DB>, actor: Actor, input: WaveInput) {
  const wh = await requireWarehouse(db, input.warehouse);
  assertWarehouseScope(actor, wh.id, 'warehouse');
  const zone = input.zone ? await db.selectFrom('zones').select(['id', 'code']).where('warehouse_id', '=', wh.id)
    .where('code', '=', input.zone).executeTakeFirst() : undefined;
  if (input.zone && !zone) throw badInput('zone', `warehouse ${wh.code} has no zone ${input.zone}`);

  return inRetriedTransaction(db, async (trx) => {
    let q = trx.selectFrom('outbound_orders').select(['id', 'code', 'priority', 'cutoff_at'])
      .where('warehouse_id', '=', wh.id).where('wave_id', 'is', null).where('status', 'in', ['allocated', 'backordered'])
      .where(({ exists, selectFrom }) => exists(selectFrom('allocations as a').select('a.id')
        .whereRef('a.order_id', '=', 'outbound_orders.id').where('a.status', '=', 'open')));
    if (input.orders?.length) q = q.where('code', 'in', input.orders);
    if (input.carrier) q = q.where('carrier', '=', input.carrier);
    if (input.cutoffBefore) q = q.where('cutoff_at', '<=', new Date(input.cutoffBefore));
    if (zone) {
      q = q.where(({ not, exists, selectFrom }) => not(exists(selectFrom('allocations as a')
        .innerJoin('bins as b', 'b.id', 'a.bin_id').select('a.id').whereRef('a.order_id', '=', 'outbound_orders.id')
        .where('a.status', '=', 'open').where('b.zone_id', '<>', zone.id))));
    }
    const candidates = await q.orderBy(sql`cutoff_at nulls last`).orderBy('priority', 'desc').orderBy('id')
      .forUpdate().skipLocked().execute();
    if (input.orders?.length) {
      const found = new Set(candidates.map((c) => c.code));
      const missing = input.orders.filter((c) => !found.has(c));
      if (missing.length) {
        throw conflict(`not releasable (unknown, not allocated, or already in a wave): ${missing.join(', ')}`, 'orders');
      }
    }
    const allocations = await openAllocations(trx, candidates.map((c) => c.id));
    const chosen: number[] = [];
    let lines = 0;
    let volume = 0;
    for (const order of candidates) {
      const mine = allocations.filter((a) => a.order_id === order.id);
      const addLines = new Set(mine.map((a) => a.line_id)).size;
      const addVolume = mine.reduce((s, a) => s + a.volume, 0);
      if (input.maxOrders !== undefined && chosen.length >= input.maxOrders) break;
      if (chosen.length && input.maxLines !== undefined && lines + addLines > input.maxLines) continue;
      if (chosen.length && input.maxVolumeM3 !== undefined && volume + addVolume > input.maxVolumeM3) continue;
      chosen.push(order.id);
      lines += addLines;
      volume += addVolume;
    }
    if (!chosen.length) throw conflict('no allocated order matches: nothing to release', 'orders');

    const staging = await trx.selectFrom('bins as b').innerJoin('zones as z', 'z.id', 'b.zone_id')
      .select(['b.id', 'b.code', 'b.access_node']).where('b.warehouse_id', '=', wh.id).where('z.kind', 'in', ['staging', 'dock'])
      .where('b.blocked', '=', false).orderBy(sql`case z.kind when 'staging' then 0 else 1 end`).orderBy('b.pick_seq')
      .execute();
    if (!staging.length) throw conflict(`warehouse ${wh.code} has no staging or dock bin to pick to`, 'warehouse');
    if (input.code) {
      const clash = await trx.selectFrom('waves').select('id').where('warehouse_id', '=', wh.id)
        .where('code', '=', input.code).executeTakeFirst();
      if (clash) throw conflict(`wave ${input.code} already exists`, 'code');
    }
    // Without a code the wave is named after its id (W00042): unique however many waves start at once.
    const inserted = await trx.insertInto('waves').values({ warehouse_id: wh.id, code: input.code ?? `pending-${randomUUID()}`,
      mode: input.mode, criteria: JSON.stringify({ ...input, warehouse: undefined }), created_by: actor.userId || null })
      .returning('id').executeTakeFirstOrThrow();
    const code = input.code ?? `W${String(inserted.id).padStart(5, '0')}`;
    if (!input.code) await trx.updateTable('waves').set({ code }).where('id', '=', inserted.id).execute();
    const wave = inserted;

    // Each order gets a staging lane, round robin over the warehouse's staging bins taken one access point
    // at a time, starting where the wave's id points: in plain pick_seq order the first dozen bins share one
    // access point, where every picker or AGV of every wave would queue.
    const lanes = spreadOverAccessPoints(staging);
    const stagingOf = new Map<number, typeof staging[number]>();
    chosen.forEach((orderId, i) => stagingOf.set(orderId, lanes[(wave.id + i) % lanes.length]!));
    for (const orderId of chosen) {
      await trx.updateTable('outbound_orders').set({ wave_id: wave.id, status: 'released',
        staging_bin_id: stagingOf.get(orderId)!.id }).where('id', '=', orderId).execute();
    }
    const picks = allocations.filter((a) => chosen.includes(a.order_id));
    const groups = groupForMode(input.mode, picks, chosen, input.ordersPerList ?? 4);
    const lists = [];
    for (const group of groups) {
      lists.push(await createPickList(trx, { warehouseId: wh.id, waveId: wave.id, mode: input.mode, group,
        stagingOf, depot: staging[0]!.access_node }));
    }
    await appendEvent(trx, 'wave.released', wh.id, { waveId: wave.id, code, mode: input.mode, orders: chosen,
      pickLists: lists.map((l) => l.id) });
    return { waveId: wave.id, code, mode: input.mode, orders: chosen.length, lines, volumeM3: volume,
      pickLists: lists };
  });
}

async function openAllocations(trx: Transaction<DB>, orderIds: number[]): Promise<OpenAllocation[]> {
  if (!orderIds.length) return [];
  const rows = await trx.selectFrom('allocations as a').innerJoin('bins as b', 'b.id', 'a.bin_id')
    .innerJoin('outbound_orders as o', 'o.id', 'a.order_id').innerJoin('skus as s', 's.id', 'a.sku_id')
    .select(['a.id', 'a.order_id', 'o.code as order_code', 'a.line_id', 'a.bin_id', 'b.code as bin_code', 'b.zone_id',
      'b.access_node', 'a.sku_id', 'a.lot_id', 'a.owner_id',
      sql<number>`a.qty - a.picked_qty`.as('qty'),
      sql<number>`(a.qty - a.picked_qty) * s.length_m * s.width_m * s.height_m`.as('volume')])
    .where('a.order_id', 'in', orderIds).where('a.status', '=', 'open').orderBy('a.id').execute();
  return rows.map((r) => ({ ...r, qty: Number(r.qty), volume: Number(r.volume) }));
}

interface PickGroup { orders: number[]; zoneId: number | null; picks: OpenAllocation[] }

function groupForMode(mode: WaveMode, picks: OpenAllocation[], orders: number[], perList: number): PickGroup[] {
  if (mode === 'order') {
    return orders.map((o) => ({ orders: [o], zoneId: null, picks: picks.filter((p) => p.order_id === o) }));
  }
  if (mode === 'batch') {
    const groups: PickGroup[] = [];
    for (let i = 0; i < orders.length; i += perList) {
      const batch = orders.slice(i, i + perList);
      groups.push({ orders: batch, zoneId: null, picks: picks.filter((p) => batch.includes(p.order_id)) });
    }
    return groups;
  }
  const zones = [...new Set(picks.map((p) => p.zone_id))].sort((a, b) => a - b);
  return zones.map((z) => {
    const mine = picks.filter((p) => p.zone_id === z);
    return { orders: [...new Set(mine.map((p) => p.order_id))], zoneId: z, picks: mine };
  });
}

/** Bins reordered so that consecutive ones are at different access points (each point's bins keep their order). */
function spreadOverAccessPoints<T extends { access_node: string | null }>(bins: T[]): T[] {
  const byPoint = new Map<string | null, T[]>();
  for (const b of bins) byPoint.set(b.access_node, [...(byPoint.get(b.access_node) ?? []), b]);
  const out: T[] = [];
  for (let k = 0; out.length < bins.length; k++) for (const list of byPoint.values()) if (list[k]) out.push(list[k]!);
  return out;
}

async function createPickList(trx: Transaction<DB>, p: { warehouseId: number; waveId: number; mode: WaveMode;
  group: PickGroup; stagingOf: Map<number, { id: number; code: string; access_node: string | null }>;
  depot: string | null }) {
  const route = await routePickList(trx, p.warehouseId, p.depot,
    p.group.picks.map((a) => ({ id: String(a.id), node: a.access_node })));
  const totes = p.mode === 'batch'
    ? Object.fromEntries(p.group.orders.map((o, i) => [String(o), `T${i + 1}`])) : {};
  const list = await trx.insertInto('pick_lists').values({
    wave_id: p.waveId, warehouse_id: p.warehouseId, zone_id: p.group.zoneId, mode: p.mode, orders: p.group.orders,
    totes: JSON.stringify(totes), start_node: route.start, end_node: route.end, route_method: route.method,
    distance_m: route.distance, assignee_user_id: null,
  }).returning('id').executeTakeFirstOrThrow();
  const byId = new Map(p.group.picks.map((a) => [String(a.id), a]));
  let seq = 0;
  for (const stopId of route.order) {
    const a = byId.get(stopId)!;
    const staging = p.stagingOf.get(a.order_id)!;
    await createTask(trx, {
      warehouseId: p.warehouseId, zoneId: a.zone_id, type: 'pick', sourceBinId: a.bin_id, targetBinId: staging.id,
      skuId: a.sku_id, lotId: a.lot_id, ownerId: a.owner_id, stockStatus: 'available', qty: a.qty,
      refType: 'allocation', refId: a.id, pickListId: list.id, seq: ++seq,
      details: { order: a.order_code, tote: totes[String(a.order_id)] ?? null },
    });
  }
  return { id: list.id, stops: route.order.length, distanceM: route.distance, method: route.method,
    orders: p.group.orders.length };
}

export async function getPickList(db: Kysely<DB>, actor: Actor, id: number) {
  const list = await db.selectFrom('pick_lists as p').innerJoin('waves as w', 'w.id', 'p.wave_id')
    .select(['p.id', 'p.mode', 'p.status', 'p.orders', 'p.totes', 'p.route_method', 'p.distance_m', 'p.start_node',
      'p.end_node', 'p.created_at', 'p.warehouse_id', 'w.code as wave'])
    .where('p.id', '=', id).executeTakeFirst();
  if (!list) throw notFound('id', `no pick list ${id}`);
  await assertWarehouseVisible(db, actor, list.warehouse_id, 'id');
  const stops = await db.selectFrom('tasks as t').innerJoin('bins as b', 'b.id', 't.source_bin_id')
    .innerJoin('skus as s', 's.id', 't.sku_id').leftJoin('lots as l', 'l.id', 't.lot_id')
    .select(['t.id as task_id', 't.seq', 't.status', 'b.code as bin', 's.code as sku', 's.name as sku_name',
      'l.lot_no as lot', 't.qty', 't.done_qty', 't.details'])
    .where('t.pick_list_id', '=', id).orderBy('t.seq').execute();
  return { ...list, stops };
}

export async function getWave(db: Kysely<DB>, actor: Actor, id: number) {
  const wave = await db.selectFrom('waves').selectAll().where('id', '=', id).executeTakeFirst();
  if (!wave) throw notFound('id', `no wave ${id}`);
  await assertWarehouseVisible(db, actor, wave.warehouse_id, 'id');
  const lists = await db.selectFrom('pick_lists').select(['id', 'mode', 'status', 'orders', 'distance_m',
    'route_method']).where('wave_id', '=', id).orderBy('id').execute();
  const orders = await db.selectFrom('outbound_orders').select(['id', 'code', 'status']).where('wave_id', '=', id)
    .orderBy('id').execute();
  return { ...wave, pickLists: lists, orders };
}
