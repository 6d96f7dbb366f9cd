import type { Kysely } from 'kysely';
import { generateLayout, LayoutError } from '../../../model/layout.ts';
import type { LayoutSpec } from '../../../model/layout-spec.ts';
import type { DB, Temperature, ZoneKind } from '../../db/schema.ts';
import { badInput, conflict, notFound } from '../errors.ts';
import { inTransaction } from '../../db/transaction.ts';
import { pageRows } from '../paging.ts';

const BIN_BATCH = 2000;

export interface CreatedWarehouse { id: number; code: string; name: string; zones: number; bins: number }

/** Create a warehouse with its zones and bins from a layout spec, in one transaction. */
export async function createWarehouseFromLayout(db: Kysely<DB>, spec: LayoutSpec,
  onProgress?: (done: number, total: number) => void): Promise<CreatedWarehouse> {
  let layout;
  try {
    layout = generateLayout(spec);
  } catch (error) {
    if (error instanceof LayoutError) throw badInput(`layout.${error.field}`, error.message);
    throw error;
  }
  const exists = await db.selectFrom('warehouses').select('id').where('code', '=', spec.code).executeTakeFirst();
  if (exists) throw conflict(`a warehouse with code ${spec.code} already exists`, 'code');
  return inTransaction(db, async (trx) => {
    const wh = await trx.insertInto('warehouses')
      .values({
        code: spec.code, name: spec.name, layout: JSON.stringify(spec),
        graph: JSON.stringify({ nodes: layout.nodes, edges: layout.edges, docks: layout.docks,
          chargers: layout.chargers, bounds: layout.bounds }),
      })
      .returning('id').executeTakeFirstOrThrow();
    const zoneIds = new Map<string, number>();
    for (const zone of layout.zones) {
      const row = await trx.insertInto('zones')
        .values({ warehouse_id: wh.id, code: zone.code, name: zone.name, kind: zone.kind,
          temperature: zone.temperature })
        .returning('id').executeTakeFirstOrThrow();
      zoneIds.set(zone.code, row.id);
    }
    for (let i = 0; i < layout.bins.length; i += BIN_BATCH) {
      const batch = layout.bins.slice(i, i + BIN_BATCH).map((b) => ({
        warehouse_id: wh.id, zone_id: zoneIds.get(b.zoneCode)!, code: b.code,
        aisle: b.aisle, rack: b.rack, level: b.level, slot: b.slot, x: b.x, y: b.y, z: b.z,
        width: b.width, depth: b.depth, height: b.height, max_volume_m3: b.maxVolumeM3,
        max_weight_kg: b.maxWeightKg, max_units: b.maxUnits, max_pallets: b.maxPallets, pick_seq: b.pickSeq, access_node: b.accessNode,
      }));
      await trx.insertInto('bins').values(batch).execute();
      onProgress?.(Math.min(i + BIN_BATCH, layout.bins.length), layout.bins.length);
    }
    return { id: wh.id, code: spec.code, name: spec.name, zones: layout.zones.length, bins: layout.bins.length };
  });
}

export async function listWarehouses(db: Kysely<DB>) {
  return db.selectFrom('warehouses as w')
    .select((eb) => ['w.id', 'w.code', 'w.name', 'w.timezone', 'w.created_at',
      eb.selectFrom('bins').whereRef('bins.warehouse_id', '=', 'w.id').select(eb.fn.countAll<number>().as('n'))
        .as('bins'),
      eb.selectFrom('zones').whereRef('zones.warehouse_id', '=', 'w.id').select(eb.fn.countAll<number>().as('n'))
        .as('zones'),
    ])
    .orderBy('w.code').execute();
}

export async function getWarehouse(db: Kysely<DB>, id: number) {
  const wh = await db.selectFrom('warehouses').select(['id', 'code', 'name', 'timezone', 'created_at', 'layout'])
    .where('id', '=', id).executeTakeFirst();
  if (!wh) throw notFound('id', `no warehouse with id ${id}`);
  return wh;
}

export async function updateWarehouse(db: Kysely<DB>, id: number, patch: { name?: string; timezone?: string }) {
  await getWarehouse(db, id);
  if (patch.timezone !== undefined && !isTimeZone(patch.timezone)) {
    throw badInput('timezone', `${patch.timezone} is not an IANA time zone (e.g. Asia/Shanghai, UTC)`);
  }
  if (patch.name !== undefined || patch.timezone !== undefined) {
    await db.updateTable('warehouses').set(patch).where('id', '=', id).execute();
  }
  return getWarehouse(db, id);
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export async function getWarehouseGraph(db: Kysely<DB>, id: number) {
  const row = await db.selectFrom('warehouses').select('graph').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('id', `no warehouse with id ${id}`);
  return row.graph;
}

export async function listZones(db: Kysely<DB>, warehouseId: number) {
  await getWarehouse(db, warehouseId);
  return db.selectFrom('zones as z')
    .select((eb) => ['z.id', 'z.code', 'z.name', 'z.kind', 'z.temperature',
      eb.selectFrom('bins').whereRef('bins.zone_id', '=', 'z.id').select(eb.fn.countAll<number>().as('n')).as('bins'),
    ])
    .where('z.warehouse_id', '=', warehouseId).orderBy('z.code').execute();
}

export interface ZonePatch { name?: string; kind?: ZoneKind; temperature?: Temperature }

/** Rename a zone or change its kind or temperature class (its bins stay where they are). */
export async function updateZone(db: Kysely<DB>, warehouseId: number, code: string, patch: ZonePatch) {
  await getWarehouse(db, warehouseId);
  const zone = await db.selectFrom('zones').select('id').where('warehouse_id', '=', warehouseId)
    .where('code', '=', code).executeTakeFirst();
  if (!zone) throw notFound('code', `warehouse ${warehouseId} has no zone ${code}`);
  if (Object.keys(patch).length) await db.updateTable('zones').set(patch).where('id', '=', zone.id).execute();
  return db.selectFrom('zones').select(['id', 'code', 'name', 'kind', 'temperature']).where('id', '=', zone.id)
    .executeTakeFirstOrThrow();
}

export interface BinFilter { zone?: string; aisle?: number; level?: number; limit: number; offset: number }

export async function listBins(db: Kysely<DB>, warehouseId: number, filter: BinFilter) {
  await getWarehouse(db, warehouseId);
  let q = db.selectFrom('bins as b').innerJoin('zones as z', 'z.id', 'b.zone_id')
    .select(['b.id', 'b.code', 'z.code as zone', 'b.aisle', 'b.rack', 'b.level', 'b.slot', 'b.x', 'b.y', 'b.z',
      'b.width', 'b.depth', 'b.height', 'b.max_volume_m3', 'b.max_weight_kg', 'b.max_units', 'b.max_pallets',
      'b.pick_seq', 'b.blocked'])
    .where('b.warehouse_id', '=', warehouseId);
  if (filter.zone !== undefined) q = q.where('z.code', '=', filter.zone);
  if (filter.aisle !== undefined) q = q.where('b.aisle', '=', filter.aisle);
  if (filter.level !== undefined) q = q.where('b.level', '=', filter.level);
  return pageRows(db, q.orderBy('b.pick_seq').orderBy('b.id'), filter);
}

export async function getBin(db: Kysely<DB>, code: string) {
  const bin = await db.selectFrom('bins as b').innerJoin('zones as z', 'z.id', 'b.zone_id')
    .innerJoin('warehouses as w', 'w.id', 'b.warehouse_id')
    .select(['b.id', 'b.code', 'w.code as warehouse', 'b.warehouse_id', 'z.code as zone', 'b.zone_id', 'z.kind',
      'z.temperature', 'b.aisle', 'b.rack', 'b.level', 'b.slot', 'b.x', 'b.y', 'b.z', 'b.width', 'b.depth',
      'b.height', 'b.max_volume_m3', 'b.max_weight_kg', 'b.max_units', 'b.max_pallets', 'b.pick_seq', 'b.blocked'])
    .where('b.code', '=', code).executeTakeFirst();
  if (!bin) throw notFound('code', `no bin with code ${code}`);
  return bin;
}

/** maxUnits counts base units, maxPallets pallet positions; null lifts the limit. */
export interface BinPatch {
  blocked?: boolean; maxWeightKg?: number; maxUnits?: number | null; maxPallets?: number | null; pickSeq?: number;
}

export async function updateBin(db: Kysely<DB>, code: string, patch: BinPatch) {
  await getBin(db, code);
  const set = {
    ...(patch.blocked !== undefined && { blocked: patch.blocked }),
    ...(patch.maxWeightKg !== undefined && { max_weight_kg: patch.maxWeightKg }),
    ...(patch.maxUnits !== undefined && { max_units: patch.maxUnits }),
    ...(patch.maxPallets !== undefined && { max_pallets: patch.maxPallets }),
    ...(patch.pickSeq !== undefined && { pick_seq: patch.pickSeq }),
  };
  if (Object.keys(set).length > 0) await db.updateTable('bins').set(set).where('code', '=', code).execute();
  return getBin(db, code);
}
