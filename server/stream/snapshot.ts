import {
  DateDay, Dictionary, Field, Float32, Int16, Int32, Int8, makeData, RecordBatch, Schema, Struct, Table,
  TimestampMillisecond, Uint16, Uint8, Utf8, tableToIPC, vectorFromArray, type Data, type DataType,
} from 'apache-arrow';
import { sql, type Kysely } from 'kysely';
import { createHash } from 'node:crypto';
import type { FloorPoint, GeneratedLayout, GraphEdge, GraphNode, Rect } from '../../model/layout.ts';
import type { DB, ZoneKind } from '../db/schema.ts';
import { mayActIn, type Actor } from '../domain/auth/actor.ts';
import { forbidden, notFound } from '../domain/errors.ts';
import { fillRatio, palletsSql } from '../domain/masterdata/capacity.ts';
import { warehouseGeometry } from '../domain/masterdata/layout-cache.ts';

/**
 * A warehouse's bins with their current occupancy, one row per bin, for the digital twin: read in one
 * REPEATABLE READ transaction and stamped with the stream position it is consistent with.
 *
 * Stamp: `pos` = max(outbox.pos) and `skip` = the seqs of outbox rows with no pos yet, both read in the
 * same snapshot as the data. The relay stamps rows with pos in publishing order, so every event with a
 * pos <= `pos` is reflected in the rows; events that are visible (committed) but not yet stamped are
 * reflected too and are listed in `skip`. A client applies the live stream from pos + 1 on, dropping
 * events whose seq is in `skip`.
 *
 * The same columns serve the Arrow IPC form and the JSON form (rows keyed by column name, values as
 * Arrow JS decodes them: timestamps and dates in epoch milliseconds).
 */

/** Bits of the `flags` column. */
export const BinFlag = {
  /** holds stock in status qc (awaiting inspection) */
  QC: 1,
  /** holds stock in status hold */
  HOLD: 2,
  /** holds stock in status damaged */
  DAMAGED: 4,
  /** bins.blocked */
  BLOCKED: 8,
  /** bins.frozen (under a count freeze) */
  FROZEN: 16,
  /** no units on hand */
  EMPTY: 32,
} as const;

export interface SnapshotWarehouse { id: number; code: string; name: string }

export interface SnapshotStamp {
  /** Stream position the snapshot is consistent with: coalesce(max(outbox.pos), 0). */
  pos: number;
  /** Seqs of outbox rows committed (reflected in the data) but not yet given a position by the relay. */
  skip: number[];
}

/** One bin as the JSON form returns it; the Arrow form has the same columns in this order. */
export interface SnapshotBin {
  id: number;
  code: string;
  zone: string;
  zoneKind: ZoneKind;
  aisle: number;
  level: number;
  /** Bin centre and size, metres. */
  x: number; y: number; z: number; width: number; depth: number; height: number;
  /** null = unlimited */
  maxUnits: number | null;
  units: number;
  reserved: number;
  /**
   * How full the bin is, 0..1: the share of its binding limit (units / max units, pallets / pallet positions,
   * m³ / volume, kg / max weight; masterdata/capacity.ts's fillRatio), as the bin inspector's fill.ratio.
   */
  fill: number;
  /** BinFlag bits */
  flags: number;
  /** Distinct SKUs with units on hand. */
  skuCount: number;
  /** SKU with the most units in the bin (all lots, statuses, owners), ties to the lowest SKU id. */
  topSku: string | null;
  /** Earliest first_receipt_at of the stock on hand, epoch ms. */
  oldestReceiptAt: number | null;
  /** Earliest lot expiry date of the stock on hand, epoch ms of that date's UTC midnight. */
  earliestExpiry: number | null;
}

/** Column-oriented snapshot: the query result, before it is turned into Arrow or JSON. */
export interface WarehouseSnapshot extends SnapshotStamp {
  warehouse: SnapshotWarehouse;
  /** When the snapshot was read (server clock), epoch ms. */
  generatedAt: number;
  length: number;
  /** Dictionaries: zones (code, kind) visible to the caller, top SKU codes. */
  zones: { code: string; kind: ZoneKind }[];
  skus: string[];
  id: Int32Array;
  code: string[];
  /** index into zones */
  zone: Int32Array;
  aisle: Int16Array;
  level: Uint8Array;
  x: Float32Array; y: Float32Array; z: Float32Array;
  width: Float32Array; depth: Float32Array; height: Float32Array;
  /** -1 = unlimited (null) */
  maxUnits: Int32Array;
  units: Int32Array;
  reserved: Int32Array;
  fill: Float32Array;
  flags: Uint8Array;
  skuCount: Uint16Array;
  /** index into skus, -1 = none */
  topSku: Int32Array;
  /** epoch ms, NaN = none */
  oldestReceiptAt: Float64Array;
  /** epoch days, INT32_MIN = none */
  earliestExpiry: Int32Array;
}

const NO_DAY = -0x80000000;
const MS_PER_DAY = 86_400_000;
const INT32_MAX = 0x7fffffff;

export interface ReadSnapshotOptions {
  /** Restrict to the bins the actor may act in (zone-scoped users see only their zones). */
  actor?: Actor;
  /**
   * Only these bin ids (the twin's refetch of bins it knows are dirty): same rows, values and stamp as the full
   * snapshot has for them. Ids of other warehouses, unknown ones and bins outside the actor's zones are left out.
   */
  bins?: readonly number[];
}

/**
 * Read a warehouse's bins and occupancy in one REPEATABLE READ, read-only transaction.
 *
 * Bin geometry never changes once a warehouse exists (bins are created with it and can be blocked,
 * frozen or re-capped, never moved or removed), so it comes from a per-process cache; the transaction
 * reads the stamp, zones, the mutable bin fields and the per-bin stock aggregate. Large results come
 * back as one text value each (string_agg) instead of one row per bin: materialising 100k row objects
 * costs seconds on PGlite and ~0.3 s on PostgreSQL, the text a fraction of that.
 */
export async function readSnapshot(db: Kysely<DB>, warehouseId: number,
  options: ReadSnapshotOptions = {}): Promise<WarehouseSnapshot> {
  const geometry = await binGeometry(db, warehouseId);
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
    // Kysely passes the isolation level to drivers that honour it (PostgreSQL); stating it again as the
    // first statement makes it hold on drivers that just say BEGIN (the PGlite dialect) too.
    await sql`set transaction isolation level repeatable read`.execute(trx);
    const warehouse = await trx.selectFrom('warehouses').select(['id', 'code', 'name'])
      .where('id', '=', warehouseId).executeTakeFirst();
    if (!warehouse) throw notFound('id', `no warehouse with id ${warehouseId}`);
    const allZones = await trx.selectFrom('zones').select(['id', 'code', 'kind'])
      .where('warehouse_id', '=', warehouseId).orderBy('id').execute();
    const actor = options.actor;
    const zones = actor ? allZones.filter((z) => mayActIn(actor, { warehouse_id: warehouseId, zone_id: z.id }))
      : allZones;
    if (actor && zones.length === 0) throw forbidden('id: this warehouse is outside your scope', 'id');
    const zoneFilter = zones.length === allZones.length ? null : zones.map((z) => Number(z.id));

    const stamp = await readStamp(trx);
    const generatedAt = Date.now();
    const only = options.bins ? new Set(options.bins) : null;
    const onlyIds = only ? (only.size ? [...only] : [-1]) : null;

    // Mutable bin fields, grouped: a handful of (limits, blocked, frozen) combinations per warehouse.
    const { rows: binState } = await sql<BinState>`
      select coalesce(max_units, -1) as max_units, coalesce(max_pallets, -1) as max_pallets,
             coalesce(max_weight_kg, -1)::float8 as max_weight,
             (case when blocked then ${BinFlag.BLOCKED}::int else 0 end
              | case when frozen then ${BinFlag.FROZEN}::int else 0 end) as flags,
             string_agg(id::text, ',') as ids
        from bins where warehouse_id = ${warehouseId} ${onlyIds ? sql`and id in (${sql.join(onlyIds)})` : sql``}
       group by 1, 2, 3, 4`.execute(trx);

    // Per bin: totals over the balances with units on hand; the top SKU by units summed over lots,
    // statuses and owners; pallets per SKU, lot and owner (masterdata/capacity.ts). One line per bin: bin id,
    // units, reserved, volume m³, status flags, SKU count, top SKU id, oldest receipt epoch ms (truncated, as a
    // JS Date does), earliest expiry epoch days, pallets, weight kg.
    const zoneCondition = sql`${zoneFilter ? sql`and b.zone_id in (${sql.join(zoneFilter)})` : sql``}
      ${onlyIds ? sql`and sb.bin_id in (${sql.join(onlyIds)})` : sql``}`;
    const { rows: [stockText] } = await sql<{ lines: string | null }>`
      with per_key as (
        select sb.bin_id, sb.sku_id, sb.lot_id, sb.owner_id, sum(sb.qty) as qty, sum(sb.reserved) as reserved,
               bit_or(case sb.status when 'qc' then ${BinFlag.QC}::int when 'hold' then ${BinFlag.HOLD}::int
                                     when 'damaged' then ${BinFlag.DAMAGED}::int else 0 end) as flags,
               min(sb.first_receipt_at) as first_at, min(l.expiry_date) as expiry
          from stock_balances sb
          join bins b on b.id = sb.bin_id
          left join lots l on l.id = sb.lot_id
         where b.warehouse_id = ${warehouseId} and sb.qty > 0 ${zoneCondition}
         group by sb.bin_id, sb.sku_id, sb.lot_id, sb.owner_id),
      per_sku as (
        select k.bin_id, k.sku_id, sum(k.qty) as qty, sum(k.reserved) as reserved, bit_or(k.flags) as flags,
               min(k.first_at) as first_at, min(k.expiry) as expiry,
               sum(${palletsSql(sql.ref('k.qty'), sql.ref('s.units_per_pallet'))}) as pallets,
               sum(k.qty) * min(s.length_m * s.width_m * s.height_m) as volume, sum(k.qty) * min(s.weight_kg) as weight
          from per_key k
          join skus s on s.id = k.sku_id
         group by k.bin_id, k.sku_id),
      per_bin as (
        select p.bin_id,
               sum(p.qty) as units,
               sum(p.reserved) as reserved,
               sum(p.volume)::float8 as volume,
               bit_or(p.flags) as flags,
               count(*) as skus,
               (array_agg(p.sku_id order by p.qty desc, p.sku_id))[1] as top_sku,
               floor(extract(epoch from min(p.first_at)) * 1000)::bigint as oldest_ms,
               min(p.expiry) - date '1970-01-01' as expiry_day,
               sum(p.pallets) as pallets,
               sum(p.weight)::float8 as weight
          from per_sku p
         group by p.bin_id)
      select string_agg(concat_ws(',', bin_id, units, reserved, volume, flags, skus, top_sku,
                                  coalesce(oldest_ms::text, ''), coalesce(expiry_day::text, ''), pallets, weight),
                        E'\\n') as lines
        from per_bin`.execute(trx);
    const stock = parseStock(stockText?.lines ?? null);

    const topIds = [...new Set(stock.topSku)];
    const skuRows = topIds.length
      ? await trx.selectFrom('skus').select(['id', 'code']).where('id', 'in', topIds).orderBy('code').execute()
      : [];
    return assemble(warehouse, stamp, generatedAt, zones, geometry, binState, stock, skuRows, only);
  });
}

/** The stream position a transaction's snapshot is consistent with (call inside that transaction). */
export async function readStamp(db: Kysely<DB>): Promise<SnapshotStamp> {
  const top = await db.selectFrom('outbox').select((eb) => eb.fn.coalesce(eb.fn.max('pos'), sql<number>`0`).as('pos'))
    .executeTakeFirstOrThrow();
  const pending = await db.selectFrom('outbox').select('seq').where('pos', 'is', null).orderBy('seq').execute();
  return { pos: Number(top.pos), skip: pending.map((r) => Number(r.seq)) };
}

/** The immutable part of a warehouse's bins, in bin id order. */
interface BinGeometry {
  length: number;
  index: Map<number, number>;
  id: Int32Array; code: string[]; zoneId: Int32Array; aisle: Int16Array; level: Uint8Array;
  x: Float32Array; y: Float32Array; z: Float32Array; width: Float32Array; depth: Float32Array; height: Float32Array;
  /** m³, for the fill ratio */
  volume: Float64Array;
}

/** Per database (a process may hold several: tests, benches), per warehouse. */
function cached<T>(caches: WeakMap<Kysely<DB>, Map<number, Promise<T>>>, db: Kysely<DB>, warehouseId: number,
  load: () => Promise<T>): Promise<T> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let hit = cache.get(warehouseId);
  if (!hit) {
    const entries = cache;
    hit = load();
    entries.set(warehouseId, hit);
    hit.catch(() => entries.delete(warehouseId));
  }
  return hit;
}

const geometries = new WeakMap<Kysely<DB>, Map<number, Promise<BinGeometry>>>();

function binGeometry(db: Kysely<DB>, warehouseId: number): Promise<BinGeometry> {
  return cached(geometries, db, warehouseId, () => loadGeometry(db, warehouseId));
}

async function loadGeometry(db: Kysely<DB>, warehouseId: number): Promise<BinGeometry> {
  // The warehouse and its bins are committed together, so a warehouse that exists has all its bins.
  const { rows: [row] } = await sql<{ found: boolean; lines: string | null }>`
    select exists (select 1 from warehouses where id = ${warehouseId}) as found,
           (select string_agg(concat_ws(',', id, zone_id, coalesce(aisle, 0), coalesce(level, 0), x, y, z, width,
                                        depth, height, max_volume_m3, code), E'\\n' order by id)
              from bins where warehouse_id = ${warehouseId}) as lines`.execute(db);
  if (!row?.found) throw notFound('id', `no warehouse with id ${warehouseId}`);
  const lines = row.lines ? row.lines.split('\n') : [];
  const n = lines.length;
  const g: BinGeometry = {
    length: n, index: new Map(), id: new Int32Array(n), code: new Array<string>(n), zoneId: new Int32Array(n),
    aisle: new Int16Array(n), level: new Uint8Array(n), x: new Float32Array(n), y: new Float32Array(n),
    z: new Float32Array(n), width: new Float32Array(n), depth: new Float32Array(n), height: new Float32Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const f = lines[i]!.split(',');
    const id = Number(f[0]);
    g.id[i] = id;
    g.index.set(id, i);
    g.zoneId[i] = Number(f[1]);
    g.aisle[i] = Number(f[2]);
    g.level[i] = Number(f[3]);
    g.x[i] = Number(f[4]); g.y[i] = Number(f[5]); g.z[i] = Number(f[6]);
    g.width[i] = Number(f[7]); g.depth[i] = Number(f[8]); g.height[i] = Number(f[9]);
    const volume = Number(f[10]);
    g.volume[i] = volume > 0 ? volume : Number(f[7]) * Number(f[8]) * Number(f[9]);
    // The code is last: whatever follows the eleventh comma.
    g.code[i] = f.length === 12 ? f[11]! : f.slice(11).join(',');
  }
  return g;
}

interface StockColumns {
  length: number;
  binId: Float64Array; units: Float64Array; reserved: Float64Array; volume: Float64Array; flags: Uint8Array;
  skus: Float64Array; topSku: number[]; oldestMs: Float64Array; expiryDay: Int32Array; pallets: Float64Array;
  weight: Float64Array;
}

/** A group of bins with the same limits and flags; -1 = no limit. */
interface BinState { max_units: number; max_pallets: number; max_weight: number; flags: number; ids: string }

function parseStock(text: string | null): StockColumns {
  const lines = text ? text.split('\n') : [];
  const n = lines.length;
  const s: StockColumns = {
    length: n, binId: new Float64Array(n), units: new Float64Array(n), reserved: new Float64Array(n),
    volume: new Float64Array(n), flags: new Uint8Array(n), skus: new Float64Array(n), topSku: new Array<number>(n),
    oldestMs: new Float64Array(n), expiryDay: new Int32Array(n), pallets: new Float64Array(n),
    weight: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const f = lines[i]!.split(',');
    s.binId[i] = Number(f[0]);
    s.units[i] = Number(f[1]);
    s.reserved[i] = Number(f[2]);
    s.volume[i] = Number(f[3]);
    s.flags[i] = Number(f[4]);
    s.skus[i] = Number(f[5]);
    s.topSku[i] = Number(f[6]);
    s.oldestMs[i] = f[7] ? Number(f[7]) : NaN;
    s.expiryDay[i] = f[8] ? Number(f[8]) : NO_DAY;
    s.pallets[i] = Number(f[9]);
    s.weight[i] = Number(f[10]);
  }
  return s;
}

/** A snapshot of `n` bins with every column allocated and every bin empty (no stock, no dates), to fill in. */
export function emptySnapshot(n: number, head: SnapshotStamp & { warehouse: SnapshotWarehouse; generatedAt: number;
  zones: WarehouseSnapshot['zones']; skus: string[] }): WarehouseSnapshot {
  return {
    ...head, length: n,
    id: new Int32Array(n), code: new Array<string>(n), zone: new Int32Array(n), aisle: new Int16Array(n),
    level: new Uint8Array(n), x: new Float32Array(n), y: new Float32Array(n), z: new Float32Array(n),
    width: new Float32Array(n), depth: new Float32Array(n), height: new Float32Array(n),
    maxUnits: new Int32Array(n).fill(-1), units: new Int32Array(n), reserved: new Int32Array(n),
    fill: new Float32Array(n), flags: new Uint8Array(n).fill(BinFlag.EMPTY), skuCount: new Uint16Array(n),
    topSku: new Int32Array(n).fill(-1), oldestReceiptAt: new Float64Array(n).fill(NaN),
    earliestExpiry: new Int32Array(n).fill(NO_DAY),
  };
}

function assemble(warehouse: SnapshotWarehouse, stamp: SnapshotStamp, generatedAt: number,
  zones: { id: number; code: string; kind: ZoneKind }[], g: BinGeometry,
  binState: BinState[], stock: StockColumns,
  skuRows: { id: number; code: string }[], only: ReadonlySet<number> | null = null): WarehouseSnapshot {
  // Which cached bins are visible (their zone is in the list, and asked for), and where each lands in the output.
  const zoneIndex = new Map(zones.map((z, i) => [Number(z.id), i]));
  const out = new Int32Array(g.length).fill(-1);
  let n = 0;
  if (only) {
    for (let i = 0; i < g.length; i++) if (zoneIndex.has(g.zoneId[i]!) && only.has(g.id[i]!)) out[i] = n++;
  } else {
    for (let i = 0; i < g.length; i++) if (zoneIndex.has(g.zoneId[i]!)) out[i] = n++;
  }

  const s = emptySnapshot(n, { ...stamp, warehouse: { id: Number(warehouse.id), code: warehouse.code,
    name: warehouse.name }, generatedAt, zones: zones.map((z) => ({ code: z.code, kind: z.kind })),
    skus: skuRows.map((r) => r.code) });
  for (let i = 0; i < g.length; i++) {
    const o = out[i]!;
    if (o < 0) continue;
    s.id[o] = g.id[i]!;
    s.code[o] = g.code[i]!;
    s.zone[o] = zoneIndex.get(g.zoneId[i]!)!;
    s.aisle[o] = g.aisle[i]!;
    s.level[o] = g.level[i]!;
    s.x[o] = g.x[i]!; s.y[o] = g.y[i]!; s.z[o] = g.z[i]!;
    s.width[o] = g.width[i]!; s.depth[o] = g.depth[i]!; s.height[o] = g.height[i]!;
  }
  // Pallet and weight limits per bin, for the fill ratio (not columns of their own).
  const maxPallets = new Float64Array(g.length).fill(-1);
  const maxWeight = new Float64Array(g.length).fill(-1);
  for (const group of binState) {
    const maxUnits = Number(group.max_units);
    const flags = Number(group.flags);
    for (const id of group.ids.split(',')) {
      const i = g.index.get(Number(id));
      const o = i === undefined ? -1 : out[i]!;
      if (o < 0) continue;
      s.maxUnits[o] = maxUnits;
      s.flags[o]! |= flags;
      maxPallets[i!] = Number(group.max_pallets);
      maxWeight[i!] = Number(group.max_weight);
    }
  }
  const limit = (v: number) => (v >= 0 ? v : null);
  const skuIndex = new Map(skuRows.map((r, i) => [Number(r.id), i]));
  for (let j = 0; j < stock.length; j++) {
    const i = g.index.get(stock.binId[j]!);
    const o = i === undefined ? -1 : out[i]!;
    if (o < 0 || !(stock.units[j]! > 0)) continue;
    s.units[o] = Math.min(stock.units[j]!, INT32_MAX);
    s.reserved[o] = Math.min(stock.reserved[j]!, INT32_MAX);
    s.fill[o] = fillRatio({ units: stock.units[j]!, pallets: stock.pallets[j]!, volume: stock.volume[j]!,
      weight: stock.weight[j]! }, { units: limit(s.maxUnits[o]!), pallets: limit(maxPallets[i!]!),
      volume: g.volume[i!]! > 0 ? g.volume[i!]! : null, weight: limit(maxWeight[i!]!) });
    s.flags[o] = (s.flags[o]! & ~BinFlag.EMPTY) | stock.flags[j]!;
    s.skuCount[o] = Math.min(stock.skus[j]!, 0xffff);
    s.topSku[o] = skuIndex.get(stock.topSku[j]!) ?? -1;
    s.oldestReceiptAt[o] = stock.oldestMs[j]!;
    s.earliestExpiry[o] = stock.expiryDay[j]!;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Arrow

/** Schema metadata keys. */
export const META = {
  pos: 'wetms.pos', skip: 'wetms.skip', warehouse: 'wetms.warehouse', generatedAt: 'wetms.generatedAt',
  flags: 'wetms.flags',
} as const;

/** Smallest signed index type for a dictionary of n entries. */
function indexType(n: number) {
  return n <= 127 ? new Int8() : n <= 32_767 ? new Int16() : new Int32();
}

function narrowIndices(indices: Int32Array, type: Int8 | Int16 | Int32) {
  if (type instanceof Int8) return Int8Array.from(indices);
  if (type instanceof Int16) return Int16Array.from(indices);
  return indices;
}

/** Validity bitmap (bit set = value present); undefined when every value is present. */
function validity(n: number, present: (i: number) => boolean): { nullBitmap?: Uint8Array; nullCount: number } {
  let bitmap: Uint8Array | undefined;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (present(i)) continue;
    if (!bitmap) {
      bitmap = new Uint8Array((n + 7) >> 3).fill(0xff);
    }
    bitmap[i >> 3]! &= ~(1 << (i & 7));
    nulls++;
  }
  return bitmap ? { nullBitmap: bitmap, nullCount: nulls } : { nullCount: 0 };
}

const encoder = new TextEncoder();

/** A Utf8 column from strings, written straight into one buffer. */
function utf8Data(values: string[]): Data<Utf8> {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  let bytes = new Uint8Array(Math.max(64, n * 24));
  let at = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    // A UTF-16 code unit takes at most 3 UTF-8 bytes.
    if (at + value.length * 3 > bytes.length) {
      const grown = new Uint8Array(Math.max(bytes.length * 2, at + value.length * 3));
      grown.set(bytes.subarray(0, at));
      bytes = grown;
    }
    at += encoder.encodeInto(value, bytes.subarray(at)).written;
    offsets[i + 1] = at;
  }
  return makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes.subarray(0, at) });
}

function dictionaryData(words: string[], indices: Int32Array, present?: (i: number) => boolean) {
  const type = new Dictionary(new Utf8(), indexType(words.length));
  const nulls = present ? validity(indices.length, present) : { nullCount: 0 };
  return makeData({ type, length: indices.length, data: narrowIndices(indices, type.indices) as any, ...nulls,
    dictionary: vectorFromArray(words, new Utf8()) });
}

/** The snapshot as an Arrow table; stamp and warehouse go into the schema metadata. */
export function snapshotTable(s: WarehouseSnapshot): Table {
  const n = s.length;
  const plain = <T extends DataType>(type: T, data: T['TArray']) => makeData({ type, length: n, data } as any) as Data;
  const columns: [string, Data, boolean][] = [
    ['id', plain(new Int32(), s.id), false],
    ['code', utf8Data(s.code), false],
    ['zone', dictionaryData(s.zones.map((z) => z.code), s.zone), false],
    ['zoneKind', kindData(s), false],
    ['aisle', plain(new Int16(), s.aisle), false],
    ['level', plain(new Uint8(), s.level), false],
    ['x', plain(new Float32(), s.x), false],
    ['y', plain(new Float32(), s.y), false],
    ['z', plain(new Float32(), s.z), false],
    ['width', plain(new Float32(), s.width), false],
    ['depth', plain(new Float32(), s.depth), false],
    ['height', plain(new Float32(), s.height), false],
    ['maxUnits', makeData({ type: new Int32(), length: n, data: s.maxUnits,
      ...validity(n, (i) => s.maxUnits[i]! >= 0) }), true],
    ['units', plain(new Int32(), s.units), false],
    ['reserved', plain(new Int32(), s.reserved), false],
    ['fill', plain(new Float32(), s.fill), false],
    ['flags', plain(new Uint8(), s.flags), false],
    ['skuCount', plain(new Uint16(), s.skuCount), false],
    ['topSku', dictionaryData(s.skus, s.topSku, (i) => s.topSku[i]! >= 0), true],
    ['oldestReceiptAt', timestampData(s.oldestReceiptAt), true],
    ['earliestExpiry', makeData({ type: new DateDay(), length: n, data: s.earliestExpiry,
      ...validity(n, (i) => s.earliestExpiry[i] !== NO_DAY) }), true],
  ];
  const fields = columns.map(([name, data, nullable]) => new Field(name, data.type, nullable));
  const metadata = new Map<string, string>([
    [META.pos, String(s.pos)],
    [META.skip, JSON.stringify(s.skip)],
    [META.warehouse, JSON.stringify(s.warehouse)],
    [META.generatedAt, new Date(s.generatedAt).toISOString()],
    [META.flags, JSON.stringify(BinFlag)],
  ]);
  const schema = new Schema(fields, metadata);
  const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0,
    children: columns.map(([, data]) => data) });
  return new Table(schema, [new RecordBatch(schema, struct)]);
}

function kindData(s: WarehouseSnapshot) {
  const kinds = [...new Set(s.zones.map((z) => z.kind))];
  const byZone = s.zones.map((z) => kinds.indexOf(z.kind));
  const indices = new Int32Array(s.length);
  for (let i = 0; i < s.length; i++) indices[i] = byZone[s.zone[i]!] ?? 0;
  return dictionaryData(kinds, indices);
}

function timestampData(ms: Float64Array) {
  const n = ms.length;
  const data = new BigInt64Array(n);
  for (let i = 0; i < n; i++) if (!Number.isNaN(ms[i])) data[i] = BigInt(Math.round(ms[i]!));
  return makeData({ type: new TimestampMillisecond('UTC'), length: n, data,
    ...validity(n, (i) => !Number.isNaN(ms[i])) });
}

/** Arrow IPC stream bytes (application/vnd.apache.arrow.stream). */
export function snapshotToIPC(s: WarehouseSnapshot): Uint8Array {
  return tableToIPC(snapshotTable(s), 'stream');
}

/** The JSON form's rows: the same values Arrow JS decodes from the IPC form. */
export function snapshotRows(s: WarehouseSnapshot): SnapshotBin[] {
  const rows = new Array<SnapshotBin>(s.length);
  for (let i = 0; i < s.length; i++) {
    const zone = s.zones[s.zone[i]!]!;
    rows[i] = {
      id: s.id[i]!, code: s.code[i]!, zone: zone.code, zoneKind: zone.kind, aisle: s.aisle[i]!, level: s.level[i]!,
      x: s.x[i]!, y: s.y[i]!, z: s.z[i]!, width: s.width[i]!, depth: s.depth[i]!, height: s.height[i]!,
      maxUnits: s.maxUnits[i]! >= 0 ? s.maxUnits[i]! : null, units: s.units[i]!, reserved: s.reserved[i]!,
      fill: s.fill[i]!, flags: s.flags[i]!, skuCount: s.skuCount[i]!,
      topSku: s.topSku[i]! >= 0 ? s.skus[s.topSku[i]!]! : null,
      oldestReceiptAt: Number.isNaN(s.oldestReceiptAt[i]) ? null : Math.round(s.oldestReceiptAt[i]!),
      earliestExpiry: s.earliestExpiry[i] === NO_DAY ? null : s.earliestExpiry[i]! * MS_PER_DAY,
    };
  }
  return rows;
}

/** The JSON form's body. */
export function snapshotJson(s: WarehouseSnapshot) {
  return { pos: s.pos, skip: s.skip, warehouse: s.warehouse, generatedAt: new Date(s.generatedAt).toISOString(),
    flags: BinFlag, bins: snapshotRows(s) };
}

// ---------------------------------------------------------------------------------------------
// Layout

export interface WarehouseLayoutBody {
  warehouse: { id: number; code: string };
  bounds: Rect;
  /** Rack blocks; zone names, kinds and temperatures can be changed, so they come with the snapshot and /zones. */
  zones: { id: number; code: string; orientation: 'x' | 'y'; firstAisle: number; aisleCount: number; block: Rect }[];
  nodes: GraphNode[];
  edges: GraphEdge[];
  docks: FloorPoint[];
  chargers: FloorPoint[];
}

/** The layout body of a generated layout; `zoneIds` maps zone code → zones.id (pure: also used by bench/twin.ts). */
export function layoutBody(warehouse: { id: number; code: string }, layout: GeneratedLayout,
  zoneIds: ReadonlyMap<string, number>): WarehouseLayoutBody {
  return {
    warehouse,
    bounds: layout.bounds,
    zones: layout.zones.map((z) => ({ id: zoneIds.get(z.code) ?? 0, code: z.code, orientation: z.orientation,
      firstAisle: z.firstAisle, aisleCount: z.aisleCount, block: z.block })),
    nodes: layout.nodes, edges: layout.edges, docks: layout.docks, chargers: layout.chargers,
  };
}

/** A warehouse's static floor plan as a JSON body with its ETag; it never changes, so it is kept per process. */
const layouts = new WeakMap<Kysely<DB>, Map<number, Promise<{ body: string; etag: string }>>>();

export function warehouseLayout(db: Kysely<DB>, warehouseId: number): Promise<{ body: string; etag: string }> {
  return cached(layouts, db, warehouseId, () => buildLayout(db, warehouseId));
}

async function buildLayout(db: Kysely<DB>, warehouseId: number) {
  const warehouse = await db.selectFrom('warehouses').select(['id', 'code']).where('id', '=', warehouseId)
    .executeTakeFirst();
  if (!warehouse) throw notFound('id', `no warehouse with id ${warehouseId}`);
  const { layout } = await warehouseGeometry(db, warehouseId);
  const zoneIds = new Map((await db.selectFrom('zones').select(['id', 'code']).where('warehouse_id', '=', warehouseId)
    .execute()).map((z) => [z.code, Number(z.id)]));
  const text = JSON.stringify(layoutBody({ id: Number(warehouse.id), code: warehouse.code }, layout, zoneIds));
  return { body: text, etag: `"${createHash('sha1').update(text).digest('base64url')}"` };
}
