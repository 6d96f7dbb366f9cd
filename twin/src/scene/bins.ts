/**
 * The twin's bins: the Arrow snapshot decoded once into flat typed arrays (one slot per bin = one instance
 * of the bins' InstancedMesh), kept current by the live stream's stock records.
 */
import { tableFromIPC, type Data, type Table, type Vector } from 'apache-arrow';
import type { StreamRecord } from '../../../model/protocol/stream.ts';
import { boxMatrixInto } from './coords.ts';

/** Bits of the snapshot's `flags` column (server/stream/snapshot.ts BinFlag; also in the schema metadata). */
export const BinFlag = { QC: 1, HOLD: 2, DAMAGED: 4, BLOCKED: 8, FROZEN: 16, EMPTY: 32 } as const;

const STATUS_FLAG: Record<string, number> = { qc: BinFlag.QC, hold: BinFlag.HOLD, damaged: BinFlag.DAMAGED };
const STOCK_FLAGS = BinFlag.QC | BinFlag.HOLD | BinFlag.DAMAGED;

/** Which way a zone's aisles run (layout zones' `orientation`): bin width runs along the aisle. */
export type Orientation = 'x' | 'y';

export class BinStore {
  readonly length: number;
  /** Stream position and skip list the snapshot is consistent with (schema metadata wetms.pos / wetms.skip). */
  readonly pos: number;
  readonly skip: number[];
  /** bin id → instance index */
  readonly index = new Map<number, number>();
  readonly id: Int32Array;
  readonly code: string[];
  /** Zone codes; `zone` holds indexes into it. */
  readonly zones: string[];
  readonly zone: Int32Array;
  readonly aisle: Int16Array;
  readonly level: Uint8Array;
  /** Model coordinates: bin centre and size (width along the aisle, depth across it), metres. */
  readonly x: Float32Array; readonly y: Float32Array; readonly z: Float32Array;
  readonly width: Float32Array; readonly depth: Float32Array; readonly height: Float32Array;
  /** -1 = unlimited */
  readonly maxUnits: Int32Array;
  readonly units: Int32Array;
  readonly reserved: Int32Array;
  /** 0..1 */
  readonly fill: Float32Array;
  readonly flags: Uint8Array;
  readonly skuCount: Uint16Array;
  /** SKU codes; `topSku` holds indexes into it, -1 = none. */
  readonly skus: string[];
  readonly topSku: Int32Array;
  /** epoch ms, NaN = none */
  readonly oldestReceiptAt: Float64Array;
  /** epoch ms of the date's UTC midnight, NaN = none */
  readonly earliestExpiry: Float64Array;
  /** Fill per unit as of the snapshot (fill / units), NaN when unknown: estimates fill after unit changes. */
  readonly fillPerUnit: Float32Array;
  /** Instances whose derived fields (fill, status bits, top SKU, age, expiry) may be stale: refetch them. */
  readonly dirty = new Set<number>();
  highestLevel = 0;

  constructor(table: Table) {
    const n = table.numRows;
    this.length = n;
    const meta = table.schema.metadata;
    this.pos = Number(meta.get('wetms.pos') ?? 0);
    this.skip = JSON.parse(meta.get('wetms.skip') ?? '[]') as number[];
    this.id = plain(table, 'id', Int32Array);
    this.code = strings(table.getChild('code'), n);
    const zone = dictionary(table.getChild('zone'), n);
    this.zones = zone.words;
    this.zone = zone.indices;
    this.aisle = plain(table, 'aisle', Int16Array);
    this.level = plain(table, 'level', Uint8Array);
    this.x = plain(table, 'x', Float32Array);
    this.y = plain(table, 'y', Float32Array);
    this.z = plain(table, 'z', Float32Array);
    this.width = plain(table, 'width', Float32Array);
    this.depth = plain(table, 'depth', Float32Array);
    this.height = plain(table, 'height', Float32Array);
    this.maxUnits = nullableInts(table.getChild('maxUnits'), n);
    this.units = plain(table, 'units', Int32Array);
    this.reserved = plain(table, 'reserved', Int32Array);
    this.fill = plain(table, 'fill', Float32Array);
    this.flags = plain(table, 'flags', Uint8Array);
    this.skuCount = plain(table, 'skuCount', Uint16Array);
    const top = dictionary(table.getChild('topSku'), n);
    this.skus = top.words;
    this.topSku = top.indices;
    this.oldestReceiptAt = millis(table.getChild('oldestReceiptAt'), n);
    this.earliestExpiry = millis(table.getChild('earliestExpiry'), n);
    this.fillPerUnit = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      this.index.set(this.id[i]!, i);
      if (this.level[i]! > this.highestLevel) this.highestLevel = this.level[i]!;
      const f = this.fill[i]!;
      const u = this.units[i]!;
      // A clamped fill (1) says nothing about the volume per unit.
      this.fillPerUnit[i] = u > 0 && f > 0 && f < 1 ? f / u : NaN;
    }
  }

  /** Height of the tallest rack: the top of the highest bin (metres; 1 when there are no bins). */
  rackHeight(): number {
    let top = 1;
    for (let i = 0; i < this.length; i++) top = Math.max(top, this.z[i]! + this.height[i]! / 2);
    return top;
  }

  /** Decode the snapshot's Arrow IPC bytes (GET /api/warehouses/:id/snapshot, application/vnd.apache.arrow.stream). */
  static fromIPC(bytes: ArrayBuffer | Uint8Array): BinStore {
    return new BinStore(tableFromIPC(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)));
  }

  /**
   * Apply stock records (StreamClient's onRecords: in order, each once): per bin, units change by `delta`,
   * the empty flag follows the units, fill is estimated from the snapshot's fill per unit, a record of a
   * qc/hold/damaged balance with units sets that status bit. What a record cannot tell (a balance appearing
   * or disappearing may change the top SKU, SKU count, age, expiry and status bits; fill with no known volume
   * per unit) marks the bin `dirty` for a refetch (`patch`). Returns the instance indices that changed.
   */
  applyRecords(records: readonly StreamRecord[]): Set<number> {
    const changed = new Set<number>();
    for (const r of records) {
      if (r.kind !== 'stock') continue;
      const i = this.index.get(r.binId);
      if (i === undefined || r.delta === 0) continue;
      changed.add(i);
      const before = this.units[i]!;
      const units = Math.max(0, Math.min(0x7fffffff, before + r.delta));
      this.units[i] = units;
      const statusBit = STATUS_FLAG[r.status] ?? 0;
      if (units === 0) {
        // Nothing on hand: every stock-derived field is known exactly.
        this.flags[i] = (this.flags[i]! & ~STOCK_FLAGS) | BinFlag.EMPTY;
        this.fill[i] = 0;
        this.skuCount[i] = 0;
        this.topSku[i] = -1;
        this.oldestReceiptAt[i] = NaN;
        this.earliestExpiry[i] = NaN;
        this.reserved[i] = 0;
        this.dirty.delete(i);
        continue;
      }
      this.flags[i] = this.flags[i]! & ~BinFlag.EMPTY;
      if (statusBit && r.qty > 0) this.flags[i] = this.flags[i]! | statusBit;
      const perUnit = this.fillPerUnit[i]!;
      if (Number.isFinite(perUnit)) this.fill[i] = Math.min(1, units * perUnit);
      else this.dirty.add(i);
      // The balance appeared (qty == delta: it was 0) or emptied: SKU set, age, expiry, status bits may change.
      if (before === 0 || r.qty === 0 || r.qty === r.delta) this.dirty.add(i);
    }
    return changed;
  }

  /** Overwrite bins with fresh values (a refetch of dirty bins, JSON snapshot rows); returns the changed indices. */
  patch(rows: readonly PatchRow[]): Set<number> {
    const changed = new Set<number>();
    for (const row of rows) {
      const i = this.index.get(row.id);
      if (i === undefined) continue;
      changed.add(i);
      this.units[i] = row.units;
      this.reserved[i] = row.reserved;
      this.fill[i] = row.fill;
      this.flags[i] = row.flags;
      this.skuCount[i] = row.skuCount;
      this.maxUnits[i] = row.maxUnits ?? -1;
      let sku = -1;
      if (row.topSku != null) {
        sku = this.skus.indexOf(row.topSku);
        if (sku < 0) sku = this.skus.push(row.topSku) - 1;
      }
      this.topSku[i] = sku;
      this.oldestReceiptAt[i] = row.oldestReceiptAt ?? NaN;
      this.earliestExpiry[i] = row.earliestExpiry ?? NaN;
      this.fillPerUnit[i] = row.units > 0 && row.fill > 0 && row.fill < 1 ? row.fill / row.units : NaN;
      this.dirty.delete(i);
    }
    return changed;
  }

  /** Instance index of a bin id, or -1. */
  indexOf(binId: number): number {
    return this.index.get(binId) ?? -1;
  }

  /** Top SKU code of an instance, or null. */
  topSkuOf(i: number): string | null {
    const s = this.topSku[i]!;
    return s >= 0 ? this.skus[s]! : null;
  }
}

/** The fields of a SnapshotBin (JSON snapshot row) that `patch` reads. */
export interface PatchRow {
  id: number; units: number; reserved: number; fill: number; flags: number; skuCount: number;
  maxUnits: number | null; topSku: string | null; oldestReceiptAt: number | null; earliestExpiry: number | null;
}

/**
 * Which instances to show: levels up to `levelMax` (undefined = all), zones in `zones` (undefined = all).
 * Returns 1 = visible per instance.
 */
export function visibility(store: BinStore, levelMax?: number, zones?: ReadonlySet<string>): Uint8Array {
  const out = new Uint8Array(store.length);
  const zoneOk = store.zones.map((z) => (zones ? zones.has(z) : true));
  const max = levelMax ?? Infinity;
  for (let i = 0; i < store.length; i++) out[i] = store.level[i]! <= max && zoneOk[store.zone[i]!] ? 1 : 0;
  return out;
}

/**
 * Instance matrices (16 floats each) for a unit cube: each bin's box, slightly shrunk (`gap`) so neighbours
 * read apart; invisible bins get a zero scale. `orientation` maps zone code → which way its aisles run
 * (width runs along the aisle); unknown zones default to 'y'. Returns the number of visible instances.
 */
export function writeMatrices(store: BinStore, out: Float32Array, visible?: Uint8Array,
  orientation?: ReadonlyMap<string, Orientation>, gap = 0.92): number {
  const alongX = store.zones.map((z) => orientation?.get(z) === 'x');
  let shown = 0;
  for (let i = 0; i < store.length; i++) {
    const k = visible && !visible[i] ? 0 : 1;
    shown += k;
    const w = store.width[i]! * gap * k;
    const d = store.depth[i]! * gap * k;
    const h = store.height[i]! * gap * k;
    const ax = alongX[store.zone[i]!];
    boxMatrixInto(out, i * 16, store.x[i]!, store.y[i]!, store.z[i]!, ax ? w : d, ax ? d : w, h);
  }
  return shown;
}

// --- Arrow column readers ------------------------------------------------------------------------

type TypedCtor<T> = { new (n: number): T };
type Typed = Int32Array | Int16Array | Uint8Array | Uint16Array | Float32Array;

function column(table: Table, name: string): Vector {
  const v = table.getChild(name);
  if (!v) throw new Error(`snapshot: no column ${name}`);
  return v;
}

/** A non-null numeric column as its own typed array (copied: the IPC buffer may be shared or unaligned). */
function plain<T extends Typed>(table: Table, name: string, Ctor: TypedCtor<T>): T {
  const v = column(table, name);
  const out = new Ctor(v.length);
  let at = 0;
  for (const d of v.data as Data[]) {
    const values = d.values as ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> };
    (out as unknown as { set(a: ArrayLike<number>, o: number): void }).set(values.subarray(d.offset, d.offset + d.length), at);
    at += d.length;
  }
  return out;
}

function strings(v: Vector | null, n: number): string[] {
  const out = new Array<string>(n);
  if (!v) return out.fill('');
  for (let i = 0; i < n; i++) out[i] = String(v.get(i) ?? '');
  return out;
}

function isValid(d: Data, i: number): boolean {
  if (!d.nullCount || !d.nullBitmap) return true;
  const j = d.offset + i;
  return (d.nullBitmap[j >> 3]! & (1 << (j & 7))) !== 0;
}

/** A dictionary-encoded string column: its words (first batch's dictionary) and per-row indexes (-1 = null). */
function dictionary(v: Vector | null, n: number): { words: string[]; indices: Int32Array } {
  const indices = new Int32Array(n).fill(-1);
  if (!v) return { words: [], indices };
  const words: string[] = [];
  const wordIndex = new Map<string, number>();
  let at = 0;
  for (const d of v.data as Data[]) {
    const dict = d.dictionary;
    // Map this batch's dictionary into ours (batches may carry different or delta dictionaries).
    const local = new Int32Array(dict ? dict.length : 0);
    for (let k = 0; k < local.length; k++) {
      const word = String(dict!.get(k));
      let w = wordIndex.get(word);
      if (w === undefined) { w = words.push(word) - 1; wordIndex.set(word, w); }
      local[k] = w;
    }
    const values = d.values as ArrayLike<number>;
    for (let i = 0; i < d.length; i++) {
      if (isValid(d, i)) indices[at + i] = local[values[d.offset + i]!]!;
    }
    at += d.length;
  }
  return { words, indices };
}

function nullableInts(v: Vector | null, n: number): Int32Array {
  const out = new Int32Array(n).fill(-1);
  if (!v) return out;
  let at = 0;
  for (const d of v.data as Data[]) {
    const values = d.values as ArrayLike<number>;
    for (let i = 0; i < d.length; i++) if (isValid(d, i)) out[at + i] = values[d.offset + i]!;
    at += d.length;
  }
  return out;
}

/** Timestamp / date column → epoch ms (NaN = null), as Arrow JS decodes them. */
function millis(v: Vector | null, n: number): Float64Array {
  const out = new Float64Array(n).fill(NaN);
  if (!v) return out;
  for (let i = 0; i < n; i++) {
    const value = v.get(i) as number | bigint | Date | null;
    if (value == null) continue;
    out[i] = value instanceof Date ? value.getTime() : Number(value);
  }
  return out;
}
